import type { Channel } from 'amqplib';
import { AppError } from '../shared/errors';
import { quorumQueueType, retryQueueArguments, retryQueueName } from './retry-queue';

/**
 * The AMQP topology of docs/contract.md §4: names fixed by default, each overridable (tests use random suffixes).
 * Everything is durable; every queue is a quorum queue. Declaration is idempotent: declaring the same topology
 * again, at each (re)connection, is a no-op for the broker.
 */
export interface TopologyNames {
  /** Queue: envelopes in, one JSON envelope per message. */
  intake: string;
  /** Topic exchange: one message per forward, routing key = target institution id. */
  forward: string;
  /** Queue: institutions' acknowledgements `{forwardId, status, reason?}`. */
  forwardReplies: string;
  /** Topic exchange: instructions for the RINA adapter (routing key `forward-case`). */
  rina: string;
  /** Queue bound to `rina` with `forward-case`, so instructions wait for the RINA adapter instead of vanishing. */
  rinaForwardCase: string;
  /** Queue: tickets from other countries' service desks. */
  helpdesk: string;
  /** Queue: what could not be processed after retries, header `x-error-code`. */
  dead: string;
  /** Topic exchange: help-desk escalations. */
  notifications: string;
  /** Topic exchange: replies to other countries' desks, routing key `<counterpartCountry>.<event>`. */
  helpdeskOut: string;
  /** Per-institution queues are named prefix + institution id, e.g. `liaison.forward.FR:CPAM075`. */
  institutionQueuePrefix: string;
}

export const DEFAULT_TOPOLOGY_NAMES: Readonly<TopologyNames> = Object.freeze({
  intake: 'liaison.intake',
  forward: 'liaison.forward',
  forwardReplies: 'liaison.forward-replies',
  rina: 'liaison.rina',
  rinaForwardCase: 'liaison.rina.forward-case',
  helpdesk: 'liaison.helpdesk',
  dead: 'liaison.dead',
  notifications: 'liaison.notifications',
  helpdeskOut: 'liaison.helpdesk-out',
  institutionQueuePrefix: 'liaison.forward.',
});

/** Routing key on `liaison.rina` for the X007 "forward the case in EESSI" instruction. */
export const RINA_FORWARD_CASE_KEY = 'forward-case';

export function topologyNames(overrides: Partial<TopologyNames> = {}): Readonly<TopologyNames> {
  const names = { ...DEFAULT_TOPOLOGY_NAMES, ...overrides };
  for (const [key, value] of Object.entries(names)) {
    // AMQP short strings: at most 255 bytes; `amq.` is reserved by the broker.
    if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > 200 || value.startsWith('amq.')) {
      throw new AppError('CFG_INVALID', `AMQP name "${key}" is invalid: non-empty, at most 200 bytes, not starting with "amq."`);
    }
  }
  return Object.freeze(names);
}

export interface QueuePolicy {
  /**
   * Broker-side poison-message guard (`x-delivery-limit`): after this many failed deliveries the broker itself
   * dead-letters the message into the dead queue. Kept well above the consumers' own retry bound, it only acts
   * when the service cannot (e.g. a message that crashes the process each time). RabbitMQ 4 defaults to 20.
   */
  deliveryLimit: number;
  /**
   * Members of each quorum queue's Raft group (`x-quorum-initial-group-size`): 3 on a cluster of 3 (or more) nodes
   * survives the loss of one. Unset: one member on every node the cluster has when the queue is declared.
   */
  quorumInitialGroupSize?: number;
}

export const DEFAULT_QUEUE_POLICY: Readonly<QueuePolicy> = Object.freeze({ deliveryLimit: 20 });

/**
 * Arguments of a working quorum queue. Whatever the broker drops from it (delivery limit reached) is
 * dead-lettered at-least-once into the dead queue through the default exchange, never discarded.
 * Changing these on an existing queue makes the broker refuse the declaration (PRECONDITION_FAILED): a change
 * means a new queue, or a policy instead of an argument.
 */
export function workQueueArguments(names: TopologyNames, policy: QueuePolicy): Record<string, unknown> {
  return {
    ...quorumQueueType(policy.quorumInitialGroupSize),
    'x-delivery-limit': policy.deliveryLimit,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': names.dead,
    // at-least-once dead-lettering requires reject-publish overflow; no max-length is set, so it never triggers.
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/** The dead queue keeps what it holds until an operator acts: no delivery limit, no further dead-lettering. */
export function deadQueueArguments(policy: QueuePolicy = DEFAULT_QUEUE_POLICY): Record<string, unknown> {
  return quorumQueueType(policy.quorumInitialGroupSize);
}

/**
 * Institution ids of docs/contract.md §2. They become routing keys and queue-name suffixes, so the pattern is
 * enforced here too: no `.`, `*` or `#` can reach a topic binding and widen it to other institutions' forwards.
 */
export const INSTITUTION_ID_PATTERN =
  /^(AT|BE|BG|HR|CY|CZ|DK|EE|FI|FR|DE|EL|HU|IS|IE|IT|LV|LI|LT|LU|MT|NL|NO|PL|PT|RO|SK|SI|ES|SE|CH|UK|EU):[A-Za-z0-9]{4,10}$/;

export function institutionQueueName(names: TopologyNames, institutionId: string): string {
  assertInstitutionId(institutionId);
  return `${names.institutionQueuePrefix}${institutionId}`;
}

function assertInstitutionId(institutionId: string): void {
  if (!INSTITUTION_ID_PATTERN.test(institutionId)) {
    throw new AppError('FWD_TARGET_INVALID', `"${institutionId}" is not an institution id (CC:XXXX, 4 to 10 letters or digits)`);
  }
}

/** Declare the fixed topology. Safe to call any number of times with the same names and policy. */
export async function declareTopology(
  channel: Channel,
  names: TopologyNames,
  policy: QueuePolicy = DEFAULT_QUEUE_POLICY,
): Promise<void> {
  const work = { durable: true, arguments: workQueueArguments(names, policy) };
  // The dead queue first: the others dead-letter into it.
  await channel.assertQueue(names.dead, { durable: true, arguments: deadQueueArguments(policy) });
  await channel.assertQueue(names.intake, work);
  await channel.assertQueue(names.forwardReplies, work);
  await channel.assertQueue(names.helpdesk, work);
  // Where the consumed queues' failed messages wait for their retry, holding no consumer's prefetch slot.
  for (const q of [names.intake, names.forwardReplies, names.helpdesk]) {
    await channel.assertQueue(retryQueueName(q), { durable: true, arguments: retryQueueArguments(q, policy.quorumInitialGroupSize) });
  }
  await channel.assertExchange(names.forward, 'topic', { durable: true });
  await channel.assertExchange(names.rina, 'topic', { durable: true });
  await channel.assertExchange(names.notifications, 'topic', { durable: true });
  await channel.assertExchange(names.helpdeskOut, 'topic', { durable: true });
  await channel.assertQueue(names.rinaForwardCase, work);
  await channel.bindQueue(names.rinaForwardCase, names.rina, RINA_FORWARD_CASE_KEY);
}

/**
 * Declare one quorum queue per institution, bound to the forward exchange with routing key = institution id
 * (an exact key: ids contain no dots or wildcards). Returns the queue names, in the order of `institutionIds`.
 * All ids are checked before anything is declared.
 */
export async function declareInstitutionQueues(
  channel: Channel,
  names: TopologyNames,
  institutionIds: readonly string[],
  policy: QueuePolicy = DEFAULT_QUEUE_POLICY,
): Promise<string[]> {
  const queues = institutionIds.map((id) => institutionQueueName(names, id));
  const work = { durable: true, arguments: workQueueArguments(names, policy) };
  for (const [i, id] of institutionIds.entries()) {
    await channel.assertQueue(queues[i], work);
    await channel.bindQueue(queues[i], names.forward, id);
  }
  return queues;
}
