/**
 * The AMQP side of the service (when AMQP_URL is set): intake consumer, institutions' replies, the outbox relay
 * and the per-institution queues. Handlers only translate: the domain services do the work and commit before
 * the message is acknowledged.
 */
import { settleWithin } from '../bus/async';
import { Broker } from '../bus/broker';
import { jsonMessageHandler } from '../bus/json-handler';
import type { BatchHandler, ConsumerHandle } from '../bus/types';
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
import { newId } from '../shared/ids';
import { WorkerLoop } from '../shared/worker-loop';
import type { OutboxRepository, RelayDeps, RelayInbox } from '../forwarding/outbox-relay';

/** The broker and consumer settings of AppConfig this side uses. */
export type AmqpSettings = Pick<AppConfig,
  'amqpNames' | 'amqpConnectionName' | 'amqpDeclareInstitutionQueues' | 'intakePrefetch' | 'intakeBatchMax' | 'intakeMaxAttempts' | 'intakeRetryInitialMs' |
  'intakeRetryMaxMs' | 'amqpPrefetch' | 'consumerMaxAttempts' | 'amqpConfirmTimeoutMs' | 'amqpConnectTimeoutMs' | 'amqpReconnectInitialMs' |
  'amqpReconnectMaxMs' | 'workerPollMs' | 'outboxRelayBatch' | 'outboxLeaseMs' | 'amqpQuorumSize'>;

export interface AmqpDeps {
  /** One broker URL or a comma-separated list of a cluster's nodes (AMQP_URL). */
  url: string;
  settings: AmqpSettings;
  intake: IntakeService;
  forwarding: ForwardingService;
  outbox: OutboxRepository;
  /** Forwards handed over by this instance's routing stage; its owner is the relay's lease owner. */
  inbox?: RelayInbox;
  /** The institutions whose queues are declared at start (when amqpDeclareInstitutionQueues). */
  institutionIds: () => Promise<string[]>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Called once per window that stored new envelopes (wakes the routing worker). */
  onAccepted: () => void;
  /** Resolves when the database answers: the consumers resume after a dependency pause only then. */
  databaseReady: () => Promise<void>;
  /** With RINA_URL: the forwards carried out in RINA by the service (no liaison.rina instruction for them). */
  carriedInRina?: RelayDeps['carriedInRina'];
}

export interface AmqpSide {
  broker: Broker;
  relay: WorkerLoop;
  /** Stops taking messages (idempotent); stop() does it too. */
  stopConsumers(timeoutMs: number): Promise<unknown>;
  consumers: ConsumerHandle[];
  stop(timeoutMs: number): Promise<void>;
}

/**
 * The liaison.intake handler: a window of messages stored in one transaction, acked after the commit. Accepted,
 * duplicate and quarantined are all committed, so each of those messages can go. An input whose storage failed for
 * an unexpected reason is parked for a retry, and on its last attempt quarantined (ITK_UNPROCESSABLE) instead of
 * dead-lettered: intake keeps every input. A dependency failure throws: the whole window goes back, the consumer pauses.
 */
export function intakeBatchHandler(intake: IntakeService, onAccepted: () => void, maxAttempts: number): BatchHandler {
  return async (deliveries) => {
    const results = await intake.receiveBatch(deliveries.map((d) => ({ raw: d.content, via: 'amqp' as const })), { ordered: true });
    if (results.some((r) => r.status === 'accepted')) onAccepted();
    return Promise.all(results.map(async (r, n) => {
      if (r.status !== 'failed') return 'ack' as const;
      if (deliveries[n].attempt < maxAttempts) return { error: r.error };
      await intake.quarantineUnprocessable({ raw: deliveries[n].content, via: 'amqp' }, r.error, deliveries[n].attempt);
      return 'ack' as const;
    }));
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
    reconnect: { initialMs: cfg.amqpReconnectInitialMs, maxMs: cfg.amqpReconnectMaxMs }, quorumInitialGroupSize: cfg.amqpQuorumSize,
  });
  broker.on('connected', () => deps.metrics.brokerConnected.set(1));
  broker.on('disconnected', () => deps.metrics.brokerConnected.set(0));
  // Do not wait for the broker: the service starts (and /readyz says not ready) while it reconnects.
  broker.start().then(async () => {
    if (cfg.amqpDeclareInstitutionQueues) await broker.declareInstitutionQueues(await deps.institutionIds());
  }).catch((e) => deps.logger.warn('broker not ready yet', { event: 'bus.start', error: (e as Error).message }));

  const names = broker.names;
  const consumers = [
    // Unexpected failures wait in the retry queues (no prefetch slot held); a database outage pauses consumption.
    broker.consumeBatch(names.intake, intakeBatchHandler(deps.intake, deps.onAccepted, cfg.intakeMaxAttempts), {
      prefetch: cfg.intakePrefetch, batchMax: cfg.intakeBatchMax, maxAttempts: cfg.intakeMaxAttempts, retryDelay: { initialMs: cfg.intakeRetryInitialMs, maxMs: cfg.intakeRetryMaxMs },
      ready: deps.databaseReady,
    }),
    broker.consume(names.forwardReplies, repliesHandler(deps.forwarding), {
      prefetch: cfg.amqpPrefetch, maxAttempts: cfg.consumerMaxAttempts, retryDelay: { initialMs: cfg.intakeRetryInitialMs, maxMs: cfg.intakeRetryMaxMs },
      ready: deps.databaseReady,
    }),
  ];
  const relay = new WorkerLoop('outbox-relay', outboxRelayStep({
    outbox: deps.outbox, bus: broker, names: { forward: names.forward, rina: names.rina }, rinaRoutingKey: RINA_FORWARD_CASE_KEY,
    ensureInstitutionQueue: async (id) => {
      await broker.declareInstitutionQueues([id]);
    },
    clock: deps.clock, logger: deps.logger, metrics: deps.metrics, owner: deps.inbox?.owner ?? newId(`relay-${cfg.amqpConnectionName}`),
    batchSize: cfg.outboxRelayBatch, leaseMs: cfg.outboxLeaseMs, inbox: deps.inbox, carriedInRina: deps.carriedInRina,
  }), { idleMs: cfg.workerPollMs, logger: deps.logger });
  relay.start();

  let consumersStopped: Promise<unknown> | undefined;
  const stopConsumers = (timeoutMs: number) => (consumersStopped ??= Promise.all(consumers.map((c) => c.stop(timeoutMs))));
  return {
    broker, relay, consumers, stopConsumers,
    async stop(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      const left = () => Math.max(0, deadline - Date.now());
      await stopConsumers(timeoutMs);
      await stopRelay(relay, { broker, inbox: deps.inbox, batch: cfg.outboxRelayBatch, logger: deps.logger }, left);
      await broker.close(Math.max(left(), 1_000));
    },
  };
}

/**
 * The relay's publications wait on the broker (confirms, a queue declared on demand): within the shutdown grace
 * only, as the consumers' waits are. What is cut short keeps its lease and is published after it, by this
 * instance's next start or another instance: the outbox's at-least-once, nothing lost.
 */
async function stopRelay(relay: WorkerLoop, deps: { broker: Broker; inbox?: RelayInbox; batch: number; logger: Logger }, left: () => number): Promise<void> {
  let finished = await settleWithin([relay.stop()], left());
  // What routing handed over and the relay has not published yet goes now, while the broker is still here
  // (otherwise it would wait for its lease to expire after the restart). Bounded: the inbox holds a few batches.
  if (finished && deps.inbox?.size && deps.broker.isConnected()) {
    finished = await settleWithin([relay.drain(Math.ceil(deps.inbox.size / deps.batch) + 1).catch(() => 0)], left());
  }
  if (!finished) {
    deps.logger.warn('forwards not all published within the shutdown grace; the rest go once their lease expires', {
      event: 'forward.relay_stop_timeout', handedOver: deps.inbox?.size ?? 0,
    });
  }
}

export function brokerProbe(broker: Broker) {
  return {
    name: 'broker',
    check: async () => {
      if (!broker.isConnected()) throw new AppError('DEP_BROKER_DOWN', 'not connected to RabbitMQ');
    },
  };
}
