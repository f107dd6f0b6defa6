/**
 * periodFigures asks for every figure at once (a store with several sessions runs them concurrently). When one
 * figure fails, the report fails only once every other figure has settled: no query is left running, or about
 * to start, on a session or transaction its caller is about to end.
 */
import { periodFigures } from '../../src/reporting/assemble';
import type { FiguresReader } from '../../src/reporting/report-store';

const range = { from: new Date('2027-02-28T23:00:00Z'), to: new Date('2027-03-31T22:00:00Z') };

/** A reader whose every figure takes `ms` (as a query would) and records when it ended; `failing` rejects at once. */
function reader(failing: keyof FiguresReader, ms: number, ended: string[]): FiguresReader {
  const slow = <T>(name: string, value: T) => new Promise<T>((resolve) => setTimeout(() => {
    ended.push(name);
    resolve(value);
  }, ms));
  const figures: FiguresReader = {
    envelopesReceived: () => slow('envelopesReceived', 0),
    quarantine: () => slow('quarantine', { inputs: 0, receipts: 0, byReason: [] }),
    cases: () => slow('cases', { flows: { received: 0, forwarded: 0, forwardedAutomatically: 0, forwardedAfterTriage: 0, returned: 0, inTriage: 0, quarantined: 0, inTriageByReason: [] }, bucType: [], country: [], sector: [] }),
    timeToForward: () => slow('timeToForward', { automatic: { count: 0, medianSeconds: null, p90Seconds: null }, manual: { count: 0, medianSeconds: null, p90Seconds: null } }),
    forwards: () => slow('forwards', { byInstitution: [], bouncesByInstitution: [], bouncesByRule: [] }),
    ticketCounts: () => slow('ticketCounts', { opened: 0, resolved: 0, priorityChanged: 0, byCounterpartCountry: [] }),
    ticketTimes: () => slow('ticketTimes', {
      firstResponse: { tickets: 0, medianBusinessHours: null, p90BusinessHours: null, byPriority: [] },
      resolution: { tickets: 0, medianBusinessHours: null, p90BusinessHours: null, byPriority: [] },
      measured: 0, compliant: 0, complianceByPolicy: [], waiting: { tickets: 0, counterpartBusinessHours: 0, institutionBusinessHours: 0, deskBusinessHours: 0 },
    }),
    ticketDurations: () => slow('ticketDurations', []),
    breaches: () => slow('breaches', { count: 0, rows: [] }),
    versionsInForce: () => slow('versionsInForce', { ruleTable: [], directory: [], slaPolicy: [] }),
  };
  return { ...figures, [failing]: () => Promise.reject(new Error(`${failing} failed`)) };
}

describe('periodFigures when one figure fails', () => {
  it('fails with that figure\'s error once every other figure has settled', async () => {
    const ended: string[] = [];
    const input = { range, windows: [], asOf: new Date('2027-04-01T04:00:00Z'), catalogue: { title: (b: string) => b } };
    await expect(periodFigures(reader('forwards', 50, ended), input)).rejects.toThrow('forwards failed');
    expect(ended.sort()).toEqual(['breaches', 'cases', 'envelopesReceived', 'quarantine', 'ticketCounts', 'ticketTimes', 'timeToForward', 'versionsInForce']);
  });

  it('gives the figures when none fails', async () => {
    const input = { range, windows: [], asOf: new Date('2027-04-01T04:00:00Z'), catalogue: { title: (b: string) => b } };
    const figures = await periodFigures(reader('ticketDurations', 1, []), input); // not asked for by a report
    expect([figures.envelopes.received, figures.helpdesk.opened, figures.cases.transferRate]).toEqual([0, 0, null]);
  });
});
