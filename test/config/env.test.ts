/** The configuration: one table of keys, each validated, typos under the service's prefixes refused by name. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_TOPOLOGY_NAMES } from '../../src/bus/topology';
import { AMQP_NAME_KEYS, configKeys, loadConfig } from '../../src/config/env';

const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const configurationTable = README.slice(README.indexOf('## Configuration'), README.indexOf('## Architecture'));

describe('configuration', () => {
  it('documents every key it reads in the README configuration table', () => {
    const keys = configKeys().filter((k) => !k.startsWith('AMQP_NAME_'));
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((k) => !configurationTable.includes(`\`${k}\``))).toEqual([]);
    expect(configurationTable).toContain('AMQP_NAME_<NAME>');
  });

  it('knows one AMQP_NAME_* key per topology name', () => {
    expect([...AMQP_NAME_KEYS].sort()).toEqual(Object.keys(DEFAULT_TOPOLOGY_NAMES).sort());
    expect(loadConfig({ AMQP_NAME_INSTITUTION_QUEUE_PREFIX: 'x.fwd.', AMQP_NAME_DEAD: 'x.dead' }).amqpNames).toEqual({ institutionQueuePrefix: 'x.fwd.', dead: 'x.dead' });
  });

  it.each([
    ['an AMQP name typo', { AMQP_NAME_INTAKES: 'x.in' }, 'AMQP_NAME_INTAKES'],
    ['a misspelt setting under a known prefix', { INTAKE_PREFECH: '5' }, 'INTAKE_PREFECH'],
    ['a retired or invented help-desk key', { HELPDESK_ESCALATION_CRONS: '* * * * *' }, 'HELPDESK_ESCALATION_CRONS'],
  ])('refuses %s, naming the key', (_n, env, key) => {
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ code: 'CFG_INVALID', details: [expect.objectContaining({ path: key })] }));
    expect(() => loadConfig(env)).toThrow(`${key} is not a setting of this service`);
  });

  it('ignores variables outside its prefixes (PATH, NODE_OPTIONS, TEST_*)', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', NODE_OPTIONS: '--x', TEST_DATABASE_URL: 'postgres://x' })).not.toThrow();
  });

  it('reads the operational numbers, with their defaults', () => {
    const d = loadConfig({});
    expect(d).toMatchObject({
      intakeMaxAttempts: 4, intakeRetryInitialMs: 500, intakeRetryMaxMs: 5_000, consumerMaxAttempts: 4, amqpConfirmTimeoutMs: 10_000,
      outboxRelayBatch: 200, routingBatchSize: 200, outboxLeaseMs: 60_000, databasePoolSize: 10, workerPollMs: 250, scheduleTimezone: 'Europe/Paris',
      helpdesk: expect.objectContaining({ prefetch: 10, noticeRelayBatch: 100, sweepLimit: 10_000, pipelineWatchBatch: 500 }),
    });
    const c = loadConfig({ INTAKE_MAX_ATTEMPTS: '3', AMQP_CONFIRM_TIMEOUT_MS: '2500', OUTBOX_RELAY_BATCH: '500', ROUTING_BATCH_SIZE: '50', OUTBOX_LEASE_MS: '5000', DATABASE_POOL_SIZE: '4', SCHEDULE_TIMEZONE: 'Europe/Brussels', HELPDESK_SWEEP_LIMIT: '50' });
    expect(c).toMatchObject({ intakeMaxAttempts: 3, amqpConfirmTimeoutMs: 2500, outboxRelayBatch: 500, routingBatchSize: 50, outboxLeaseMs: 5000, databasePoolSize: 4, scheduleTimezone: 'Europe/Brussels', helpdesk: expect.objectContaining({ sweepLimit: 50 }) });
  });

  it.each([
    ['a time zone that does not exist', { SCHEDULE_TIMEZONE: 'Europe/Pariss' }, /SCHEDULE_TIMEZONE="Europe\/Pariss" is not an IANA time zone/],
    ['retries above the queues\' delivery limit', { INTAKE_MAX_ATTEMPTS: '25' }, /INTAKE_MAX_ATTEMPTS="25" must be a whole number from 1 to 19/],
    ['a retry ceiling below its start', { INTAKE_RETRY_INITIAL_MS: '5000', INTAKE_RETRY_MAX_MS: '100' }, /INTAKE_RETRY_MAX_MS must not be below/],
  ])('refuses %s', (_n, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  // Security review #21: the bootstrap admin's password was held only to a length (eight characters), not to the
  // policy every password chosen in the console meets.
  it.each([
    ['a breached password', 'password123', 'common', /one of the passwords most often used or found in breaches/],
    ['a keyboard pattern', 'azertyuiop', 'repetitive', /repetition, a sequence or a keyboard pattern/],
    ['one containing the username', 'ops-admin-2027!', 'contains-username', /must not contain the username/],
    ['a short one', 'Xk3#pq', 'too-short', /at least 10 characters/],
  ])('refuses %s as BOOTSTRAP_ADMIN_PASSWORD, naming the key and why, never the value', (_n, password, reason, why) => {
    let error: unknown;
    try {
      loadConfig({ BOOTSTRAP_ADMIN_USER: 'ops-admin', BOOTSTRAP_ADMIN_PASSWORD: password });
    } catch (e) {
      error = e;
    }
    const e = error as { code?: string; message: string; details: Array<{ path: string; message: string }> };
    expect(e?.code).toBe('CFG_INVALID');
    expect(e.message).toContain(`BOOTSTRAP_ADMIN_PASSWORD is refused by the password policy (${reason})`);
    expect(e.message).toMatch(why);
    expect(e.details.map((d) => d.path)).toContain('BOOTSTRAP_ADMIN_PASSWORD');
    expect(JSON.stringify(e)).not.toContain(password);
  });

  it('accepts a BOOTSTRAP_ADMIN_PASSWORD the policy accepts', () => {
    expect(loadConfig({ BOOTSTRAP_ADMIN_USER: 'ops-admin', BOOTSTRAP_ADMIN_PASSWORD: 'Tulipe-Marmotte-4817' })).toMatchObject({ bootstrapAdminUser: 'ops-admin' });
  });

  it('is frozen', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.helpdesk)).toBe(true);
  });
});
