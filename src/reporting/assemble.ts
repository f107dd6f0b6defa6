/**
 * Puts the database's figures together into a report: names (BUC titles), ratios of figures the database counted,
 * comparison columns, the SLA target of the policy in force. No figure is counted here.
 */
import type { Range } from './period';
import type { BucCatalogue } from './buc-catalogue';
import type { HelpdeskFigures, PeriodFigures, TableRow } from './report-model';
import type { FiguresReader, TableCounts, TicketCounts, TicketTimes, Window } from './report-store';

/** At most this many breaches are listed in a report (all are counted). */
export const BREACH_LIST_LIMIT = 1000;

export const ratio = (num: number, den: number): number | null => (den > 0 ? Number((num / den).toFixed(4)) : null);

/** received/forwarded of the current window, then `<window>Received`/`<window>Forwarded` for the others. */
function tableRow(t: TableCounts, windows: Window[]): TableRow {
  const current = t.windows.current ?? { received: 0, forwarded: 0 };
  const row: TableRow = { received: current.received, forwarded: current.forwarded, transferRate: ratio(current.forwarded, current.received) };
  for (const w of windows) {
    if (w.name === 'current') continue;
    row[`${w.name}Received`] = t.windows[w.name]?.received ?? 0;
    row[`${w.name}Forwarded`] = t.windows[w.name]?.forwarded ?? 0;
  }
  return row;
}

/** Largest first (forwarded, then received), as annex 2 lists them; ties by key. */
function byVolume<T extends { forwarded: number; received: number }>(key: (r: T) => string) {
  return (a: T, b: T) => b.forwarded - a.forwarded || b.received - a.received || key(a).localeCompare(key(b));
}

/**
 * Promise.all that lets every call settle before failing: a report whose one figure fails leaves no other query
 * running, or about to start, on a session (or transaction) that its caller is ending.
 */
async function settleAll<T extends readonly unknown[] | []>(calls: T): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const settled = (await Promise.allSettled(calls)) as PromiseSettledResult<unknown>[];
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [P in keyof T]: Awaited<T[P]> };
}

type TicketFigures = [TicketCounts, TicketTimes, { count: number; rows: HelpdeskFigures['breaches'] }];

function helpdeskFigures([counts, times, breaches]: TicketFigures, slaTarget: number | null): HelpdeskFigures {
  const slaCompliance = ratio(times.compliant, times.measured);
  return {
    opened: counts.opened,
    resolved: counts.resolved,
    byCounterpartCountry: counts.byCounterpartCountry,
    priorityChanged: counts.priorityChanged,
    firstResponse: times.firstResponse,
    resolution: times.resolution,
    slaCompliance,
    slaTarget,
    slaTargetMet: slaCompliance === null || slaTarget === null ? null : slaCompliance >= slaTarget,
    slaMeasured: times.measured,
    slaCompliant: times.compliant,
    complianceByPolicy: times.complianceByPolicy.map((p) => ({ ...p, compliance: ratio(p.compliant, p.tickets) })),
    waiting: times.waiting,
    breachCount: breaches.count,
    breaches: breaches.rows,
    breachesTruncated: breaches.count > breaches.rows.length,
  };
}

export interface AssembleInput {
  range: Range;
  /** The comparison windows of the tables; `current` is the range itself. */
  windows: Window[];
  asOf: Date;
  catalogue: BucCatalogue;
}

export async function periodFigures(tx: FiguresReader, input: AssembleInput): Promise<PeriodFigures> {
  const { range, asOf } = input;
  const windows = [{ name: 'current', ...range }, ...input.windows.filter((w) => w.name !== 'current')];
  // Asked for together, so that a store reading from several sessions runs them concurrently; the longest first
  // (on the bench month: ticket times, the two over forwards, cases), so that they start at once and the short
  // ones fill in.
  const [times, toForward, forwards, cases, counts, breaches, received, quarantine, versionsInForce] = await settleAll([
    tx.ticketTimes(range, asOf), tx.timeToForward(range), tx.forwards(range), tx.cases(range, windows), tx.ticketCounts(range),
    tx.breaches(range, asOf, BREACH_LIST_LIMIT), tx.envelopesReceived(range), tx.quarantine(range), tx.versionsInForce(range),
  ]);
  const flows = cases.flows;
  // The target of the SLA policy in force at the end of the period (the latest one in force during it).
  const policies = versionsInForce.slaPolicy;
  const slaTarget = policies.length ? policies[policies.length - 1].targetCompliance ?? null : null;
  return {
    envelopes: { received, quarantined: quarantine.inputs, quarantineReceipts: quarantine.receipts, quarantinedByReason: quarantine.byReason },
    cases: {
      received: flows.received, forwarded: flows.forwarded, forwardedAutomatically: flows.forwardedAutomatically,
      forwardedAfterTriage: flows.forwardedAfterTriage, returned: flows.returned, inTriage: flows.inTriage, quarantined: flows.quarantined,
      transferRate: ratio(flows.forwarded, flows.received), inTriageByReason: flows.inTriageByReason,
    },
    timeToForward: toForward,
    bounces: {
      total: forwards.bouncesByInstitution.reduce((s, b) => s + b.bounces, 0),
      byInstitution: forwards.bouncesByInstitution,
      byRule: forwards.bouncesByRule,
    },
    byBucType: cases.bucType
      .map((t) => ({ bucType: t.key, title: input.catalogue.title(t.key), sector: t.key.split('_')[0], ...tableRow(t, windows) }))
      .sort(byVolume((r) => r.bucType)),
    bySenderCountry: cases.country.map((t) => ({ country: t.key, ...tableRow(t, windows) })).sort(byVolume((r) => r.country)),
    bySector: cases.sector.map((t) => ({ sector: t.key, ...tableRow(t, windows) })).sort(byVolume((r) => r.sector)),
    byInstitution: forwards.byInstitution,
    helpdesk: helpdeskFigures([counts, times, breaches], slaTarget),
    versionsInForce,
  };
}
