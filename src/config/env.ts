/**
 * The environment, read in one place, validated, frozen. A bad value fails the start naming each bad key; so does
 * an unknown key under one of the service's own prefixes (`AMQP_NAME_INTAKES` is a typo, not a new setting).
 * No branching on environment names anywhere: behaviour follows these settings only.
 *
 * To add a setting: a field in AppConfig and one `read.*` line in buildConfig below (key, default, bounds, and the
 * README line). Nothing else reads the environment; test/config/env.test.ts checks that the README's configuration
 * table names every key read here.
 */
import path from 'node:path';
import { bootstrapSettings as bootstrap } from './bootstrap-settings';
import { DEFAULT_HELPDESK_SETTINGS, type HelpdeskSettings } from '../helpdesk/settings';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';
import { learningSettings, rinaSettings, type RinaSettings } from './feature-settings';
import { CONTRACT_MAX_ENVELOPE_BYTES, DEFAULT_INPUT_LIMITS, type InputLimits } from '../intake/input-limits';
import { AppError } from '../shared/errors';

export interface AppConfig {
  port: number;
  dataDir: string;
  databaseUrl?: string;
  /** Connections in the PostgreSQL pool (per instance). */
  databasePoolSize: number;
  /** One broker URL, or the nodes of one cluster comma-separated (the service fails over to the next one). */
  amqpUrl?: string;
  /** `x-quorum-initial-group-size` of the queues declared (the replication factor); unset: every cluster node. */
  amqpQuorumSize?: number;
  configDir: string;
  bootstrapToken?: string;
  bootstrapAdminUser?: string;
  bootstrapAdminPassword?: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Messages in flight on the intake consumer (AMQP prefetch). */
  intakePrefetch: number;
  /** The most intake messages stored in one transaction (a window); below intakePrefetch, windows overlap. */
  intakeBatchMax: number;
  /**
   * Deliveries of an intake message failing for an unexpected reason before it is quarantined (ITK_UNPROCESSABLE).
   * Input failures are never retried; a dependency outage pauses consumption and counts no attempt.
   */
  intakeMaxAttempts: number;
  /** Delay before a failed intake message comes back from the retry queue: doubling from initial to max, ms. */
  intakeRetryInitialMs: number;
  intakeRetryMaxMs: number;
  /** Messages in flight on the other consumers (forward replies, help desk). */
  amqpPrefetch: number;
  /** Deliveries of a reply or help-desk message before it is dead-lettered. */
  consumerMaxAttempts: number;
  /** How long a publish waits for the broker's confirm, ms. */
  amqpConfirmTimeoutMs: number;
  /** TCP connect timeout to the broker, ms. */
  amqpConnectTimeoutMs: number;
  /** Reconnect delays after the broker went away: doubling from initial to max, ms. */
  amqpReconnectInitialMs: number;
  amqpReconnectMaxMs: number;
  /** How often the pipeline workers poll the work queue when idle, ms. */
  workerPollMs: number;
  /** Envelopes the routing stage claims and decides per transaction. */
  routingBatchSize: number;
  /** Forwards the outbox relay leases and publishes (pipelined) per round. */
  outboxRelayBatch: number;
  /** How long a relay's lease on its batch holds; a crashed instance's batch is taken over after it, ms. */
  outboxLeaseMs: number;
  /** Grace period for in-flight work on SIGTERM, ms. */
  shutdownGraceMs: number;
  /** Queue/exchange name overrides (CONTRACT §4: names fixed by default, overridable). */
  amqpNames: Record<string, string>;
  /** Shown in RabbitMQ's connection list (one name per instance helps operations). */
  amqpConnectionName: string;
  /** Declare every French institution's queue at start (else: on its first forward). */
  amqpDeclareInstitutionQueues: boolean;
  /** Time zone the scheduled jobs' cron expressions are read in (the desk's). */
  scheduleTimezone: string;
  /** Limits every envelope must keep (src/intake/input-limits.ts): each exceeded one is a quarantine reason. */
  inputLimits: Readonly<InputLimits>;
  /** Purge SED bodies of closed cases (and quarantined raw bytes) older than this many days; 0 = never. */
  retentionDays: number;
  /** When the retention job runs (cron, in scheduleTimezone). */
  retentionCron: string;
  /** Help-desk jobs: forward acknowledgement delay, orphan age, cron schedules, batch sizes. */
  helpdesk: Readonly<HelpdeskSettings>;
  /** Console sessions: idle and absolute expiry (ms); when the cookie carries Secure; whether to trust X-Forwarded-*. */
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  cookieSecure: 'auto' | 'always' | 'never';
  /** Which proxies' X-Forwarded-* is believed (src/config/trust-proxy.ts): none, a hop count, or address ranges. */
  trustProxy: TrustProxy;
  /** Login throttling (per account and per address), counted in the database. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMinutes: number;
  loginBlockMinutes: number;
  /** POST /api/envelopes per token and minute (per instance). */
  intakeRatePerMinute: number;
  /** Triage: how long a claim lasts, and from how many business hours a case is "old". */
  triageClaimMinutes: number;
  /** TRIAGE_UNDO_SECONDS: an operator's forward from triage is held this long (undo) before release; 0 = none. */
  triageUndoSeconds: number;
  triageOldBusinessHours: number;
  /** When the monthly report of the month before is generated (node-cron, in scheduleTimezone). */
  reportMonthlyCron: string;
  /** Key of the HMAC that matches a person's cases on their French PIN (learning loop); generated and kept in the database when absent. */
  pinHashKey?: string;
  /** Security review #21 (sec-a): draft simulation bounds, machine-token lifetime, report regeneration spacing. */
  simulationTimeLimitMs: number;
  simulationMaxConcurrent: number;
  tokenLifetimeDays: number;
  reportRegenerateMinSeconds: number;
  /** A report's CSV or HTML rendering (a worker thread) still running after this is stopped (REPORT_RENDER_TIME_LIMIT_MS). */
  reportRenderTimeLimitMs: number;
  /** Reports generated or rendered at once in one instance; one per person (REPORT_MAX_CONCURRENT). */
  reportMaxConcurrent: number;
  /** Rule induction: fewest agreeing decisions a candidate rule needs (LEARNING_MIN_SUPPORT). */
  learningMinSupport: number;
  /** Rule induction: least share of the decisions a candidate covers that must agree, in percent. */
  learningMinAgreementPercent: number;
  /** Drift watch: a live learned rule drifts with at least this many forwards… */
  learningDriftMinForwards: number;
  /** …of which more than this share (percent) was bounced or re-assigned. */
  learningDriftMaxUndonePercent: number;
  /** Drift watch: when the check that notifies supervisors of drifting learned rules runs (cron, in scheduleTimezone). */
  learningDriftCron: string;
  /** RINA's CPI (CONTRACT §7): set only when RINA_URL is. */
  rina?: Readonly<RinaSettings>;
}

export type { RinaSettings } from './feature-settings';

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/**
 * The settings of AMQP_NAME_<NAME>: one per field of TopologyNames (bus/topology.ts), upper snake case.
 * test/config/env.test.ts keeps the two lists equal.
 */
export const AMQP_NAME_KEYS = [
  'intake', 'forward', 'forwardReplies', 'rina', 'rinaForwardCase', 'helpdesk', 'dead', 'notifications', 'helpdeskOut', 'institutionQueuePrefix',
] as const;

/**
 * Prefixes the service owns: every key under them must be one the service reads, so a typo fails the start instead
 * of being ignored. Other variables (PATH, HOME, NODE_OPTIONS, TEST_*) are none of the service's business.
 */
const OWNED_PREFIXES = ['AMQP_', 'HELPDESK_', 'INTAKE_', 'OUTBOX_', 'WORKER_', 'DATABASE_', 'BOOTSTRAP_', 'SCHEDULE_', 'SHUTDOWN_', 'SESSION_', 'LOGIN_', 'TRIAGE_', 'COOKIE_', 'RETENTION_', 'REPORT_', 'PIN_', 'LEARNING_', 'RINA_'];

const CRON_SHAPE = /^\S+( \S+){4,5}$/;
const toSnake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** Reads keys of one environment, remembering each key read and each problem found. */
class EnvReader {
  readonly errors: string[] = [];
  readonly known = new Set<string>();

  constructor(private readonly env: Env) {}

  raw(key: string): string | undefined {
    this.known.add(key);
    const v = this.env[key];
    return v === undefined || v === '' ? undefined : v;
  }

  text(key: string, def: string): string {
    return this.raw(key) ?? def;
  }

  int(key: string, def: number, min: number, max: number): number {
    const raw = this.raw(key);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.errors.push(`${key}="${raw}" must be a whole number from ${min} to ${max}`);
      return def;
    }
    return n;
  }

  trustProxy(key: string): TrustProxy {
    const { value, errors } = parseTrustProxy(key, this.raw(key));
    this.errors.push(...errors);
    return value;
  }

  bool(key: string, def: boolean): boolean {
    const raw = this.raw(key);
    if (raw === undefined) return def;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    this.errors.push(`${key}="${raw}" must be true or false`);
    return def;
  }

  url(key: string, protocols: string[]): string | undefined {
    const raw = this.raw(key);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) this.errors.push(`${key} must start with ${protocols.join(' or ')}//`);
    } catch {
      this.errors.push(`${key} is not a valid URL`);
    }
    return raw;
  }

  /** A comma-separated list of URLs, each checked (by position: an item may hold a password). */
  urlList(key: string, protocols: string[]): string | undefined {
    const raw = this.raw(key);
    if (raw === undefined) return undefined;
    const items = raw.split(',').map((u) => u.trim());
    items.forEach((u, i) => {
      const where = items.length > 1 ? `${key} (URL ${i + 1} of ${items.length})` : key;
      try {
        if (!protocols.includes(new URL(u).protocol)) this.errors.push(`${where} must start with ${protocols.join(' or ')}//`);
      } catch {
        this.errors.push(`${where} is not a valid URL`);
      }
    });
    return raw;
  }

  oneOf<T extends string>(key: string, def: T, allowed: readonly T[]): T {
    const raw = this.raw(key)?.toLowerCase();
    if (raw === undefined) return def;
    if (!(allowed as readonly string[]).includes(raw)) this.errors.push(`${key}="${this.env[key]}" must be one of ${allowed.join(', ')}`);
    return (allowed as readonly string[]).includes(raw) ? (raw as T) : def;
  }

  /** Five or six space-separated cron fields; node-cron checks the values when the job is scheduled. */
  cron(key: string, def: string): string {
    const raw = this.raw(key)?.trim();
    if (raw === undefined || raw === '') return def;
    if (!CRON_SHAPE.test(raw)) this.errors.push(`${key}="${raw}" must be a cron expression of 5 or 6 fields`);
    return raw;
  }

  timeZone(key: string, def: string): string {
    const raw = this.raw(key);
    if (raw === undefined) return def;
    try {
      new Intl.DateTimeFormat('en', { timeZone: raw });
      return raw;
    } catch {
      this.errors.push(`${key}="${raw}" is not an IANA time zone (e.g. Europe/Paris)`);
      return def;
    }
  }

  /** Keys under the owned prefixes that nothing read: typos, or settings that no longer exist. */
  unknownKeys(): string[] {
    return Object.keys(this.env).filter((k) => OWNED_PREFIXES.some((p) => k.startsWith(p)) && !this.known.has(k)).sort();
  }
}

function amqpNames(read: EnvReader): Record<string, string> {
  const names: Record<string, string> = {};
  for (const name of AMQP_NAME_KEYS) {
    const value = read.raw(`AMQP_NAME_${toSnake(name)}`);
    if (value !== undefined) names[name] = value;
  }
  return names;
}

function helpdeskSettings(read: EnvReader): HelpdeskSettings {
  const d = DEFAULT_HELPDESK_SETTINGS;
  return {
    forwardAckBusinessDays: read.int('FORWARD_ACK_BUSINESS_DAYS', d.forwardAckBusinessDays, 1, 60),
    orphanMaxAgeBusinessHours: read.int('ORPHAN_MAX_AGE_BUSINESS_HOURS', d.orphanMaxAgeBusinessHours, 1, 2000),
    escalationCron: read.cron('HELPDESK_ESCALATION_CRON', d.escalationCron),
    pipelineWatchCron: read.cron('HELPDESK_PIPELINE_WATCH_CRON', d.pipelineWatchCron),
    prefetch: read.int('HELPDESK_PREFETCH', d.prefetch, 1, 1000),
    noticeRelayBatch: read.int('HELPDESK_NOTICE_BATCH', d.noticeRelayBatch, 1, 10_000),
    sweepLimit: read.int('HELPDESK_SWEEP_LIMIT', d.sweepLimit, 1, 1_000_000),
    pipelineWatchBatch: read.int('HELPDESK_PIPELINE_WATCH_BATCH', d.pipelineWatchBatch, 1, 100_000),
    slaStartMaxDaysBack: read.int('HELPDESK_SLA_START_MAX_DAYS_BACK', d.slaStartMaxDaysBack, 0, 3650),
  };
}

/** The limits on one envelope's shape (CONTRACT §2), checked before parsing. */
function inputLimits(read: EnvReader): InputLimits {
  return {
    maxBytes: read.int('INTAKE_MAX_BYTES', DEFAULT_INPUT_LIMITS.maxBytes, 1024, CONTRACT_MAX_ENVELOPE_BYTES),
    maxDepth: read.int('INTAKE_MAX_DEPTH', DEFAULT_INPUT_LIMITS.maxDepth, 8, 512),
    maxStringLength: read.int('INTAKE_MAX_STRING_LENGTH', DEFAULT_INPUT_LIMITS.maxStringLength, 256, CONTRACT_MAX_ENVELOPE_BYTES),
    maxArrayLength: read.int('INTAKE_MAX_ARRAY_LENGTH', DEFAULT_INPUT_LIMITS.maxArrayLength, 10, 1_000_000),
    maxInstitutionReferences: read.int('INTAKE_MAX_INSTITUTION_REFERENCES', DEFAULT_INPUT_LIMITS.maxInstitutionReferences, 1, 100_000),
  };
}

/** Every setting, one line each: the one place a new key goes. */
function buildConfig(read: EnvReader, cwd: string): AppConfig {
  return {
    port: read.int('PORT', 8080, 0, 65535),
    dataDir: path.resolve(cwd, read.text('DATA_DIR', './data')),
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: read.int('DATABASE_POOL_SIZE', 10, 1, 500),
    amqpUrl: read.urlList('AMQP_URL', ['amqp:', 'amqps:']),
    amqpQuorumSize: read.raw('AMQP_QUORUM_SIZE') === undefined ? undefined : read.int('AMQP_QUORUM_SIZE', 3, 1, 99),
    configDir: path.resolve(cwd, read.text('CONFIG_DIR', './config')),
    ...bootstrap(read),
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    intakePrefetch: read.int('INTAKE_PREFETCH', 300, 1, 5000),
    intakeBatchMax: read.int('INTAKE_BATCH_MAX', 100, 1, 1000),
    intakeMaxAttempts: read.int('INTAKE_MAX_ATTEMPTS', 4, 1, 19),
    intakeRetryInitialMs: read.int('INTAKE_RETRY_INITIAL_MS', 500, 1, 600_000),
    intakeRetryMaxMs: read.int('INTAKE_RETRY_MAX_MS', 5_000, 1, 3_600_000),
    amqpPrefetch: read.int('AMQP_PREFETCH', 20, 1, 1000),
    consumerMaxAttempts: read.int('AMQP_MAX_ATTEMPTS', 4, 1, 15),
    amqpConfirmTimeoutMs: read.int('AMQP_CONFIRM_TIMEOUT_MS', 10_000, 100, 600_000),
    amqpConnectTimeoutMs: read.int('AMQP_CONNECT_TIMEOUT_MS', 10_000, 100, 600_000),
    amqpReconnectInitialMs: read.int('AMQP_RECONNECT_INITIAL_MS', 500, 10, 600_000),
    amqpReconnectMaxMs: read.int('AMQP_RECONNECT_MAX_MS', 30_000, 10, 3_600_000),
    workerPollMs: read.int('WORKER_POLL_MS', 250, 10, 60_000),
    routingBatchSize: read.int('ROUTING_BATCH_SIZE', 200, 1, 2000),
    outboxRelayBatch: read.int('OUTBOX_RELAY_BATCH', 200, 1, 10_000),
    outboxLeaseMs: read.int('OUTBOX_LEASE_MS', 60_000, 1000, 3_600_000),
    shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, 0, 120_000),
    amqpNames: amqpNames(read),
    amqpConnectionName: read.text('AMQP_CONNECTION_NAME', 'eessi-liaison'),
    amqpDeclareInstitutionQueues: read.bool('AMQP_DECLARE_INSTITUTION_QUEUES', true),
    scheduleTimezone: read.timeZone('SCHEDULE_TIMEZONE', 'Europe/Paris'),
    inputLimits: Object.freeze(inputLimits(read)),
    retentionDays: read.int('RETENTION_DAYS', 0, 0, 36_500),
    retentionCron: read.cron('RETENTION_CRON', '17 3 * * *'),
    helpdesk: Object.freeze(helpdeskSettings(read)),
    sessionIdleMs: read.int('SESSION_IDLE_MINUTES', 30, 1, 24 * 60) * 60_000,
    sessionAbsoluteMs: read.int('SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30) * 3_600_000,
    cookieSecure: read.oneOf('COOKIE_SECURE', 'auto', ['auto', 'always', 'never'] as const),
    trustProxy: read.trustProxy('TRUST_PROXY'),
    loginMaxFailuresPerAccount: read.int('LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, 1, 1000),
    loginMaxFailuresPerAddress: read.int('LOGIN_MAX_FAILURES_PER_ADDRESS', 100, 1, 100_000),
    loginWindowMinutes: read.int('LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60),
    loginBlockMinutes: read.int('LOGIN_BLOCK_MINUTES', 15, 1, 24 * 60),
    intakeRatePerMinute: read.int('INTAKE_RATE_PER_MINUTE', 60_000, 1, 10_000_000),
    triageClaimMinutes: read.int('TRIAGE_CLAIM_MINUTES', 5, 1, 240),
    triageUndoSeconds: read.int('TRIAGE_UNDO_SECONDS', 10, 0, 300),
    triageOldBusinessHours: read.int('TRIAGE_OLD_BUSINESS_HOURS', 8, 1, 2000),
    reportMonthlyCron: read.cron('REPORT_MONTHLY_CRON', '0 6 1 * *'),
    pinHashKey: pinHashKey(read),
    simulationTimeLimitMs: read.int('SIMULATION_TIME_LIMIT_MS', 30_000, 100, 600_000),
    simulationMaxConcurrent: read.int('SIMULATION_MAX_CONCURRENT', 2, 1, 64),
    tokenLifetimeDays: read.int('TOKEN_LIFETIME_DAYS', 365, 1, 36_500),
    reportRegenerateMinSeconds: read.int('REPORT_REGENERATE_MIN_SECONDS', 60, 0, 86_400),
    reportRenderTimeLimitMs: read.int('REPORT_RENDER_TIME_LIMIT_MS', 30_000, 100, 600_000),
    reportMaxConcurrent: read.int('REPORT_MAX_CONCURRENT', 2, 1, 64),
    ...learningSettings(read),
    rina: rinaSettings(read),
  };
}

function pinHashKey(read: EnvReader): string | undefined {
  const key = read.raw('PIN_HASH_KEY');
  if (key !== undefined && key.length < 32) read.errors.push('PIN_HASH_KEY must be at least 32 characters');
  return key;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Readonly<AppConfig> {
  const read = new EnvReader(env);
  const config = buildConfig(read, cwd);
  if (config.intakeRetryMaxMs < config.intakeRetryInitialMs) read.errors.push('INTAKE_RETRY_MAX_MS must not be below INTAKE_RETRY_INITIAL_MS');
  // Unset, a window is at most a third of what is in flight (so that windows overlap); set, it must fit in it.
  if (read.raw('INTAKE_BATCH_MAX') === undefined) config.intakeBatchMax = Math.max(1, Math.min(config.intakeBatchMax, Math.floor(config.intakePrefetch / 3)));
  else if (config.intakeBatchMax > config.intakePrefetch) read.errors.push('INTAKE_BATCH_MAX must not be above INTAKE_PREFETCH');
  if (config.amqpReconnectMaxMs < config.amqpReconnectInitialMs) read.errors.push('AMQP_RECONNECT_MAX_MS must not be below AMQP_RECONNECT_INITIAL_MS');
  for (const key of read.unknownKeys()) read.errors.push(`${key} is not a setting of this service (see the README's configuration table)`);
  if (read.errors.length) {
    throw new AppError('CFG_INVALID', `Invalid configuration: ${read.errors.join('; ')}.`, read.errors.map((m) => ({ path: m.split(/[=\s]/)[0], message: m })));
  }
  return Object.freeze(config);
}

/** Every key the service reads (for the README check and the tools' help). */
export function configKeys(): string[] {
  const read = new EnvReader({});
  buildConfig(read, '.');
  return [...read.known].sort();
}

/** What only the command-line tools read (scripts/): where the running service is, whether to use colour. */
export interface ToolSettings {
  /** Base URL of the running service (SERVICE_URL); the tools default to http://127.0.0.1:<PORT>. */
  serviceUrl?: string;
  /** NO_COLOR set (https://no-color.org): plain text even on a terminal. */
  noColor: boolean;
}

export function loadToolSettings(env: Env = process.env): Readonly<ToolSettings> {
  return Object.freeze({ serviceUrl: env.SERVICE_URL || undefined, noColor: Boolean(env.NO_COLOR) });
}
