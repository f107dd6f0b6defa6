import express, { Router } from 'express';
import type { Envelope } from '../intake/envelope';
import { simulateDraft, type SimulationSlots } from '../pipeline/draft-simulation';
import { factCatalogue } from '../routing/fact-catalogue';
import { EESSI_COUNTRIES } from '../helpdesk/tickets/ticket';
import type { InstitutionRow, TerritoryRow } from '../routing/directory';
import { routeEnvelope } from '../routing/evaluate';
import { forwardTarget } from '../routing/forward-target';
import { searchInstitutions } from '../routing/institution-search';
import type { RoutingConfigService, VersionMeta } from '../routing/versions';
import { AppError } from '../shared/errors';
import { parsePageRequest, toPage } from '../shared/paging';
import type { EnvelopeValidator } from '../validation/envelope-validator';
import { requireRole } from './auth';
import { BODY_LIMITS, jsonBody, noStore, pathParam, readBodyBytes } from './request-validation';
import type { Role } from '../access/access';

const json = jsonBody(BODY_LIMITS.rules);

/** Pages an in-memory list already in its final order, keyed by `key` (CONTRACT §3 paging). */
function pageOf<T>(query: Record<string, unknown>, all: readonly T[], key: (t: T) => string) {
  const page = parsePageRequest(query, { textKeys: true });
  const start = page.after ? all.findIndex((t) => key(t) === page.after!.id) + 1 : 0;
  return toPage(all.slice(start, start + page.limit + 1), page.limit, (t) => t, (t) => ['', key(t)]);
}

interface InstitutionSearch { network?: string; q?: string; validAt?: string }

function queryText(query: Record<string, unknown>, key: string, pattern: RegExp, what: string): string | undefined {
  const v = query[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new AppError('REQ_INVALID_QUERY', `${key} takes one value.`, [{ path: key, message: 'given more than once' }]);
  if (!pattern.test(v)) throw new AppError('REQ_INVALID_QUERY', `${key} must be ${what}.`, [{ path: key, message: `"${v.slice(0, 64)}" is not ${what}` }]);
  return v;
}

/** Directory search: words of name, acronym, id, départements (`q`, any order, case and accents ignored), network, validity at a date. */
function institutionSearchOf(query: Record<string, unknown>): InstitutionSearch {
  const validAt = queryText(query, 'validAt', /^\d{4}-\d{2}-\d{2}$/, 'a calendar date YYYY-MM-DD');
  if (validAt && Number.isNaN(new Date(`${validAt}T00:00:00Z`).getTime())) throw new AppError('REQ_INVALID_QUERY', 'validAt must be a real date.', [{ path: 'validAt', message: `"${validAt}" is not a real date` }]);
  return {
    network: queryText(query, 'network', /^[A-Z][A-Z0-9_]{0,63}$/, 'a network name such as PENSION_GENERAL'),
    q: queryText(query, 'q', /^[\p{L}\p{N}\p{P}\p{Zs}\p{S}]{1,100}$/u, 'a text of 1 to 100 printable characters'),
    validAt,
  };
}

/** Network and validity; the words of `q` are matched and ranked by searchInstitutions. */
function keepInstitution(i: InstitutionRow, s: InstitutionSearch, directory: { isValidAt(id: string, at: string): boolean }): boolean {
  if (s.network && !i.networks.includes(s.network)) return false;
  if (s.validAt && !directory.isValidAt(i.id, s.validAt)) return false;
  return true;
}

const TERRITORY_FIELDS = ['name', 'pensionFund', 'sicknessFund', 'familyFund', 'note'] as const;

/**
 * A territory change: the fields given over the territory as it is (a change of one fund keeps the others), a new
 * territory from its fields alone. A change with no field (only a reason) is refused: it published a version that
 * blanked the territory's funds (#21).
 */
function territoryChange(b: { territory?: unknown }, current: TerritoryRow | undefined, departement: string): TerritoryRow {
  const t = b.territory;
  if (t === null || typeof t !== 'object' || Array.isArray(t)) {
    throw new AppError('REQ_INVALID_BODY', 'territory is required: an object with the fields to change (name, pensionFund, sicknessFund, familyFund, note).', [{ path: '/territory', message: 'missing or not an object' }]);
  }
  const given = Object.keys(t).filter((k) => k !== 'departement');
  const unknown = given.filter((k) => !(TERRITORY_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new AppError('REQ_INVALID_BODY', `Unknown territory field(s): ${unknown.join(', ')}.`, unknown.map((k) => ({ path: `/territory/${k}`, message: 'unknown field' })));
  if (given.length === 0) throw new AppError('REQ_INVALID_BODY', 'territory names no field to change.', [{ path: '/territory', message: 'no field given' }]);
  const base = current ?? { name: '', pensionFund: null, sicknessFund: null, familyFund: null, note: '' };
  return { ...base, ...t, departement } as TerritoryRow;
}

const versionItems = (items: VersionMeta[]) => items.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() }));

// long-function: the routes of one router, read top to bottom like the API table; each handler is a few lines.
export function routingRouter(deps: {
  config: RoutingConfigService; validator: EnvelopeValidator;
  /** The case's current route (affinity), read only. */
  caseRoute: (caseId: string) => Promise<string | null>;
  /** The stored envelopes delivered since a date, a page at a time, in delivery order. */
  storedEnvelopePages: (since: Date) => AsyncIterable<Envelope[]>;
  /** Draft simulation bounds: the time limit and the slots (one per person, a few in all). */
  simulation: { timeLimitMs: number; slots: SimulationSlots };
  /** The current instant: who may receive a case is judged at it when the search names no `validAt`. */
  now: () => Date;
}): Router {
  const r = Router();

  // Any principal may simulate (CONTRACT §3), but only those who may read cases learn where a case is routed: for
  // the others the envelope is routed as its case's first SED (no case affinity). 1 MiB is ample for one envelope.
  r.post('/api/routing/simulate', requireRole('any'), noStore, jsonBody(BODY_LIMITS.envelopeSimulation), async (req, res) => {
    deps.validator.check(req.body);
    const envelope = req.body as Envelope;
    const cfg = await deps.config.current();
    const readsCases = ['operator', 'admin'].some((r) => req.principal!.roles.has(r as Role));
    const caseRoute = readsCases ? await deps.caseRoute(envelope.caseId) : null;
    const { decision } = routeEnvelope(envelope, { ruleTable: cfg.ruleTable, directory: cfg.directory, caseRoute });
    res.json({
      outcome: decision.outcome, institutionId: decision.institutionId, reason: decision.reason, ruleId: decision.ruleId,
      explanation: decision.explanation, trace: decision.trace, ruleSetVersion: cfg.ruleSetVersion, directoryVersion: cfg.directoryVersion,
    });
  });

  r.get('/api/rules', requireRole('any'), async (_req, res) => {
    const cfg = await deps.config.current();
    res.json({ version: cfg.ruleSetVersion, author: cfg.rulesMeta.author, reason: cfg.rulesMeta.reason, createdAt: cfg.rulesMeta.createdAt.toISOString(), ...cfg.ruleTable });
  });

  // The facts a condition may test, their operators and values: the console's condition form is built from it.
  r.get('/api/rules/facts', requireRole('any'), async (_req, res) => {
    const cfg = await deps.config.current();
    res.json({ ruleSetVersion: cfg.ruleSetVersion, directoryVersion: cfg.directoryVersion, ...factCatalogue(cfg.directory, cfg.ruleTable, EESSI_COUNTRIES) });
  });

  r.get('/api/rules/versions', requireRole('any'), async (req, res) => {
    res.json(pageOf(req.query as Record<string, unknown>, versionItems(await deps.config.listVersions('rules')), (v) => String(v.version)));
  });

  r.get('/api/rules/versions/:version', requireRole('any'), async (req, res) => {
    const v = await deps.config.ruleSetVersion(Number(pathParam(req, 'version', 'version', 'RTE_VERSION_NOT_FOUND')));
    if (!v) throw new AppError('RTE_VERSION_NOT_FOUND', `No rule table version "${req.params.version}" (versions are whole numbers from 1; see GET /api/rules/versions).`);
    res.json({ version: v.version, author: v.author, reason: v.reason, createdAt: v.createdAt.toISOString(), ...v.data });
  });

  r.get('/api/rules/versions/:from/diff/:to', requireRole('any'), async (req, res) => {
    const version = (v: string) => {
      const n = Number(v);
      if (/^\d+$/.test(v) && n > 2_147_483_647) throw new AppError('VAL_INVALID_PARAMETER', `The version "${v.slice(0, 20)}" is out of range: versions are whole numbers from 1 to 2147483647.`, [{ path: 'version', message: 'out of range' }]);
      if (!Number.isInteger(n) || n < 1) throw new AppError('RTE_VERSION_NOT_FOUND', `No rule table version "${v}" (versions are whole numbers from 1; see GET /api/rules/versions).`);
      return n;
    };
    const d = await deps.config.diffRuleVersions(version(String(req.params.from)), version(String(req.params.to)));
    res.json({ ...d, from: { ...d.from, createdAt: d.from.createdAt.toISOString() }, to: { ...d.to, createdAt: d.to.createdAt.toISOString() } });
  });

  r.put('/api/rules', requireRole('supervisor'), json, async (req, res) => {
    const b = (req.body ?? {}) as { rules?: unknown; description?: string; reason?: unknown; basedOnVersion?: unknown };
    const reason = typeof b.reason === 'string' ? b.reason : '';
    const basedOnVersion = typeof b.basedOnVersion === 'number' ? b.basedOnVersion : undefined;
    const meta = await deps.config.publishRules({ description: b.description, rules: b.rules }, { author: req.principal!.id, reason, basedOnVersion });
    res.status(201).json({ ...meta, createdAt: meta.createdAt.toISOString() });
  });

  // The body is read as bytes here and parsed in the simulation's worker thread: a 3.5 MB draft blocks no one.
  r.post('/api/rules/simulate', requireRole('operator', 'admin'), async (req, res) => {
    const body = await readBodyBytes(req, BODY_LIMITS.rules);
    const release = deps.simulation.slots.take(req.principal!.id);
    try {
      const cfg = await deps.config.current();
      const { since, ...report } = await simulateDraft({
        current: cfg.ruleTable, body: body.length ? body : Buffer.from('{}'), maxBodyBytes: BODY_LIMITS.rules, directory: cfg.directory,
        pages: (from) => deps.storedEnvelopePages(from), timeLimitMs: deps.simulation.timeLimitMs,
      });
      res.json({ basedOnVersion: cfg.ruleSetVersion, since, ...report });
    } finally {
      release();
    }
  });

  r.get('/api/institutions', requireRole('any'), async (req, res) => {
    const cfg = await deps.config.current();
    const search = institutionSearchOf(req.query as Record<string, unknown>);
    const all = searchInstitutions(cfg.directory, search.q, (i) => keepInstitution(i, search, cfg.directory));
    const page = pageOf(req.query as Record<string, unknown>, all, (i) => i.id);
    // Who may receive a case, judged here (routing/forward-target.ts) so that no client computes it again.
    const at = search.validAt ?? deps.now().toISOString();
    const receivesCases = (i: InstitutionRow) => {
      const check = forwardTarget(cfg.directory, i.id, at);
      return check.allowed ? { allowed: true, at } : { allowed: false, at, code: check.code, why: check.why };
    };
    res.json({ version: cfg.directoryVersion, ...page, items: page.items.map((i) => ({ ...i, receivesCases: receivesCases(i) })) });
  });

  const changeBy = (req: express.Request) => {
    const b = (req.body ?? {}) as { reason?: unknown; basedOnVersion?: unknown };
    return { author: req.principal!.id, reason: typeof b.reason === 'string' ? b.reason : '', basedOnVersion: typeof b.basedOnVersion === 'number' ? b.basedOnVersion : undefined };
  };

  r.put('/api/institutions/:institutionId', requireRole('supervisor'), json, async (req, res) => {
    const b = (req.body ?? {}) as { institution?: Record<string, unknown> };
    const row = {
      acronym: '', networks: [], branches: [], departements: [], validFrom: null, validTo: null, confidence: 'operator', source: `changed by ${req.principal!.id}`,
      ...(b.institution ?? {}), id: pathParam(req, 'institutionId', 'institutionId'),
    } as unknown as InstitutionRow;
    const meta = await deps.config.putInstitution(row, changeBy(req));
    res.status(201).json({ ...meta, createdAt: meta.createdAt.toISOString() });
  });

  r.put('/api/territories/:departement', requireRole('supervisor'), json, async (req, res) => {
    const departement = pathParam(req, 'departement', 'departement');
    const row = territoryChange((req.body ?? {}) as { territory?: unknown }, (await deps.config.current()).directory.territory(departement), departement);
    const meta = await deps.config.putTerritory(row, changeBy(req));
    res.status(201).json({ ...meta, createdAt: meta.createdAt.toISOString() });
  });

  r.get('/api/directory/versions', requireRole('any'), async (req, res) => {
    res.json(pageOf(req.query as Record<string, unknown>, versionItems(await deps.config.listVersions('directory')), (v) => String(v.version)));
  });

  r.get('/api/territories', requireRole('any'), async (req, res) => {
    const cfg = await deps.config.current();
    res.json({ version: cfg.directoryVersion, ...pageOf(req.query as Record<string, unknown>, cfg.directory.territories, (t) => t.departement) });
  });

  return r;
}
