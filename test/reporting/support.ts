/** Shared by the report tests: the seeded service, and the golden files (regenerate with UPDATE_GOLDEN=1). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { startService, type Service } from '../../src/app/service';
import { FixedClock } from '../../src/shared/clock';
import { silentLogger } from '../../src/shared/logger';
import type { TestDatabase } from '../helpers/db';
import { configWithPolicyChange, seedMonth, TOKEN } from './seed-month';

export const GOLDEN_DIR = path.join(__dirname, 'golden');

/**
 * The checked-in expected output `name`. With UPDATE_GOLDEN=1 the file is (re)written from `actual` instead:
 * `UPDATE_GOLDEN=1 npm test -- test/reporting` after a deliberate change, then review the diff before committing.
 */
export function golden(name: string, actual: string): string {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`golden file ${name} is missing: run UPDATE_GOLDEN=1 npm test -- test/reporting and review it`);
  return readFileSync(file, 'utf8');
}

export interface SeededService {
  svc: Service;
  clock: FixedClock;
}

/** The service on `tdb` with the month of test/reporting/seed-month.ts stored (the clock starts on 1 Jan 2026). */
export async function seededService(tdb: TestDatabase, env: Record<string, string> = {}): Promise<SeededService> {
  const clock = new FixedClock('2026-01-01T00:00:00Z');
  const svc = await startService(loadConfig({ BOOTSTRAP_TOKEN: TOKEN, CONFIG_DIR: configWithPolicyChange(), ...env }), {
    db: tdb.db, clock, logger: silentLogger(), listen: false, workers: false,
  });
  await seedMonth(svc, clock);
  return { svc, clock };
}
