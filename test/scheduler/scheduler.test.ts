/** The cron wrapper (real node-cron, a 1-second schedule) and the jobs' settings. */
import { Scheduler } from '../../src/scheduler/scheduler';
import { loadConfig } from '../../src/config/env';
import { DEFAULT_HELPDESK_SETTINGS } from '../../src/helpdesk/settings';
import { capturingLogger, waitFor } from '../bus/support';

describe('Scheduler', () => {
  it('refuses an invalid cron expression when the job is added', () => {
    const scheduler = new Scheduler({ logger: capturingLogger().logger });
    expect(() => scheduler.add({ name: 'bad', cron: '61 * * * *', run: async () => undefined })).toThrow(expect.objectContaining({ code: 'CFG_INVALID' }));
  });

  it('runs a job on its schedule, survives a failing run, and stop() waits for the run in progress', async () => {
    const { logger, lines } = capturingLogger();
    const scheduler = new Scheduler({ logger });
    let runs = 0;
    let inProgress = false;
    let finished = 0;
    scheduler.add({
      name: 'every-second',
      cron: '* * * * * *',
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('first run fails');
        inProgress = true;
        await new Promise((resolve) => setTimeout(resolve, 300));
        inProgress = false;
        finished += 1;
      },
    });
    scheduler.start();
    try {
      await waitFor(() => inProgress, 5000, 'a second run in progress');
    } finally {
      await scheduler.stop();
    }
    expect(inProgress).toBe(false);
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'scheduler.job_failed', job: 'every-second', error: 'first run fails' }));
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(runs).toBe(after);
  });
});

describe('help desk job settings', () => {
  test.each([
    ['defaults when nothing is set', {}, DEFAULT_HELPDESK_SETTINGS],
    ['every key set', { FORWARD_ACK_BUSINESS_DAYS: '3', ORPHAN_MAX_AGE_BUSINESS_HOURS: '8', HELPDESK_ESCALATION_CRON: '*/2 * * * *', HELPDESK_PIPELINE_WATCH_CRON: '0 * * * *' },
      { ...DEFAULT_HELPDESK_SETTINGS, forwardAckBusinessDays: 3, orphanMaxAgeBusinessHours: 8, escalationCron: '*/2 * * * *', pipelineWatchCron: '0 * * * *' }],
  ])('%s', (_name, env, expected) => {
    expect(loadConfig(env).helpdesk).toEqual(expected);
  });

  test('every bad key is named', () => {
    expect(() => loadConfig({ FORWARD_ACK_BUSINESS_DAYS: '0', ORPHAN_MAX_AGE_BUSINESS_HOURS: 'soon', HELPDESK_ESCALATION_CRON: 'hourly' }))
      .toThrow(expect.objectContaining({
        code: 'CFG_INVALID',
        details: [expect.objectContaining({ path: 'FORWARD_ACK_BUSINESS_DAYS' }), expect.objectContaining({ path: 'ORPHAN_MAX_AGE_BUSINESS_HOURS' }), expect.objectContaining({ path: 'HELPDESK_ESCALATION_CRON' })],
      }));
  });
});
