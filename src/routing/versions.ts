/**
 * The directory and rule table in force, versioned: loaded from config/ at first start, then every change is a
 * new version with author, time and reason. A decision names the versions it used, so a past decision can always
 * be explained with the table of its time. Routing always uses the latest version; effective dates inside it
 * (rules' since/until, institutions' validity) are judged at each envelope's legalDeliveryAt.
 */
import type { AuditEntry } from '../audit/audit-trail';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { directoryFromData, type Directory, type DirectoryData, type InstitutionRow, type TerritoryRow } from './directory';
import { diffRuleTables, type RuleTableDiff } from './rule-diff';
import { loadRuleTable, type RuleTable } from './rule-table';

export interface VersionMeta {
  version: number;
  author: string;
  reason: string;
  createdAt: Date;
}

export interface StoredVersion<T> extends VersionMeta {
  data: T;
}

export interface RoutingConfigRepository {
  latestVersions(): Promise<{ directory: number | null; rules: number | null }>;
  directoryVersion(version: number): Promise<StoredVersion<DirectoryData> | undefined>;
  ruleSetVersion(version: number): Promise<StoredVersion<RuleTable> | undefined>;
  /** Inserts version `expected + 1`; false when another writer took that number first. */
  insertDirectoryVersion(v: StoredVersion<DirectoryData>): Promise<boolean>;
  insertRuleSetVersion(v: StoredVersion<RuleTable>): Promise<boolean>;
  listVersions(kind: 'directory' | 'rules'): Promise<VersionMeta[]>;
}

export interface RoutingConfig {
  directory: Directory;
  directoryVersion: number;
  ruleTable: RuleTable;
  ruleSetVersion: number;
  rulesMeta: VersionMeta;
  directoryMeta: VersionMeta;
}

/** Where published changes are recorded (Service.audit); the command-line tools may go without. */
export interface ConfigAudit {
  record(entry: AuditEntry): Promise<void>;
}

export class RoutingConfigService {
  private cached?: RoutingConfig;

  constructor(private readonly repo: RoutingConfigRepository, private readonly clock: Clock, private readonly audit?: ConfigAudit) {}

  /** First start: the shipped defaults become version 1 of each. Safe to call on every start. */
  async seed(defaults: { directory: Directory; ruleTable: RuleTable }): Promise<void> {
    const latest = await this.repo.latestVersions();
    const meta = { author: 'system', reason: 'initial load from config/', createdAt: this.clock.now(), version: 1 };
    if (latest.directory === null) await this.repo.insertDirectoryVersion({ ...meta, data: defaults.directory.toJSON() });
    if (latest.rules === null) await this.repo.insertRuleSetVersion({ ...meta, data: defaults.ruleTable });
  }

  /** The versions in force; reloaded only when a newer version was published (by any instance). */
  async current(): Promise<RoutingConfig> {
    const latest = await this.repo.latestVersions();
    if (latest.directory === null || latest.rules === null) {
      throw new AppError('RTE_RULESET_INVALID', 'No directory or rule table has been loaded yet.');
    }
    const c = this.cached;
    if (c && c.directoryVersion === latest.directory && c.ruleSetVersion === latest.rules) return c;
    const [d, r] = await Promise.all([this.repo.directoryVersion(latest.directory), this.repo.ruleSetVersion(latest.rules)]);
    if (!d || !r) throw new AppError('RTE_RULESET_INVALID', 'The routing configuration versions could not be read.');
    const directory = directoryFromData(d.data);
    this.cached = {
      directory, directoryVersion: d.version, ruleTable: loadRuleTable(r.data, directory), ruleSetVersion: r.version,
      rulesMeta: meta(r), directoryMeta: meta(d),
    };
    return this.cached;
  }

  async ruleSetVersion(version: number): Promise<StoredVersion<RuleTable> | undefined> {
    return this.repo.ruleSetVersion(version);
  }

  async listVersions(kind: 'directory' | 'rules'): Promise<VersionMeta[]> {
    return this.repo.listVersions(kind);
  }

  /** Publishes a new rule table. `basedOnVersion` (optional) guards against overwriting someone else's change. */
  async publishRules(json: unknown, by: { author: string; reason: string; basedOnVersion?: number }): Promise<VersionMeta> {
    const cur = await this.current();
    const table = loadRuleTable(json, cur.directory);
    const meta = await this.insertNext('rules', cur.ruleSetVersion, table, by);
    const d = diffRuleTables(cur.ruleTable, table);
    await this.audit?.record({
      actor: by.author, action: 'rules.publish', subjectType: 'rule-table', subjectId: String(meta.version),
      before: { version: cur.ruleSetVersion }, after: { version: meta.version },
      data: {
        reason: by.reason, added: d.added.map((a) => a.rule.id), removed: d.removed.map((r) => r.rule.id),
        changed: d.changed.map((c) => c.ruleId), reordered: d.reordered.map((r) => r.ruleId),
      },
    });
    return meta;
  }

  /** What changed from rule-table version `from` to version `to`. */
  async diffRuleVersions(from: number, to: number): Promise<RuleTableDiff & { from: VersionMeta; to: VersionMeta }> {
    const [a, b] = await Promise.all([this.repo.ruleSetVersion(from), this.repo.ruleSetVersion(to)]);
    const missing = !a ? from : !b ? to : null;
    if (missing !== null || !a || !b) throw new AppError('RTE_VERSION_NOT_FOUND', `No rule table version ${missing} (see GET /api/rules/versions).`);
    return { from: meta(a), to: meta(b), ...diffRuleTables(a.data, b.data) };
  }

  async publishDirectory(data: DirectoryData, by: { author: string; reason: string; basedOnVersion?: number }): Promise<VersionMeta> {
    const cur = await this.current();
    const directory = directoryFromData(data);
    // The table in force must still make sense with the new directory (fixed targets exist).
    loadRuleTable(cur.ruleTable, directory);
    const result = await this.insertNext('directory', cur.directoryVersion, directory.toJSON(), by);
    const before = new Map(cur.directory.institutions.map((i) => [i.id, JSON.stringify(i)]));
    const changedIds = directory.institutions.filter((i) => before.get(i.id) !== JSON.stringify(i)).map((i) => i.id);
    await this.audit?.record({
      actor: by.author, action: 'directory.publish', subjectType: 'directory', subjectId: String(result.version),
      before: { version: cur.directoryVersion }, after: { version: result.version },
      data: { reason: by.reason, institutionsChanged: changedIds.slice(0, 50), institutions: directory.institutions.length, territories: directory.territories.length },
    });
    return result;
  }

  /** Adds or replaces one institution (by id) in a new directory version. */
  async putInstitution(row: InstitutionRow, by: { author: string; reason: string; basedOnVersion?: number }): Promise<VersionMeta> {
    const data = (await this.current()).directory.toJSON();
    const institutions = [...data.institutions.filter((i) => i.id !== row.id), row].sort((a, b) => (a.id < b.id ? -1 : 1));
    return this.publishDirectory({ ...data, institutions }, by);
  }

  /** Adds or replaces one territory row (by département) in a new directory version. */
  async putTerritory(row: TerritoryRow, by: { author: string; reason: string; basedOnVersion?: number }): Promise<VersionMeta> {
    const data = (await this.current()).directory.toJSON();
    const territories = [...data.territories.filter((t) => t.departement !== row.departement), row].sort((a, b) => (a.departement < b.departement ? -1 : 1));
    return this.publishDirectory({ ...data, territories }, by);
  }

  private async insertNext<T extends RuleTable | DirectoryData>(
    kind: 'rules' | 'directory', currentVersion: number, data: T, by: { author: string; reason: string; basedOnVersion?: number },
  ): Promise<VersionMeta> {
    if (!by.reason.trim()) throw new AppError('REQ_INVALID_BODY', 'A change needs a reason.', [{ path: '/reason', message: 'is required' }]);
    if (by.basedOnVersion !== undefined && by.basedOnVersion !== currentVersion) {
      throw new AppError('RTE_VERSION_CONFLICT', `The ${kind === 'rules' ? 'rule table' : 'directory'} is at version ${currentVersion}, not ${by.basedOnVersion}: reload and apply your change again.`);
    }
    const v = { version: currentVersion + 1, author: by.author, reason: by.reason, createdAt: this.clock.now() };
    const ok = kind === 'rules'
      ? await this.repo.insertRuleSetVersion({ ...v, data: data as RuleTable })
      : await this.repo.insertDirectoryVersion({ ...v, data: data as DirectoryData });
    if (!ok) throw new AppError('RTE_VERSION_CONFLICT', `Another change was published at the same time (version ${v.version}); reload and try again.`);
    return v;
  }
}

function meta(v: VersionMeta): VersionMeta {
  return { version: v.version, author: v.author, reason: v.reason, createdAt: v.createdAt };
}
