/**
 * Command-line tools vs the live PGlite directory (#14): whoever opens DATA_DIR takes a lock file; a second process
 * (a tool while the service runs) is refused with a message naming the holder and pointing at the API; a lock left
 * by a dead process is taken over.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { LOCK_FILE, lockDataDir } from '../../src/store/data-dir-lock';
import { openDatabase } from '../../src/store/database';

const ROOT = path.join(__dirname, '..', '..');

describe('PGlite data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'liaison-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder, naming the first; released on close', () => {
    const lock = lockDataDir(dir, 'service: src/main.ts', '2026-12-01T20:00:00.000Z');
    expect(() => lockDataDir(dir, 'tool: rules show', '2026-12-01T20:01:00.000Z')).toThrow(
      new RegExp(`in use by another process: pid ${process.pid} on ${hostname()} \\(service: src/main.ts\\)`));
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lockDataDir(dir, 'again', '2026-12-01T20:02:00.000Z').release();
  });

  it('takes over a stale lock left by a process that is gone', () => {
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'crashed', startedAt: 'x' }));
    const lock = lockDataDir(dir, 'new', 'now');
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('a tool run against the directory of a running service refuses with a clear message (exit 3)', async () => {
    const db = await openDatabase({ dataDir: dir, holder: 'service: test' });
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rules.ts', 'show'], {
        cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: dir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => { output += String(d); });
      child.stderr.on('data', (d) => { output += String(d); });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(3);
      expect(output).toMatch(new RegExp(`pid ${process.pid}`));
      expect(output).toMatch(/service: test/);
      expect(output).toMatch(/API/);
    } finally {
      await db.close();
    }
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  }, 180_000);
});
