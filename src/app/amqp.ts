/**
 * The AMQP side of the service (when AMQP_URL is set): intake consumer, institutions' replies, the outbox relay
 * and the per-institution queues. Handlers only translate: the domain services do the work and commit before
 * the message is acknowledged.
 */
import { Broker } from '../bus/broker';
import { jsonMessageHandler } from '../bus/json-handler';
import type { ConsumerHandle, Delivery, Verdict } from '../bus/types';
import type { ForwardingService } from '../forwarding/forwarding-service';
import { parseForwardReply } from '../forwarding/forwarding-service';
import { outboxRelayStep } from '../forwarding/outbox-relay';
import type { IntakeService } from '../intake/intake-service';
import { RINA_FORWARD_CASE_KEY } from '../bus/topology';
import type { AppConfig } from '../config/env';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { Metrics } from '../shared/metrics';
import { WorkerLoop } from '../shared/worker-loop';
import type { OutboxRepository } from '../forwarding/outbox-relay';

/** The broker and consumer settings of AppConfig this side uses. */
export type AmqpSettings = Pick<AppConfig,
  'amqpNames' | 'amqpConnectionName' | 'amqpDeclareInstitutionQueues' | 'intakePrefetch' | 'intakeMaxAttempts' | 'intakeRetryInitialMs' |
  'intakeRetryMaxMs' | 'amqpPrefetch' | 'consumerMaxAttempts' | 'amqpConfirmTimeoutMs' | 'amqpConnectTimeoutMs' | 'amqpReconnectInitialMs' |
  'amqpReconnectMaxMs' | 'workerPollMs' | 'outboxRelayBatch'>;

export interface AmqpDeps {
  url: string;
  settings: AmqpSettings;
  intake: IntakeService;
  forwarding: ForwardingService;
  outbox: OutboxRepository;
  /** The institutions whose queues are declared at start (when amqpDeclareInstitutionQueues). */
  institutionIds: () => Promise<string[]>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Called after an envelope was stored (wakes the routing worker). */
  onAccepted: () => void;
}

export interface AmqpSide {
  broker: Broker;
  relay: WorkerLoop;
  consumers: ConsumerHandle[];
  stop(timeoutMs: number): Promise<void>;
}

export function intakeHandler(intake: IntakeService, onAccepted: () => void) {
  return async (d: Delivery): Promise<Verdict> => {
    // Stored, duplicate or quarantined: all three are committed, so the message can go. A database failure
    // throws before that and the message stays in the queue (retried, never acked unstored).
    const r = await intake.receive(d.content, 'amqp');
    if (r.status === 'accepted') onAccepted();
    return 'ack';
  };
}

export function repliesHandler(forwarding: ForwardingService) {
  return jsonMessageHandler('reply', async (body) => {
    const { forwardId, ack } = parseForwardReply(body);
    await forwarding.acknowledge(forwardId, ack, { id: 'amqp:forward-replies' });
  });
}

export async function startAmqp(deps: AmqpDeps): Promise<AmqpSide> {
  const cfg = deps.settings;
  const broker = new Broker({
    url: deps.url, logger: deps.logger, clock: deps.clock, names: cfg.amqpNames, connectionName: cfg.amqpConnectionName,
    confirmTimeoutMs: cfg.amqpConfirmTimeoutMs, connectTimeoutMs: cfg.amqpConnectTimeoutMs,
    reconnect: { initialMs: cfg.amqpReconnectInitialMs, maxMs: cfg.amqpReconnectMaxMs },
  });
  broker.on('connected', () => deps.metrics.brokerConnected.set(1));
  broker.on('disconnected', () => deps.metrics.brokerConnected.set(0));
  // Do not wait for the broker: the service starts (and /readyz says not ready) while it reconnects.
  broker.start().then(async () => {
    if (cfg.amqpDeclareInstitutionQueues) await broker.declareInstitutionQueues(await deps.institutionIds());
  }).catch((e) => deps.logger.warn('broker not ready yet', { event: 'bus.start', error: (e as Error).message }));

  const names = broker.names;
  const consumers = [
    broker.consume(names.intake, intakeHandler(deps.intake, deps.onAccepted), {
      prefetch: cfg.intakePrefetch, maxAttempts: cfg.intakeMaxAttempts, retryDelay: { initialMs: cfg.intakeRetryInitialMs, maxMs: cfg.intakeRetryMaxMs },
    }),
    broker.consume(names.forwardReplies, repliesHandler(deps.forwarding), { prefetch: cfg.amqpPrefetch, maxAttempts: cfg.consumerMaxAttempts }),
  ];
  const relay = new WorkerLoop('outbox-relay', outboxRelayStep({
    outbox: deps.outbox, bus: broker, names: { forward: names.forward, rina: names.rina }, rinaRoutingKey: RINA_FORWARD_CASE_KEY,
    ensureInstitutionQueue: async (id) => {
      await broker.declareInstitutionQueues([id]);
    },
    clock: deps.clock, logger: deps.logger, metrics: deps.metrics, batchSize: cfg.outboxRelayBatch,
  }), { idleMs: cfg.workerPollMs, logger: deps.logger });
  relay.start();

  return {
    broker, relay, consumers,
    async stop(timeoutMs: number) {
      await Promise.all(consumers.map((c) => c.stop(timeoutMs)));
      await relay.stop();
      await broker.close(timeoutMs);
    },
  };
}

export function brokerProbe(broker: Broker) {
  return {
    name: 'broker',
    check: async () => {
      if (!broker.isConnected()) throw new AppError('DEP_BROKER_DOWN', 'not connected to RabbitMQ');
    },
  };
}
