/** The RINA document event read (pure): what is taken, what is ignored, what is refused and where. */
import { envelopeOf, latestVersion, readRinaEvent, toRfc3339 } from '../../src/rina/rina-event';
import { isAppError } from '../../src/shared/errors';

const event = (over: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => ({
  documentEventType: 'RECEIVE_DOCUMENT', buc: 'P_BUC_01',
  payLoad: { DOCUMENT_METADATA: {
    id: '7f3a9c0e5b2d4e6f8a1b3c5d7e9f0a1b', type: 'P2000', caseId: '4410023', versions: [{ id: '1' }, { id: '2' }], direction: 'IN', status: 'received',
    creationDate: '2026-11-20T09:14:03.000+0000', receiveDate: '2026-11-20T10:00:00.000+0100',
    creator: { organisation: { id: 'DE:DRV0000001', name: 'Deutsche Rentenversicherung Bund', countryCode: 'DE' } }, ...meta,
  } },
  ...over,
});

const refusal = (body: unknown) => {
  try {
    readRinaEvent(body);
  } catch (e) {
    if (isAppError(e)) return { code: e.code, paths: e.details.map((d) => d.path) };
    throw e;
  }
  throw new Error('not refused');
};

describe('RINA document event', () => {
  it('reads the CONTRACT example (latest version, dates kept) and builds the §2 envelope from it', () => {
    const r = readRinaEvent(event());
    if (r.kind !== 'document') throw new Error('not a document');
    expect(r.notice).toEqual(expect.objectContaining({ caseId: '4410023', documentVersion: '2', documentType: 'P2000', bucType: 'P_BUC_01' }));
    const rinaCase = { id: '4410023', processDefinitionName: 'P_BUC_01', participants: [{ role: 'CounterParty', organisation: { id: 'FR:CLEISS0002', name: 'CLEISS', countryCode: 'FR' } }], documents: [], actions: [] };
    const env = envelopeOf(r.notice, rinaCase, { P2000: {} }, 'FR:CLEISS0002');
    expect(env).toEqual({
      envelopeId: 'P2000_7f3a9c0e5b2d4e6f8a1b3c5d7e9f0a1b_2', caseId: '4410023', bucType: 'P_BUC_01', sedType: 'P2000',
      documentId: '7f3a9c0e5b2d4e6f8a1b3c5d7e9f0a1b', documentVersion: '2',
      sender: { institutionId: 'DE:DRV0000001', name: 'Deutsche Rentenversicherung Bund', country: 'DE' },
      receiver: { institutionId: 'FR:CLEISS0002', name: 'CLEISS', country: 'FR' },
      legalDeliveryAt: '2026-11-20T10:00:00.000+01:00', sed: { P2000: {} },
    });
  });

  it('reads a payLoad sent as JSON text', () => {
    const e = event();
    expect(readRinaEvent({ ...e, payLoad: JSON.stringify(e.payLoad) }).kind).toBe('document');
  });

  it('ignores other event types and OUT documents', () => {
    expect(readRinaEvent(event({ documentEventType: 'SENT_DOCUMENT' }))).toEqual({ kind: 'ignored', why: 'event type SENT_DOCUMENT' });
    expect(readRinaEvent(event({}, { direction: 'OUT' }))).toEqual({ kind: 'ignored', why: 'direction OUT' });
    expect(readRinaEvent({ documentEventType: 'CASE_CLOSED', payLoad: { CASE_METADATA: {} } }).kind).toBe('ignored');
  });

  it('refuses a malformed event naming where', () => {
    expect(refusal(event({}, { caseId: undefined }))).toEqual({ code: 'RIN_EVENT_INVALID', paths: expect.arrayContaining(['/payLoad/DOCUMENT_METADATA/caseId']) });
    expect(refusal(event({}, { versions: [] })).paths).toContain('/payLoad/DOCUMENT_METADATA/versions');
    expect(refusal(event({}, { receiveDate: 'yesterday' })).paths).toContain('/payLoad/DOCUMENT_METADATA/receiveDate');
    expect(refusal(event({}, { receiveDate: undefined, creationDate: undefined })).code).toBe('RIN_EVENT_INVALID');
    expect(refusal(event({ payLoad: '{not json' })).paths).toEqual(['/payLoad']);
    expect(refusal({ payLoad: {} }).code).toBe('RIN_EVENT_INVALID');
    expect(refusal('x').code).toBe('RIN_EVENT_INVALID');
  });

  it('orders versions and reads RINA dates', () => {
    expect(latestVersion(['1', '10', '2'])).toBe('10');
    expect(latestVersion([])).toBe('1');
    expect(toRfc3339('2026-11-20T09:14:03.000+0000')).toBe('2026-11-20T09:14:03.000+00:00');
    expect(toRfc3339('2026-11-20T09:14:03Z')).toBe('2026-11-20T09:14:03Z');
    expect(toRfc3339('2026-13-40T09:14:03Z')).toBeUndefined();
  });
});
