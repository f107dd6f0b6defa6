/**
 * Settings of the features with a block of their own (RINA adapter, learning loop), read through the same reader
 * as every other key of src/config/env.ts (a key read here is a known key; its problems stop the start).
 */

/** What these functions need of env.ts's reader. */
interface SettingsReader {
  readonly errors: string[];
  text(key: string, def: string): string;
  int(key: string, def: number, min: number, max: number): number;
  url(key: string, protocols: string[]): string | undefined;
  cron(key: string, def: string): string;
}

/** The RINA adapter's settings (src/rina/): the CPI's address and account, timeouts and retries. */
export interface RinaSettings {
  url: string;
  user: string;
  password: string;
  /** The liaison body's own id in RINA: the receiver of every SED taken in from it. */
  institutionId: string;
  /** Timeout of one CPI call, ms. */
  timeoutMs: number;
  /** Attempts of one CPI call on 5xx/timeouts before the work item waits for a later round. */
  maxAttempts: number;
  /** Backoff between those attempts, and between rounds of an event the CPI could not serve: doubling, ms. */
  retryInitialMs: number;
  retryMaxMs: number;
  /** Events the worker leases per round, and how long the lease holds (a crashed instance's are taken after it). */
  eventBatch: number;
  eventLeaseMs: number;
  /** Alert threshold: an event waiting longer than this is reported by /api/rina/status and the alert rule, s. */
  eventMaxWaitSeconds: number;
}

/** Rule induction and the learned rules' drift watch (LEARNING_*). */
export function learningSettings(read: SettingsReader) {
  return {
    learningMinSupport: read.int('LEARNING_MIN_SUPPORT', 5, 2, 1000),
    learningMinAgreementPercent: read.int('LEARNING_MIN_AGREEMENT_PERCENT', 90, 50, 100),
    learningDriftMinForwards: read.int('LEARNING_DRIFT_MIN_FORWARDS', 20, 1, 100_000),
    learningDriftMaxUndonePercent: read.int('LEARNING_DRIFT_MAX_UNDONE_PERCENT', 10, 0, 100),
    learningDriftCron: read.cron('LEARNING_DRIFT_CRON', '*/15 * * * *'),
  };
}

export function rinaSettings(read: SettingsReader): RinaSettings | undefined {
  const url = read.url('RINA_URL', ['http:', 'https:']);
  const settings: RinaSettings = {
    url: url ?? '',
    user: read.text('RINA_USER', ''),
    password: read.text('RINA_PASSWORD', ''),
    institutionId: read.text('RINA_INSTITUTION_ID', 'FR:CLEISS0002'),
    timeoutMs: read.int('RINA_TIMEOUT_MS', 20_000, 100, 600_000),
    maxAttempts: read.int('RINA_MAX_ATTEMPTS', 3, 1, 20),
    retryInitialMs: read.int('RINA_RETRY_INITIAL_MS', 1_000, 1, 600_000),
    retryMaxMs: read.int('RINA_RETRY_MAX_MS', 60_000, 1, 3_600_000),
    eventBatch: read.int('RINA_EVENT_BATCH', 20, 1, 1000),
    eventLeaseMs: read.int('RINA_EVENT_LEASE_MS', 120_000, 1000, 3_600_000),
    eventMaxWaitSeconds: read.int('RINA_EVENT_MAX_WAIT_SECONDS', 900, 10, 7 * 86_400),
  };
  if (url === undefined) return undefined;
  if (!settings.user || !settings.password) read.errors.push('RINA_USER and RINA_PASSWORD are needed with RINA_URL');
  if (!/^[A-Z]{2}:[A-Za-z0-9]{4,10}$/.test(settings.institutionId)) read.errors.push(`RINA_INSTITUTION_ID="${settings.institutionId}" must be an institution id such as FR:CLEISS0002`);
  if (settings.retryMaxMs < settings.retryInitialMs) read.errors.push('RINA_RETRY_MAX_MS must not be below RINA_RETRY_INITIAL_MS');
  return settings;
}
