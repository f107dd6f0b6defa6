/**
 * The report as titled tables with French labels: what the CSV writes section by section and the HTML page
 * shows under its charts. One definition, so both renderings always carry the same figures.
 */
import type { Report, TableRow } from './report-model';

export type Cell = string | number | boolean | null;

export interface Column {
  key: string;
  label: string;
  /** How to show it: a count, a ratio shown as a percentage, hours, seconds, text. */
  kind?: 'count' | 'ratio' | 'hours' | 'seconds' | 'text' | 'date';
}

export interface ReportTable {
  id: string;
  title: string;
  columns: Column[];
  /** A row's `kind` field, when present, says how to show its columns that have no kind of their own. */
  rows: Array<Record<string, Cell>>;
}

const CLOCKS: Record<string, string> = { 'first-response': 'première réponse', resolution: 'résolution' };
const STATES: Record<string, string> = {
  new: 'nouveau', open: 'ouvert', 'waiting-counterpart': 'attente pays partenaire', 'waiting-institution': 'attente institution',
  resolved: 'résolu', closed: 'clos',
};

const text = (key: string, label: string): Column => ({ key, label, kind: 'text' });
const count = (key: string, label: string): Column => ({ key, label, kind: 'count' });
const pct = (key: string, label: string): Column => ({ key, label, kind: 'ratio' });

/** Comparison columns of the case tables (monthly: annex 2's; yearly: previous year). */
export function comparisonColumns(r: Report): Column[] {
  if (r.kind === 'yearly') return [count('previousYearReceived', 'Reçus N-1'), count('previousYearForwarded', 'Transmis N-1')];
  return [
    count('previousMonthForwarded', 'Transmis mois précédent'),
    count('sameMonthLastYearForwarded', 'Transmis même mois N-1'),
    count('yearToDateReceived', 'Reçus cumul annuel'),
    count('yearToDateForwarded', 'Transmis cumul annuel'),
  ];
}

const caseColumns = (r: Report): Column[] => [count('received', 'Reçus'), count('forwarded', 'Transmis'), pct('transferRate', 'Taux de transfert'), ...comparisonColumns(r)];

const rowsOf = <T extends object>(items: readonly T[]) => items.map((i) => ({ ...i }) as Record<string, Cell>);

/** Rows of a table whose value column mixes units carry their own `kind` (see Column.kind). */
function flowRows(r: Report): Array<Record<string, Cell>> {
  const kv = (label: string, value: Cell, previous?: Cell) => {
    const kind = label.startsWith('Taux') || label.startsWith('Conformité') || label.startsWith('Objectif') ? 'ratio' : label.includes('(s)') ? 'seconds' : 'count';
    return { label, value, ...(r.previousYear ? { previous: previous ?? null } : {}), kind };
  };
  const p = r.previousYear;
  return [
    kv('SED (enveloppes) reçus', r.envelopes.received, p?.envelopes.received),
    kv('Entrées rejetées (quarantaine)', r.envelopes.quarantined, p?.envelopes.quarantined),
    kv('BUC (dossiers) reçus', r.cases.received, p?.cases.received),
    kv('Transmis automatiquement', r.cases.forwardedAutomatically, p?.cases.forwardedAutomatically),
    kv('Transmis après tri', r.cases.forwardedAfterTriage, p?.cases.forwardedAfterTriage),
    kv('Renvoyés (hors compétence française)', r.cases.returned, p?.cases.returned),
    kv('En attente de tri', r.cases.inTriage, p?.cases.inTriage),
    kv('Dossiers connus seulement en quarantaine', r.cases.quarantined, p?.cases.quarantined),
    kv('Taux de transfert', r.cases.transferRate, p?.cases.transferRate),
    kv('Délai de transmission automatique, médiane (s)', r.timeToForward.automatic.medianSeconds, p?.timeToForward.automatic.medianSeconds),
    kv('Délai de transmission automatique, p90 (s)', r.timeToForward.automatic.p90Seconds, p?.timeToForward.automatic.p90Seconds),
    kv('Délai de transmission après tri, médiane (s)', r.timeToForward.manual.medianSeconds, p?.timeToForward.manual.medianSeconds),
    kv('Délai de transmission après tri, p90 (s)', r.timeToForward.manual.p90Seconds, p?.timeToForward.manual.p90Seconds),
    kv('Rejets par les institutions', r.bounces.total),
    kv('Tickets ouverts', r.helpdesk.opened, p?.helpdesk.opened),
    kv('Tickets résolus', r.helpdesk.resolved, p?.helpdesk.resolved),
    kv('Conformité SLA', r.helpdesk.slaCompliance, p?.helpdesk.slaCompliance),
    kv('Objectif SLA', r.helpdesk.slaTarget),
  ];
}

function slaRows(r: Report): Array<Record<string, Cell>> {
  const h = r.helpdesk;
  const rows: Array<Record<string, Cell>> = [
    { measure: 'Première réponse', priority: 'toutes', tickets: h.firstResponse.tickets, median: h.firstResponse.medianBusinessHours, p90: h.firstResponse.p90BusinessHours },
    ...h.firstResponse.byPriority.map((x) => ({ measure: 'Première réponse', priority: x.priority, tickets: x.tickets, median: x.medianBusinessHours, p90: x.p90BusinessHours })),
    { measure: 'Résolution', priority: 'toutes', tickets: h.resolution.tickets, median: h.resolution.medianBusinessHours, p90: h.resolution.p90BusinessHours },
    ...h.resolution.byPriority.map((x) => ({ measure: 'Résolution', priority: x.priority, tickets: x.tickets, median: x.medianBusinessHours, p90: x.p90BusinessHours })),
  ];
  return rows;
}

export function reportTables(r: Report): ReportTable[] {
  const h = r.helpdesk;
  const v = r.versionsInForce;
  return [
    { id: 'flows', title: 'Flux', columns: [text('label', 'Indicateur'), { key: 'value', label: r.kind === 'yearly' ? r.year! : 'Valeur' }, ...(r.previousYear ? [{ key: 'previous', label: String(Number(r.year) - 1) }] : [])], rows: flowRows(r) },
    { id: 'quarantine', title: 'Entrées rejetées par motif', columns: [text('reason', 'Motif'), count('inputs', 'Entrées'), count('receipts', 'Réceptions')], rows: rowsOf(r.envelopes.quarantinedByReason) },
    { id: 'triage', title: 'Dossiers en attente de tri par motif', columns: [text('reason', 'Motif'), count('cases', 'Dossiers')], rows: rowsOf(r.cases.inTriageByReason) },
    { id: 'byBucType', title: 'Dossiers par type de BUC (annexe 2)', columns: [text('bucType', 'BUC'), text('title', 'Intitulé'), ...caseColumns(r)], rows: rowsOf(r.byBucType) },
    { id: 'bySenderCountry', title: 'Dossiers par pays expéditeur', columns: [text('country', 'Pays'), ...caseColumns(r)], rows: rowsOf(r.bySenderCountry) },
    { id: 'bySector', title: 'Dossiers par secteur', columns: [text('sector', 'Secteur'), ...caseColumns(r)], rows: rowsOf(r.bySector as TableRow[]) },
    {
      id: 'byInstitution', title: 'Transmissions par institution française destinataire',
      columns: [text('institutionId', 'Institution'), text('name', 'Nom'), count('cases', 'Dossiers'), count('envelopes', 'SED'), count('accepted', 'Acceptés'), count('rejected', 'Rejetés'), count('pending', 'Sans réponse')],
      rows: rowsOf(r.byInstitution),
    },
    { id: 'bouncesByInstitution', title: 'Rejets par institution', columns: [text('institutionId', 'Institution'), text('name', 'Nom'), count('bounces', 'Rejets')], rows: rowsOf(r.bounces.byInstitution) },
    { id: 'bouncesByRule', title: 'Rejets par règle ayant choisi l’institution', columns: [text('ruleId', 'Règle (vide : choix d’un opérateur)'), count('bounces', 'Rejets')], rows: rowsOf(r.bounces.byRule) },
    {
      id: 'ticketsByCountry', title: 'Tickets C2C par pays et priorité (à l’ouverture)',
      columns: [text('counterpartCountry', 'Pays'), text('priority', 'Priorité'), count('opened', 'Ouverts'), count('resolved', 'Résolus')], rows: rowsOf(h.byCounterpartCountry),
    },
    { id: 'slaTimes', title: 'Délais en heures ouvrées', columns: [text('measure', 'Mesure'), text('priority', 'Priorité'), count('tickets', 'Tickets'), { key: 'median', label: 'Médiane (h)', kind: 'hours' }, { key: 'p90', label: 'p90 (h)', kind: 'hours' }], rows: slaRows(r) },
    {
      id: 'slaCompliance', title: 'Conformité SLA par version de politique',
      columns: [text('policyVersion', 'Politique'), count('tickets', 'Tickets résolus'), count('compliant', 'Dans les délais'), pct('compliance', 'Conformité'), pct('target', 'Objectif')], rows: rowsOf(h.complianceByPolicy),
    },
    {
      id: 'waiting', title: 'Temps d’attente par partie (heures ouvrées, tickets résolus)',
      columns: [text('party', 'Partie'), { key: 'hours', label: 'Heures', kind: 'hours' }],
      rows: [
        { party: 'Pays partenaire', hours: h.waiting.counterpartBusinessHours },
        { party: 'Institution française', hours: h.waiting.institutionBusinessHours },
        { party: 'Service d’assistance (CLEISS)', hours: h.waiting.deskBusinessHours },
      ],
    },
    {
      id: 'breaches', title: `Dépassements SLA (${h.breachCount}${h.breachesTruncated ? `, ${h.breaches.length} listés` : ''})`,
      columns: [text('ticketId', 'Ticket'), text('counterpartCountry', 'Pays'), text('priorityAtOpening', 'Priorité à l’ouverture'), text('priority', 'Priorité actuelle'), text('policyVersion', 'Politique'), text('clock', 'Délai'), { key: 'dueAt', label: 'Échéance', kind: 'date' }, { key: 'stoppedAt', label: 'Arrêt', kind: 'date' }, text('state', 'État')],
      rows: h.breaches.map((b) => ({ ...b, clock: CLOCKS[b.clock] ?? b.clock, state: STATES[b.state] ?? b.state })),
    },
    {
      id: 'versions', title: 'Versions en vigueur sur la période',
      columns: [text('what', 'Référentiel'), text('version', 'Version'), { key: 'since', label: 'Depuis', kind: 'date' }, text('reason', 'Motif'), count('used', 'Utilisations')],
      rows: [
        ...v.ruleTable.map((x) => ({ what: 'Table de règles', version: x.version, since: x.since, reason: x.reason ?? null, used: x.used })),
        ...v.directory.map((x) => ({ what: 'Annuaire', version: x.version, since: x.since, reason: x.reason ?? null, used: x.used })),
        ...v.slaPolicy.map((x) => ({ what: 'Politique SLA', version: x.version, since: x.since, reason: `calendrier ${x.calendar}, objectif ${Math.round((x.targetCompliance ?? 0) * 100)} %`, used: x.used })),
      ],
    },
    ...(r.changes.length ? [{ id: 'changes', title: `Modifications depuis la version ${r.previousVersion}`, columns: [text('path', 'Indicateur'), { key: 'before', label: 'Avant' }, { key: 'after', label: 'Après' }], rows: r.changes.map((c) => ({ path: c.path, before: c.before as Cell, after: c.after as Cell })) }] : []),
  ];
}
