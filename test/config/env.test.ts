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
      intakeMaxAttempts: 15, intakeRetryInitialMs: 500, intakeRetryMaxMs: 60_000, consumerMaxAttempts: 4, amqpConfirmTimeoutMs: 10_000,
      outboxRelayBatch: 50, databasePoolSize: 10, workerPollMs: 250, scheduleTimezone: 'Europe/Paris',
      helpdesk: expect.objectContaining({ prefetch: 10, noticeRelayBatch: 100, sweepLimit: 10_000, pipelineWatchBatch: 500 }),
    });
    const c = loadConfig({ INTAKE_MAX_ATTEMPTS: '3', AMQP_CONFIRM_TIMEOUT_MS: '2500', OUTBOX_RELAY_BATCH: '200', DATABASE_POOL_SIZE: '4', SCHEDULE_TIMEZONE: 'Europe/Brussels', HELPDESK_SWEEP_LIMIT: '50' });
    expect(c).toMatchObject({ intakeMaxAttempts: 3, amqpConfirmTimeoutMs: 2500, outboxRelayBatch: 200, databasePoolSize: 4, scheduleTimezone: 'Europe/Brussels', helpdesk: expect.objectContaining({ sweepLimit: 50 }) });
  });

  it.each([
    ['a time zone that does not exist', { SCHEDULE_TIMEZONE: 'Europe/Pariss' }, /SCHEDULE_TIMEZONE="Europe\/Pariss" is not an IANA time zone/],
    ['retries above the queues\' delivery limit', { INTAKE_MAX_ATTEMPTS: '25' }, /INTAKE_MAX_ATTEMPTS="25" must be a whole number from 1 to 19/],
    ['a retry ceiling below its start', { INTAKE_RETRY_INITIAL_MS: '5000', INTAKE_RETRY_MAX_MS: '100' }, /INTAKE_RETRY_MAX_MS must not be below/],
  ])('refuses %s', (_n, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('is frozen', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.helpdesk)).toBe(true);
  });
});
