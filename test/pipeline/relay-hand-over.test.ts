/**
 * The hand-over from routing to the relay in memory: forwards created under the relay's lease (and only those of
 * the batch's own SEDs), the inbox that offers a lease only when it can take the forwards at once, and that never
 * publishes a forward whose lease is running out (it is left to expire and be claimed from the database).
 */
import { RelayInbox, type HandedForward } from '../../src/forwarding/outbox-relay';
import { routeBatch } from '../../src/pipeline/routing-stage';
import { FixedClock } from '../../src/shared/clock';
import { makeEnvelope } from '../helpers/envelopes';
import { at, cfg, item, orphanPerson } from '../helpers/routing-batch';


describe('routing under the relay lease', () => {
  const lease = { owner: 'relay-test', until: new Date(at.getTime() + 60_000) };

  it('creates the forwards of the batch leased, and lists them with their envelope and explanation', () => {
    const routable = makeEnvelope({ caseId: 'C-HAND-1', documentId: 'a1' });
    const orphan = makeEnvelope({ caseId: 'C-HAND-2', documentId: 'b1', person: orphanPerson });
    const { changes, results } = routeBatch([item(routable, 1), item(orphan, 2)], new Map(), cfg, at, lease);
    expect(changes.forwards).toHaveLength(1);
    expect(changes.forwards[0].lease).toEqual(lease);
    expect(results[0].handed).toEqual([expect.objectContaining({
      forwardId: changes.forwards[0].forwardId, envelopeId: routable.envelopeId, institutionId: 'FR:CARSATRA1', envelope: routable,
      explanation: changes.decisions[0].explanation, publishAttempts: 0, leaseUntil: lease.until,
    })]);
    expect(results[1].handed).toEqual([]); // in triage: nothing to publish
  });

  it('creates them unleased without a lease (the relay claims them from the database)', () => {
    const { changes, results } = routeBatch([item(makeEnvelope({ caseId: 'C-HAND-3', documentId: 'c1' }), 1)], new Map(), cfg, at);
    expect(changes.forwards[0].lease).toBeUndefined();
    expect(results[0].handed).toEqual([]);
    expect(results[0].forwards).toBe(1);
  });
});

describe('RelayInbox', () => {
  const handed = (id: string, leaseUntil: Date): HandedForward => ({
    forwardId: id, caseId: 'C', envelopeId: `E-${id}`, institutionId: 'FR:CNAV', rinaInstruction: false, ruleId: null, explanation: '',
    envelope: makeEnvelope({ caseId: 'C', documentId: id }), publishAttempts: 0, leaseUntil,
  });

  it('offers a lease only while the broker is connected and it has room', () => {
    const clock = new FixedClock(at);
    let connected = false;
    const inbox = new RelayInbox({ owner: 'relay-1', leaseMs: 60_000, capacity: 2, clock, connected: () => connected });
    expect(inbox.lease()).toBeUndefined();
    connected = true;
    expect(inbox.lease()).toEqual({ owner: 'relay-1', until: new Date(at.getTime() + 60_000) });
    inbox.put([handed('f1', new Date(at.getTime() + 60_000)), handed('f2', new Date(at.getTime() + 60_000))]);
    expect(inbox.lease()).toBeUndefined(); // full: routing creates forwards unleased, the relay claims them
  });

  it('hands out oldest first, at most the limit, and drops what has less than half its lease left', () => {
    const clock = new FixedClock(at);
    let woken = 0;
    const inbox = new RelayInbox({ owner: 'relay-1', leaseMs: 60_000, capacity: 10, clock, connected: () => true, onPut: () => { woken += 1; } });
    inbox.put([handed('old', new Date(at.getTime() + 20_000)), handed('f1', new Date(at.getTime() + 59_000)), handed('f2', new Date(at.getTime() + 59_000))]);
    expect(woken).toBe(1);
    expect(inbox.take(1, at).map((i) => i.forwardId)).toEqual(['f1']); // 'old' would expire within 30 s: left to the database
    expect(inbox.size).toBe(1);
    expect(inbox.take(5, new Date(at.getTime() + 40_000)).map((i) => i.forwardId)).toEqual([]); // f2 is now too close to expiry
    inbox.put([]);
    expect(woken).toBe(1);
  });
});
