/**
 * The case's domain events: forwarding and triage publish what happened to a case (CaseFact) inside the
 * transaction that made the change; whoever follows cases subscribes (the help desk resolves the automatic ticket
 * it opened about the case). Built before its publishers and subscribers, passed to both at construction, so the
 * wiring reads in the composition root: no late binding. A fact published before any subscriber (the help desk
 * starts after the broker) reaches nobody; the help desk's pipeline-watch sweep covers that start-up gap.
 */
import type { CaseFact, CaseFactListener, CaseWriter } from './case-store';

export class CaseFacts {
  private readonly listeners: CaseFactListener[] = [];

  /** Follows every fact published from now on, in the publisher's transaction; answers the unsubscription. */
  subscribe(listener: CaseFactListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** What publishers call (their `onFact`): each subscriber in order; what they return runs once the transaction committed. */
  readonly publish: CaseFactListener = async (w: CaseWriter, fact: CaseFact) => {
    const afterCommit: Array<() => void> = [];
    for (const listener of [...this.listeners]) {
      const then = await listener(w, fact);
      if (then) afterCommit.push(then);
    }
    return afterCommit.length === 0 ? undefined : () => afterCommit.forEach((f) => f());
  };
}
