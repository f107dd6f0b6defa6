/**
 * The monthly report of a seeded month (test/reporting/seed-month.ts: March 2027, with Easter Monday, the switch
 * to summer time, a bounce and its re-routing, an SLA policy change on the 15th, priority changes) on PGlite and
 * PostgreSQL: the figures worked out by hand, every format against its golden file, business hours in agreement
 * with the SLA clock, breaches and compliance in agreement with each ticket's API view, and the yearly report
 * with the year before beside it.
 */
import request from 'supertest';
import { ticketSlaWith } from '../../src/helpdesk/tickets/ticket-view';
import { PolicySnapshots } from '../../src/helpdesk/sla/policy-snapshots';
import { renderReport } from '../../src/reporting/render';
import type { Report } from '../../src/reporting/report-model';
import { monthPeriod } from '../../src/reporting/period';
import { silentLogger } from '../../src/shared/logger';
import { reportTransactionOn } from '../../src/store/report-version-repository';
import { PgTicketReader } from '../../src/store/ticket-repository';
import { storageDrivers, type TestDatabase } from '../helpers/db';
import { golden, seededService, type SeededService } from './support';
import { GENERATED_AT, TOKEN } from './seed-month';

const HOUR = 3_600_000;

describe.each(storageDrivers())('monthly report of a seeded month on %s', (_name, open) => {
  let tdb: TestDatabase;
  let s: SeededService;
  let report: Report;

  beforeAll(async () => {
    tdb = await open();
    s = await seededService(tdb);
    s.clock.set(GENERATED_AT);
    report = await s.svc.reports.service.generate({ kind: 'monthly', period: '2027-03', by: 'operator:alice', trigger: 'on-demand' });
  }, 240_000);
  afterAll(async () => {
    await s?.svc.stop();
    await tdb?.close();
  });

  it('counts envelopes and cases by the Paris month of their first legalDeliveryAt', () => {
    expect(report).toMatchObject({
      month: '2027-03', version: 1, generatedAt: '2027-04-01T04:00:00.000Z', provisional: false,
      envelopes: { received: 8, quarantined: 2, quarantineReceipts: 3 },
      cases: { received: 7, forwarded: 5, forwardedAutomatically: 3, forwardedAfterTriage: 2, returned: 1, inTriage: 1, quarantined: 1, transferRate: 0.7143 },
    });
    expect(report.envelopes.quarantinedByReason).toEqual([
      { reason: 'VAL_NOT_JSON', inputs: 1, receipts: 2 }, { reason: 'VAL_UNKNOWN_BUC', inputs: 1, receipts: 1 },
    ]);
  });

  it('measures the time from legalDeliveryAt to forward, automatic and after triage', () => {
    // Automatic: 15, 30, 45, 60, 120 s. Manual: 3 d 30 min and 4 d 1 h.
    expect(report.timeToForward.automatic).toEqual({ count: 5, medianSeconds: 45, p90Seconds: 96 });
    expect(report.timeToForward.manual).toEqual({ count: 2, medianSeconds: 305_100, p90Seconds: 340_380 });
  });

  it('reports the bounce by institution and by the rule that chose it, and the re-routed case where it went', () => {
    expect(report.bounces).toEqual({
      total: 1,
      byInstitution: [{ institutionId: 'FR:CARSATRA1', name: 'Carsat Rhône-Alpes', bounces: 1 }],
      byRule: [{ ruleId: 'P-RESIDENCE', bounces: 1 }],
    });
    expect(report.byInstitution).toEqual([
      { institutionId: 'FR:CARSATRA1', name: 'Carsat Rhône-Alpes', cases: 4, envelopes: 5, accepted: 1, rejected: 1, pending: 3 },
      { institutionId: 'FR:CARSATSE1', name: 'Carsat Sud-Est', cases: 1, envelopes: 1, accepted: 1, rejected: 0, pending: 0 },
      { institutionId: 'FR:CNAVIDF01', name: 'Cnav Île-de-France', cases: 1, envelopes: 1, accepted: 0, rejected: 0, pending: 1 },
    ]);
  });

  it('gives the annex-2 table with the previous month, the same month last year and the year to date', () => {
    expect(report.byBucType[0]).toEqual({
      bucType: 'P_BUC_01', title: 'Demande de pension de vieillesse', sector: 'P', received: 4, forwarded: 4, transferRate: 1,
      previousMonthReceived: 1, previousMonthForwarded: 1, sameMonthLastYearReceived: 1, sameMonthLastYearForwarded: 1,
      yearToDateReceived: 6, yearToDateForwarded: 5,
    });
    expect(report.byBucType.map((r) => r.bucType)).toEqual(['P_BUC_01', 'P_BUC_03', 'P_BUC_02']);
    expect(report.bySenderCountry.map((r) => [r.country, r.received, r.forwarded])).toEqual([['DE', 3, 2], ['ES', 1, 1], ['IT', 1, 1], ['PL', 1, 1], ['BE', 1, 0]]);
    expect(report.bySector.map((r) => [r.sector, r.received, r.forwarded, r.yearToDateReceived])).toEqual([['P', 7, 5, 9]]);
  });

  it('measures the C2C SLA in business hours across Easter Monday and the switch to summer time', () => {
    const h = report.helpdesk;
    expect([h.opened, h.resolved, h.priorityChanged]).toEqual([7, 7, 2]);
    // First responses: 1.5, 2, 2, 3, 3.5, 6 h. Resolutions: 6, 7, 8, 8, 10, 10, 11 h.
    expect(h.firstResponse).toMatchObject({ tickets: 6, medianBusinessHours: 2.5, p90BusinessHours: 4.75 });
    expect(h.resolution).toMatchObject({ tickets: 7, medianBusinessHours: 8, p90BusinessHours: 10.4 });
    expect(h.waiting).toEqual({ tickets: 7, counterpartBusinessHours: 8, institutionBusinessHours: 8, deskBusinessHours: 60 });
    expect(h.byCounterpartCountry).toContainEqual({ counterpartCountry: 'BE', priority: 'P3', opened: 1, resolved: 1 });
    expect(h.byCounterpartCountry).toContainEqual({ counterpartCountry: 'DE', priority: 'P2', opened: 1, resolved: 2 });
  });

  it('compares compliance with the target of each policy version in force during the month', () => {
    const h = report.helpdesk;
    expect([h.slaCompliance, h.slaTarget, h.slaTargetMet, h.slaMeasured, h.slaCompliant]).toEqual([0.7143, 0.9, false, 7, 5]);
    expect(h.complianceByPolicy).toEqual([
      { policyVersion: '2024-05', tickets: 4, compliant: 3, compliance: 0.75, target: 0.8 },
      { policyVersion: '2027-03-15', tickets: 3, compliant: 2, compliance: 0.6667, target: 0.9 },
    ]);
    expect(h.breaches.map((b) => [b.counterpartCountry, b.clock, b.dueAt, b.stoppedAt])).toEqual([
      ['ES', 'first-response', '2027-03-03T10:00:00.000Z', '2027-03-03T11:00:00.000Z'],
      ['ES', 'resolution', '2027-03-03T16:00:00.000Z', '2027-03-04T11:00:00.000Z'],
      ['PL', 'first-response', '2027-03-23T10:00:00.000Z', '2027-03-23T11:30:00.000Z'],
      ['FR', 'first-response', '2027-03-24T09:00:00.000Z', null],
    ]);
    expect(report.versionsInForce.slaPolicy.map((p) => [p.version, p.used])).toEqual([['2024-05', 3], ['2027-03-15', 4]]);
    expect(report.versionsInForce.ruleTable.map((v) => [v.version, v.reason])).toEqual([['1', 'initial load from config/'], ['2', 'mid-month review']]);
    expect(report.versionsInForce.directory.map((v) => v.version)).toEqual(['1']);
  });

  it('counts a ticket under its priority at opening (the first priority change\'s "from"), not its current one', async () => {
    const [be] = await s.svc.db.query<{ priority: string }>(`SELECT priority FROM tickets WHERE counterpart_ref = 'BE-1'`);
    expect(be.priority).toBe('P2');
    expect(report.helpdesk.byCounterpartCountry.filter((r) => r.counterpartCountry === 'BE')).toEqual([{ counterpartCountry: 'BE', priority: 'P3', opened: 1, resolved: 1 }]);
    expect(report.helpdesk.firstResponse.byPriority.map((p) => [p.priority, p.tickets])).toEqual([['P1', 1], ['P2', 1], ['P3', 4]]);
  });

  it('measures a ticket whose priority changed against its new targets over its whole life, as its SLA clock does', () => {
    // PL-1 opened P3 and was raised to P1 after 3 business hours without a response: P1's 2-hour response was
    // already missed (due 11:00 Paris), although the ticket was on time as a P3.
    const pl = report.helpdesk.breaches.find((b) => b.counterpartCountry === 'PL');
    expect(pl).toMatchObject({ priorityAtOpening: 'P3', priority: 'P1', policyVersion: '2027-03-15', clock: 'first-response', state: 'resolved' });
    expect(report.helpdesk.byCounterpartCountry).toContainEqual({ counterpartCountry: 'PL', priority: 'P3', opened: 1, resolved: 1 });
  });

  it('agrees with GET /api/tickets/:id on every ticket\'s breaches and compliance, priority changes included', async () => {
    const h = report.helpdesk;
    const month = monthPeriod('2027-03');
    const rows = await s.svc.db.query<{ id: string; resolved_at: Date | null }>('SELECT id, resolved_at FROM tickets ORDER BY id');
    let measured = 0;
    let compliant = 0;
    for (const t of rows) {
      const res = await request(s.svc.app).get(`/api/tickets/${encodeURIComponent(t.id)}`).set({ Authorization: `Bearer ${TOKEN}` }).expect(200);
      const sla = res.body.sla as { firstResponseBreached: boolean; resolutionBreached: boolean; firstResponseDueAt: string; resolutionDueAt: string; priority: string };
      const listed = h.breaches.filter((b) => b.ticketId === t.id);
      const inMonth = (at: string) => at >= month.from.toISOString() && at < month.to.toISOString();
      expect({ id: t.id, clocks: listed.map((b) => [b.clock, b.dueAt, b.priority]) }).toEqual({
        id: t.id,
        clocks: [
          ...(sla.firstResponseBreached && inMonth(sla.firstResponseDueAt) ? [['first-response', sla.firstResponseDueAt, sla.priority]] : []),
          ...(sla.resolutionBreached && inMonth(sla.resolutionDueAt) ? [['resolution', sla.resolutionDueAt, sla.priority]] : []),
        ].sort((a, b) => a[1].localeCompare(b[1])),
      });
      if (t.resolved_at && t.resolved_at >= month.from && t.resolved_at < month.to) {
        measured += 1;
        if (!sla.firstResponseBreached && !sla.resolutionBreached) compliant += 1;
      }
    }
    expect([h.slaMeasured, h.slaCompliant]).toEqual([measured, compliant]);
  });

  it('agrees with the help desk SLA clock, ticket by ticket, to the millisecond', async () => {
    const month = monthPeriod('2027-03');
    const durations = await s.svc.db.transaction((tx) => reportTransactionOn(tx, s.svc.db.driver).ticketDurations(month, GENERATED_AT));
    expect(durations).toHaveLength(7); // every ticket first responded or resolved in March
    const reader = new PgTicketReader(s.svc.db);
    const cfg = s.svc.helpdesk.config;
    const snapshots = new PolicySnapshots({ policies: cfg.policies, definitions: cfg.policyDefinitions, calendars: cfg.calendars, logger: silentLogger() });
    for (const d of durations) {
      const ticket = (await reader.ticket(d.ticketId))!;
      const events = (await reader.eventsOf([d.ticketId])).get(d.ticketId) ?? [];
      const policy = await snapshots.byVersion(reader, ticket.policyVersion);
      const calendars = { desk: cfg.calendars.get(policy.calendar), counterpart: cfg.calendars.forCountry(ticket.counterpartCountry) };
      const sla = ticketSlaWith(ticket, events, policy, calendars, GENERATED_AT);
      const responded = ticket.sla.firstResponseAt && ticket.sla.firstResponseAt >= month.from;
      expect({ id: d.ticketId, response: d.firstResponseBusinessMs, resolution: d.resolutionBusinessMs, counterpart: d.waitingCounterpartBusinessMs, institution: d.waitingInstitutionBusinessMs })
        .toEqual({
          id: d.ticketId, response: responded ? sla.firstResponseBusinessMs : null, resolution: sla.resolutionBusinessMs,
          counterpart: sla.waitingByParty.counterpart.deskBusinessMs, institution: sla.waitingByParty.institution.deskBusinessMs,
        });
    }
    // The Easter ticket: 1 h on Friday, nothing on Easter Monday, 1 h on Tuesday (summer time).
    const it = await s.svc.db.query<{ id: string }>(`SELECT id FROM tickets WHERE counterpart_ref = 'IT-1'`);
    expect(durations.find((d) => d.ticketId === it[0].id)).toMatchObject({ firstResponseBusinessMs: 2 * HOUR, resolutionBusinessMs: 7 * HOUR, waitingCounterpartBusinessMs: 8 * HOUR });
  });

  it('renders exactly the golden files in every format', () => {
    expect(renderReport(report, 'json').body).toBe(golden('2027-03.json', renderReport(report, 'json').body));
    expect(renderReport(report, 'csv').body).toBe(golden('2027-03.csv', renderReport(report, 'csv').body));
    expect(renderReport(report, 'csv', ';').body).toBe(golden('2027-03.semicolon.csv', renderReport(report, 'csv', ';').body));
    expect(renderReport(report, 'html').body).toBe(golden('2027-03.html', renderReport(report, 'html').body));
  });

  it('writes CSV as UTF-8 with a byte-order mark, one section per table, French decimals with ";"', () => {
    const csv = renderReport(report, 'csv', ';').body;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('[Dossiers par type de BUC (annexe 2)]');
    expect(csv).toContain('P_BUC_01;Demande de pension de vieillesse;4;4;1;1;1;6;5');
    expect(csv).toContain('Taux de transfert;0,7143');
    expect(renderReport(report, 'csv').body).toContain('Taux de transfert,0.7143');
  });

  it('gives the yearly report with the previous year beside it', async () => {
    const y = await s.svc.reports.service.generate({ kind: 'yearly', period: '2027', by: 'operator:alice', trigger: 'on-demand' });
    expect(y).toMatchObject({ kind: 'yearly', year: '2027', version: 1, cases: { received: 10, forwarded: 7 } });
    expect(y.previousYear?.cases.received).toBe(1);
    expect(y.byBucType.find((r) => r.bucType === 'P_BUC_01')).toMatchObject({ received: 7, forwarded: 6, previousYearReceived: 1, previousYearForwarded: 1 });
    expect(renderReport(y, 'json').body).toBe(golden('2027.json', renderReport(y, 'json').body));
  });
});
