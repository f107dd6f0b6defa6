/** The case's domain events: subscribers follow a fact in the publisher's transaction, and their follow-ups run after it. */
import { CaseFacts } from '../../src/cases/case-facts';
import type { CaseFact, CaseWriter } from '../../src/cases/case-store';

const w = {} as CaseWriter; // the listeners here never touch the transaction
const fact: CaseFact = { kind: 'left-triage', caseId: 'C-1', outcome: 'assigned', institutionId: 'FR:CAF75', at: new Date('2025-03-10T10:00:00Z') };

describe('case facts', () => {
  it('reaches nobody before a subscription, every subscriber in order after it, and nobody once unsubscribed', async () => {
    const facts = new CaseFacts();
    const seen: string[] = [];
    expect(await facts.publish(w, fact)).toBeUndefined();
    const off = facts.subscribe(async (tx, f) => {
      expect(tx).toBe(w);
      seen.push(`first ${f.caseId}`);
      return () => seen.push('first committed');
    });
    facts.subscribe(async () => { seen.push('second'); });
    const afterCommit = await facts.publish(w, fact);
    expect(seen).toEqual(['first C-1', 'second']);
    afterCommit?.();
    expect(seen).toEqual(['first C-1', 'second', 'first committed']);
    off();
    seen.length = 0;
    expect(await facts.publish(w, fact)).toBeUndefined();
    expect(seen).toEqual(['second']);
  });

  it('fails the publisher (and so its transaction) when a subscriber fails', async () => {
    const facts = new CaseFacts();
    facts.subscribe(async () => { throw new Error('ticket store down'); });
    await expect(facts.publish(w, fact)).rejects.toThrow('ticket store down');
  });
});
