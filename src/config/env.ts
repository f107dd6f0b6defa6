/**
 * The environment, read in one place, validated, frozen. A bad value fails the start naming each bad key.
 * No branching on environment names anywhere: behaviour follows these settings only.
 */
import path from 'node:path';
import { helpdeskSettingsFromEnv, type HelpdeskSettings } from '../helpdesk/settings';
import { AppError, isAppError } from '../shared/errors';

export interface AppConfig {
  port: number;
  dataDir: string;
  databaseUrl?: string;
  amqpUrl?: string;
  configDir: string;
  bootstrapToken?: string;
  bootstrapAdminUser?: string;
  bootstrapAdminPassword?: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Messages in flight per consumer (AMQP prefetch). */
  intakePrefetch: number;
  /** How often the pipeline workers poll the work queue when idle, ms. */
  workerPollMs: number;
  /** Grace period for in-flight work on SIGTERM, ms. */
  shutdownGraceMs: number;
  /** Queue/exchange name overrides (CONTRACT §4: names fixed by default, overridable). */
  amqpNames: Record<string, string>;
  /** Shown in RabbitMQ's connection list (one name per instance helps operations). */
  amqpConnectionName: string;
  /** Declare every French institution's queue at start (else: on its first forward). */
  amqpDeclareInstitutionQueues: boolean;
  /** Key of the HMAC that matches a person's cases on their French PIN (learning loop); generated and kept in the database when absent. */
  pinHashKey?: string;
  /** Help-desk jobs: forward acknowledgement delay, orphan age, cron schedules. */
  helpdesk: Readonly<HelpdeskSettings>;
  /** Console sessions: idle and absolute expiry (ms); when the cookie carries Secure; whether to trust X-Forwarded-*. */
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  cookieSecure: 'auto' | 'always' | 'never';
  trustProxy: boolean;
  /** Login throttling (per account and per address), counted in the database. */
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginWindowMinutes: number;
  loginBlockMinutes: number;
  /** POST /api/envelopes per token and minute (per instance). */
  intakeRatePerMinute: number;
  /** Triage: how long a claim lasts, and from how many business hours a case is "old". */
  triageClaimMinutes: number;
  triageOldBusinessHours: number;
  /** When the monthly report of the month before is generated (node-cron, Europe/Paris). */
  reportMonthlyCron: string;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

function intIn(env: Env, key: string, def: number, min: number, max: number, errors: string[]): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    errors.push(`${key}="${raw}" must be a whole number from ${min} to ${max}`);
    return def;
  }
  return n;
}

function bool(env: Env, key: string, def: boolean, errors: string[]): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  errors.push(`${key}="${raw}" must be true or false`);
  return def;
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], def: T, errors: string[]): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if ((allowed as readonly string[]).includes(raw.toLowerCase())) return raw.toLowerCase() as T;
  errors.push(`${key}="${raw}" must be one of ${allowed.join(', ')}`);
  return def;
}

/** Five or six space-separated cron fields; node-cron checks the values when the job is scheduled. */
function cronExpression(env: Env, key: string, def: string, errors: string[]): string {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (!/^\S+( \S+){4,5}$/.test(raw.trim())) errors.push(`${key}="${raw}" must be a cron expression of 5 or 6 fields`);
  return raw.trim();
}

function url(env: Env, key: string, protocols: string[], errors: string[]): string | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  try {
    const u = new URL(raw);
    if (!protocols.includes(u.protocol)) errors.push(`${key} must start with ${protocols.join(' or ')}//`);
  } catch {
    errors.push(`${key} is not a valid URL`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Readonly<AppConfig> {
  const errors: string[] = [];
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) errors.push(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of ${LOG_LEVELS.join(', ')}`);
  const bootstrapToken = env.BOOTSTRAP_TOKEN || undefined;
  if (bootstrapToken !== undefined && bootstrapToken.length < 16) errors.push('BOOTSTRAP_TOKEN must be at least 16 characters');
  const adminUser = env.BOOTSTRAP_ADMIN_USER || undefined;
  const adminPassword = env.BOOTSTRAP_ADMIN_PASSWORD || undefined;
  if ((adminUser === undefined) !== (adminPassword === undefined)) errors.push('BOOTSTRAP_ADMIN_USER and BOOTSTRAP_ADMIN_PASSWORD go together');
  if (adminPassword !== undefined && adminPassword.length < 8) errors.push('BOOTSTRAP_ADMIN_PASSWORD must be at least 8 characters');

  const pinHashKey = env.PIN_HASH_KEY || undefined;
  if (pinHashKey !== undefined && pinHashKey.length < 32) errors.push('PIN_HASH_KEY must be at least 32 characters');

  const amqpNames: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^AMQP_NAME_([A-Z_]+)$/.exec(key);
    if (m && value) amqpNames[m[1].toLowerCase().replace(/_([a-z])/g, (_s, c: string) => c.toUpperCase())] = value;
  }

  let helpdesk: Readonly<HelpdeskSettings> | undefined;
  try {
    helpdesk = helpdeskSettingsFromEnv(env);
  } catch (e) {
    if (!isAppError(e)) throw e;
    errors.push(...e.details.map((d) => `${d.path} ${d.message}`));
  }

  const config: AppConfig = {
    port: intIn(env, 'PORT', 8080, 0, 65535, errors),
    dataDir: path.resolve(cwd, env.DATA_DIR || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], errors),
    amqpUrl: url(env, 'AMQP_URL', ['amqp:', 'amqps:'], errors),
    configDir: path.resolve(cwd, env.CONFIG_DIR || './config'),
    bootstrapToken,
    bootstrapAdminUser: adminUser,
    bootstrapAdminPassword: adminPassword,
    logLevel: logLevel as AppConfig['logLevel'],
    intakePrefetch: intIn(env, 'INTAKE_PREFETCH', 20, 1, 1000, errors),
    workerPollMs: intIn(env, 'WORKER_POLL_MS', 250, 10, 60000, errors),
    shutdownGraceMs: intIn(env, 'SHUTDOWN_GRACE_MS', 10000, 0, 120000, errors),
    amqpNames,
    amqpConnectionName: env.AMQP_CONNECTION_NAME || 'eessi-liaison',
    amqpDeclareInstitutionQueues: bool(env, 'AMQP_DECLARE_INSTITUTION_QUEUES', true, errors),
    pinHashKey,
    helpdesk: helpdesk as Readonly<HelpdeskSettings>,
    sessionIdleMs: intIn(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60, errors) * 60_000,
    sessionAbsoluteMs: intIn(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30, errors) * 3_600_000,
    cookieSecure: oneOf(env, 'COOKIE_SECURE', ['auto', 'always', 'never'] as const, 'auto', errors),
    trustProxy: bool(env, 'TRUST_PROXY', false, errors),
    loginMaxFailuresPerAccount: intIn(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 10, 1, 1000, errors),
    loginMaxFailuresPerAddress: intIn(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 100, 1, 100000, errors),
    loginWindowMinutes: intIn(env, 'LOGIN_WINDOW_MINUTES', 15, 1, 24 * 60, errors),
    loginBlockMinutes: intIn(env, 'LOGIN_BLOCK_MINUTES', 15, 1, 24 * 60, errors),
    intakeRatePerMinute: intIn(env, 'INTAKE_RATE_PER_MINUTE', 60000, 1, 10_000_000, errors),
    triageClaimMinutes: intIn(env, 'TRIAGE_CLAIM_MINUTES', 5, 1, 240, errors),
    triageOldBusinessHours: intIn(env, 'TRIAGE_OLD_BUSINESS_HOURS', 8, 1, 2000, errors),
    reportMonthlyCron: cronExpression(env, 'REPORT_MONTHLY_CRON', '0 6 1 * *', errors),
  };
  if (errors.length) {
    throw new AppError('CFG_INVALID', `Invalid configuration: ${errors.join('; ')}.`, errors.map((m) => ({ path: m.split(/[=\s]/)[0], message: m })));
  }
  return Object.freeze(config);
}
