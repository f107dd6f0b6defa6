/**
 * One process at a time on a PGlite data directory: PGlite is an in-process database, so a second process opening
 * the same files (a command-line tool while the service runs) would corrupt them. The holder writes DATA_DIR/
 * liaison.lock (pid, host, command, start time) with an exclusive create; a lock whose process is gone is stale and
 * taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { AppError } from '../shared/errors';

export const LOCK_FILE = 'liaison.lock';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export interface DataDirLock {
  readonly file: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Takes the lock or throws CFG_DATA_DIR_LOCKED naming the process that holds it. */
export function lockDataDir(dataDir: string, command: string, startedAt: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), command, startedAt };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return {
        file,
        release() {
          if (readHolder(file)?.pid === me.pid) unlinkSync(file);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(file);
    // Stale: its process is gone (crash, kill -9), or the file is unreadable half-written garbage from one.
    if (!holder || (holder.host === me.host && !alive(holder.pid))) {
      try {
        unlinkSync(file);
      } catch {
        // another process took it over first: try again
      }
      continue;
    }
    throw new AppError('CFG_DATA_DIR_LOCKED',
      `The data directory ${dataDir} is in use by another process: pid ${holder.pid} on ${holder.host} (${holder.command}), since ${holder.startedAt}. ` +
      'PGlite allows one process at a time: stop that process first, or go through the running service\'s API instead ' +
      '(e.g. GET /api/rules, POST /api/rules/simulate, PUT /api/rules).',
      [{ path: file, message: `held by pid ${holder.pid}` }]);
  }
  throw new AppError('CFG_DATA_DIR_LOCKED', `Could not take the lock ${file}.`);
}
