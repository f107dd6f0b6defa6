/** The RabbitMQ adapter: the only part of the service that imports amqplib (STYLE.md). */
export { Broker, type BrokerOptions, type DeadLetteredEvent } from './broker';
export { backoffDelay, backoffPolicy, DEFAULT_RECONNECT_BACKOFF, type BackoffPolicy } from './backoff';
export { DEAD_LETTER_HEADERS } from './dead-letter';
export {
  DEFAULT_TOPOLOGY_NAMES,
  INSTITUTION_ID_PATTERN,
  RINA_FORWARD_CASE_KEY,
  institutionQueueName,
  topologyNames,
  type TopologyNames,
} from './topology';
export type { ConsumeOptions, ConsumerHandle, Delivery, MessageBus, MessageHandler, PublishOptions, Verdict } from './types';
