import {
  parseSlaPolicies,
  policyByVersion,
  policyFor,
  targetsFor,
  type SlaPolicyConfig,
  type SlaPolicyVersionConfig,
} from '../../src/helpdesk';
import { AppError } from '../../src/shared/errors';
import { calendars, d, h, policies, policyConfig } from './fixtures';

const v2024 = policyConfig.versions[0];
const v2025: SlaPolicyVersionConfig = {
  ...v2024,
  version: '2025-06',
  effectiveFrom: '2025-06-16T00:00:00+02:00',
  priorities: { ...v2024.priorities, P1: { firstResponseHours: 1, resolutionHours: 4 } },
};
// Given newest first on purpose: parsing sorts by effectiveFrom.
const twoVersions = parseSlaPolicies({ versions: [v2025, v2024] }, calendars.has);

describe('policyFor picks the version in force at slaStartAt', () => {
  test.each([
    ['before the first version: the first one', '2024-04-15T10:00:00+02:00', '2024-05'],
    ['exactly at the first effectiveFrom', '2024-05-01T00:00:00+02:00', '2024-05'],
    ['mid-June 2025, one millisecond before the change', '2025-06-15T23:59:59.999+02:00', '2024-05'],
    ['exactly at the second effectiveFrom', '2025-06-16T00:00:00+02:00', '2025-06'],
    ['long after the last version', '2026-01-10T10:00:00+01:00', '2025-06'],
  ])('%s', (_name, slaStartAt, expected) => {
    expect(policyFor(twoVersions, d(slaStartAt)).version).toBe(expected);
  });
});

describe('targets of the shipped policy (docs/contract.md §5)', () => {
  test.each([
    ['P1: 2 h / 8 h', 'P1', h(2), h(8)],
    ['P2: 4 h / 24 h', 'P2', h(4), h(24)],
    ['P3: 8 h / 80 h', 'P3', h(8), h(80)],
    ['P4: 16 h / 160 h', 'P4', h(16), h(160)],
  ] as const)('%s', (_name, priority, firstResponseMs, resolutionMs) => {
    expect(targetsFor(policyByVersion(policies, '2024-05'), priority)).toEqual({ firstResponseMs, resolutionMs });
  });

  test('the shipped policy targets 80 % compliance, warns at 75 %, on the FR desk calendar', () => {
    const v = policyFor(policies, d('2025-01-01T00:00:00Z'));
    expect([v.targetCompliance, v.warnAtFraction, v.calendar]).toEqual([0.8, 0.75, 'FR-desk']);
  });
});

describe('policyByVersion', () => {
  test('an unknown version is refused', () => {
    expect(() => policyByVersion(twoVersions, '2023-01')).toThrow(AppError);
  });
});

describe('invalid policies are refused with HDK_POLICY_INVALID', () => {
  test.each([
    ['no version', { versions: [] }, 'versions'],
    ['duplicate version', { versions: [v2024, { ...v2025, version: '2024-05' }] }, 'versions[2024-05]'],
    ['two versions with the same effectiveFrom', { versions: [v2024, { ...v2025, effectiveFrom: v2024.effectiveFrom }] }, 'versions[2025-06].effectiveFrom'],
    ['effectiveFrom without offset', { versions: [{ ...v2024, effectiveFrom: '2024-05-01T00:00:00' }] }, 'versions[2024-05].effectiveFrom'],
    ['unknown calendar', { versions: [{ ...v2024, calendar: 'BE-desk' }] }, 'versions[2024-05].calendar'],
    ['warning at 100 %', { versions: [{ ...v2024, warnAtFraction: 1 }] }, 'versions[2024-05].warnAtFraction'],
    ['compliance of 0', { versions: [{ ...v2024, targetCompliance: 0 }] }, 'versions[2024-05].targetCompliance'],
    ['zero-hour target', { versions: [{ ...v2024, priorities: { ...v2024.priorities, P3: { firstResponseHours: 0, resolutionHours: 80 } } }] }, 'versions[2024-05].priorities.P3.firstResponseHours'],
    ['missing priority', { versions: [{ ...v2024, priorities: { P1: v2024.priorities.P1 } }] }, 'versions[2024-05].priorities.P2'],
  ])('%s', (_name, config, path) => {
    try {
      parseSlaPolicies(config as SlaPolicyConfig, calendars.has);
      throw new Error('expected HDK_POLICY_INVALID');
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('HDK_POLICY_INVALID');
      expect((e as AppError).details.map((x) => x.path)).toContain(path);
    }
  });
});
