/**
 * A month of known traffic and tickets, driven through the real service (HTTP API, routing worker, help desk) with
 * a fixed clock: March 2027, which holds the switch to summer time (Sunday 28) and Easter Monday (29), with a
 * bounce and its re-routing, an SLA policy change on the 15th, a rule-table version on the 16th, and two tickets whose
 * priority changes through the help desk's own action (one raised after its new target had passed). The figures
 * each step produces are written next to it; test/reporting/report-golden.test.ts checks them.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import request from 'supertest';
import type { Service } from '../../src/app/service';
import { loadRuleTableFromConfig } from '../../src/routing/config-files';
import type { NewTicketRequest } from '../../src/helpdesk/tickets/ticket';
import type { Actor, TicketActionRequest } from '../../src/helpdesk/tickets/ticket-request';
import type { FixedClock } from '../../src/shared/clock';
import { makeEnvelope } from '../helpers/envelopes';

export const TOKEN = 'test-bootstrap-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
const desk: Actor = { id: 'tok_desk', kind: 'machine', seesInternal: false };
const agent: Actor = { id: 'operator:alice', kind: 'operator', seesInternal: true };

/** Paris wall-clock time as an instant (DST handled by luxon). */
export const paris = (local: string): Date => DateTime.fromISO(local, { zone: 'Europe/Paris' }).toJSDate();

/** The generation instant of the golden reports: 06:00 Paris on 1 April 2027, as the schedule does. */
export const GENERATED_AT = paris('2027-04-01T06:00:00');

/** config/ with a second SLA policy version from 15 March 2027 (P3 tighter, target 90 %). */
export function configWithPolicyChange(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'liaison-report-config-'));
  cpSync(path.resolve(__dirname, '../../config'), dir, { recursive: true });
  const file = path.join(dir, 'sla-policy.json');
  const policy = JSON.parse(readFileSync(file, 'utf8'));
  policy.versions.push({
    version: '2027-03-15', effectiveFrom: '2027-03-15T00:00:00+01:00', calendar: 'FR-desk', targetCompliance: 0.9, warnAtFraction: 0.75,
    priorities: {
      P1: { firstResponseHours: 2, resolutionHours: 8 }, P2: { firstResponseHours: 4, resolutionHours: 24 },
      P3: { firstResponseHours: 4, resolutionHours: 40 }, P4: { firstResponseHours: 16, resolutionHours: 160 },
    },
  });
  writeFileSync(file, JSON.stringify(policy, null, 2));
  return dir;
}

const SENDERS = {
  DE: { institutionId: 'DE:DRV0000001', name: 'Deutsche Rentenversicherung Bund', country: 'DE' },
  IT: { institutionId: 'IT:INPS00001', name: 'INPS', country: 'IT' },
  ES: { institutionId: 'ES:INSS00001', name: 'INSS', country: 'ES' },
  BE: { institutionId: 'BE:ONP000001', name: 'Service fédéral des Pensions', country: 'BE' },
  PL: { institutionId: 'PL:ZUS000001', name: 'ZUS', country: 'PL' },
} as const;

type Sender = keyof typeof SENDERS;

const ORPHAN_PERSON = { PersonIdentification: { familyName: 'Orphelin', forename: 'Jean', dateBirth: '1960-01-01', sex: { value: ['01'] } } };

export async function seedMonth(svc: Service, clock: FixedClock): Promise<void> {
  let doc = 0;
  const send = async (o: { caseId: string; legal: string; after: number; from?: Sender; orphan?: boolean; sedType?: string; bucType?: string }) => {
    doc += 1;
    const legal = paris(o.legal);
    const env = makeEnvelope({
      caseId: o.caseId, documentId: `rpt${String(doc).padStart(4, '0')}`, sedType: o.sedType ?? 'P2000', bucType: o.bucType ?? 'P_BUC_01',
      sender: SENDERS[o.from ?? 'DE'], legalDeliveryAt: legal.toISOString(), ...(o.orphan && { person: ORPHAN_PERSON }),
    });
    clock.set(new Date(legal.getTime() + o.after * 1000));
    const res = await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(env));
    if (res.status !== 202) throw new Error(`envelope ${o.caseId} not accepted: ${res.status} ${JSON.stringify(res.body)}`);
    await svc.routingWorker.drain();
  };
  const at = (local: string) => clock.set(paris(local));
  const forwardsOf = async (caseId: string) => (await request(svc.app).get(`/api/cases/${caseId}`).set(auth)).body.forwards as Array<{ forwardId: string; institutionId: string; status: string }>;
  const ack = async (forwardId: string, body: object) => {
    await request(svc.app).post(`/api/forwards/${forwardId}/ack`).set(auth).send(body).expect(200);
  };

  // Comparison columns: same month last year, January (year to date), February (previous month).
  await send({ caseId: 'C-LY', legal: '2026-03-20T10:00:00', after: 30 });
  await send({ caseId: 'C-JAN', legal: '2027-01-20T10:00:00', after: 30, orphan: true });
  await send({ caseId: 'C-FEB', legal: '2027-02-15T10:00:00', after: 30 });

  // March 2027. Automatic: 30 s, 60 s (affinity), 120 s, 45 s (the later bounce), 15 s.
  await send({ caseId: 'C-AUTO1', legal: '2027-03-02T10:00:00', after: 30 });
  await ack((await forwardsOf('C-AUTO1'))[0].forwardId, { status: 'accepted' });
  await send({ caseId: 'C-AUTO1', legal: '2027-03-03T11:00:00', after: 60, orphan: true, sedType: 'P5000' });
  await send({ caseId: 'C-TRI1', legal: '2027-03-05T09:30:00', after: 10, from: 'ES', orphan: true, bucType: 'P_BUC_03' });
  at('2027-03-08T10:00:00'); // manual: 3 d 0 h 30 min after the legal delivery
  await request(svc.app).post('/api/triage/C-TRI1/assign').set(auth).send({ institutionId: 'FR:CNAVIDF01', note: 'career in Paris' }).expect(200);

  at('2027-03-09T10:00:00'); // the same malformed input twice: one quarantine entry, two receipts
  await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send('not json').expect(400);
  await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send('not json').expect(400);
  await send({ caseId: 'C-AUTO2', legal: '2027-03-10T15:00:00', after: 120, from: 'IT' });
  at('2027-03-11T10:00:00');
  const broken = { ...makeEnvelope({ caseId: 'C-QTN', documentId: 'rptq1' }), bucType: 'P_BUC_99' };
  await request(svc.app).post('/api/envelopes').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(broken)).expect(422);

  // The bounce and the re-routed case: forwarded to Carsat Rhône-Alpes by P-RESIDENCE, rejected, re-assigned.
  await send({ caseId: 'C-BNC1', legal: '2027-03-12T10:00:00', after: 45 });
  at('2027-03-15T10:00:00');
  await ack((await forwardsOf('C-BNC1'))[0].forwardId, { status: 'rejected', reason: 'claimant moved to Saint-Étienne' });
  at('2027-03-16T11:00:00'); // manual: 4 d 1 h
  await request(svc.app).post('/api/triage/C-BNC1/assign').set(auth).send({ institutionId: 'FR:CARSATSE1', note: 'moved' }).expect(200);
  at('2027-03-16T12:00:00');
  await svc.routingConfig.publishRules(loadRuleTableFromConfig(svc.config.configDir), { author: 'supervisor:bob', reason: 'mid-month review' });
  at('2027-03-17T10:00:00');
  await ack((await forwardsOf('C-BNC1')).find((f) => f.institutionId === 'FR:CARSATSE1')!.forwardId, { status: 'accepted' });

  await send({ caseId: 'C-TRI2', legal: '2027-03-18T14:00:00', after: 20, orphan: true, bucType: 'P_BUC_02' });
  await send({ caseId: 'C-RET1', legal: '2027-03-22T10:00:00', after: 20, from: 'BE', orphan: true, bucType: 'P_BUC_02' });
  at('2027-03-23T10:00:00');
  await request(svc.app).post('/api/triage/C-RET1/return').set(auth).send({ reason: 'not a French case' }).expect(200);
  // 23:30 in Paris on the 31st (summer time: 21:30Z) is March; 00:30 on 1 April is not.
  await send({ caseId: 'C-LATE', legal: '2027-03-31T23:30:00', after: 15, from: 'PL' });
  await send({ caseId: 'C-APRIL', legal: '2027-04-01T00:30:00', after: 15 });

  await seedTickets(svc, clock);
}

async function seedTickets(svc: Service, clock: FixedClock): Promise<void> {
  const hd = svc.helpdesk.service;
  const at = (local: string) => clock.set(paris(local));
  const open = async (local: string, body: Record<string, unknown>) => {
    at(local);
    const { ticket } = await hd.create({ category: 'competent-institution', subject: 'Which institution handles this case?', description: 'Routing question.', ...body } as unknown as NewTicketRequest, desk, body.counterpartCountry === 'FR' ? 'institution' : 'counterpart');
    return ticket.id;
  };
  const act = async (id: string, local: string, body: Record<string, unknown>) => {
    at(local);
    await hd.act(id, body as unknown as TicketActionRequest, agent);
  };

  // Opened in February, resolved Monday 1 March: 7 h on Friday + 1 h on Monday = 8 business hours.
  const t7 = await open('2027-02-26T10:00:00', { counterpartCountry: 'DE', counterpartRef: 'DE-2', priority: 'P2' });
  await act(t7, '2027-02-26T11:00:00', { action: 'respond', message: 'Looking into it.' });
  await act(t7, '2027-03-01T10:00:00', { action: 'resolve', message: 'Carsat Rhône-Alpes.' });
  // Response 2 h, resolution 8 h (7 h Monday + 1 h Tuesday).
  const t1 = await open('2027-03-01T10:00:00', { counterpartCountry: 'DE', counterpartRef: 'DE-1', priority: 'P2' });
  await act(t1, '2027-03-01T12:00:00', { action: 'respond', message: 'Checking.' });
  await act(t1, '2027-03-02T10:00:00', { action: 'resolve', message: 'Done.' });
  // P1 late on both clocks: response after 3 h (target 2), resolution after 11 h (target 8).
  const t3 = await open('2027-03-03T09:00:00', { counterpartCountry: 'ES', counterpartRef: 'ES-1', priority: 'P1' });
  await act(t3, '2027-03-03T12:00:00', { action: 'respond', message: 'Sorry for the delay.' });
  await act(t3, '2027-03-04T12:00:00', { action: 'resolve', message: 'Done.' });
  // A French institution's ticket whose clock started on Saturday 6 March: it runs from Monday 09:00.
  const t6 = await open('2027-03-08T14:00:00', { counterpartCountry: 'FR', counterpartRef: 'FR-1', priority: 'P3', slaStartAt: paris('2027-03-06T10:00:00').toISOString() });
  await act(t6, '2027-03-08T15:00:00', { action: 'respond', message: 'Received.' });
  await act(t6, '2027-03-09T11:00:00', { action: 'resolve', message: 'Done.' });
  // Under the new policy (from the 15th), raised from P3 to P2 at 10:30, waiting on the institution for 8 h.
  const t4 = await open('2027-03-15T10:00:00', { counterpartCountry: 'BE', counterpartRef: 'BE-1', priority: 'P3' });
  await act(t4, '2027-03-15T10:30:00', { action: 'priority', priority: 'P2', message: 'The claimant has no income.' });
  await act(t4, '2027-03-15T11:30:00', { action: 'respond', message: 'Asked the CPAM.' });
  await act(t4, '2027-03-16T10:00:00', { action: 'wait', on: 'institution', message: 'Waiting for the CPAM.' });
  await act(t4, '2027-03-17T10:00:00', { action: 'resume', message: 'The CPAM answered.' });
  await act(t4, '2027-03-17T12:00:00', { action: 'resolve', message: 'Done.' });
  // Raised from P3 to P1 after 3 business hours without a response: the P1 response target (2 h, due 11:00) is
  // already missed when the priority changes, so the ticket breaches although it was on time as a P3 (4 h);
  // response at 12:30 (3.5 h), resolution at 15:00 (6 h, within P1's 8 h).
  const t8 = await open('2027-03-23T09:00:00', { counterpartCountry: 'PL', counterpartRef: 'PL-1', priority: 'P3' });
  await act(t8, '2027-03-23T12:00:00', { action: 'priority', priority: 'P1', message: 'A pension payment is blocked.' });
  await act(t8, '2027-03-23T12:30:00', { action: 'respond', message: 'Looking into it now.' });
  await act(t8, '2027-03-23T15:00:00', { action: 'resolve', message: 'Done.' });
  // Across Easter Monday and the switch to summer time: response 1 h (Friday) + 1 h (Tuesday); 8 h waiting on Italy.
  const t2 = await open('2027-03-26T16:00:00', { counterpartCountry: 'IT', counterpartRef: 'IT-1', priority: 'P3' });
  await act(t2, '2027-03-30T10:00:00', { action: 'respond', message: 'Need the PIN.' });
  await act(t2, '2027-03-30T11:00:00', { action: 'wait', on: 'counterpart', message: 'Which PIN?' });
  await act(t2, '2027-03-31T11:00:00', { action: 'resume', message: 'PIN received.' });
  await act(t2, '2027-03-31T15:00:00', { action: 'resolve', message: 'Done.' });
  // Never answered: a P4 whose response was due Wednesday 24 March 10:00 (breached, still running).
  await open('2027-03-22T10:00:00', { counterpartCountry: 'FR', counterpartRef: 'FR-2', priority: 'P4' });
}
