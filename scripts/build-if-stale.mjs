// Builds only what changed since the last build, so that `npm start` on an unchanged checkout starts in seconds.
// Each part (the server, the console) has a fingerprint of its sources (paths + contents, SHA-256) stored in
// dist/.build/<part>.sha256 after a successful build; a part is rebuilt when its fingerprint differs or its output
// is missing. Concurrent callers (parallel test workers) wait for one another through a lock directory.
//
//   node scripts/build-if-stale.mjs            build the stale parts
//   node scripts/build-if-stale.mjs console    only the console (the browser-test harness)
//   node scripts/build-if-stale.mjs --stamp    record the fingerprints after `npm run build`
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMPS = path.join(ROOT, 'dist', '.build');
const LOCK = path.join(STAMPS, 'lock');

const PARTS = {
  server: {
    inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/copy-assets.mjs', 'package-lock.json'],
    output: 'dist/main.js',
    script: 'build:server',
  },
  console: {
    inputs: ['console', 'package-lock.json'],
    output: 'dist/console/index.html',
    script: 'build:console',
  },
};

function files(rel) {
  const abs = path.join(ROOT, rel);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [rel];
  return readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && !e.name.startsWith('.'))
    .flatMap((e) => files(path.join(rel, e.name)));
}

function fingerprint(part) {
  const h = createHash('sha256');
  for (const f of PARTS[part].inputs.flatMap(files).sort()) {
    h.update(f).update('\0').update(readFileSync(path.join(ROOT, f))).update('\0');
  }
  return h.digest('hex');
}

const stampFile = (part) => path.join(STAMPS, `${part}.sha256`);
const stamped = (part) => (existsSync(stampFile(part)) ? readFileSync(stampFile(part), 'utf8').trim() : null);
const fresh = (part) => existsSync(path.join(ROOT, PARTS[part].output)) && stamped(part) === fingerprint(part);

function stamp(part) {
  mkdirSync(STAMPS, { recursive: true });
  writeFileSync(stampFile(part), `${fingerprint(part)}\n`);
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One builder at a time; a lock older than 10 minutes is a crashed builder's and is taken over. */
function withLock(fn) {
  mkdirSync(STAMPS, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const age = Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 10 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`build lock ${LOCK} held too long`, { cause: e });
      else sleep(250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args.includes('--stamp')) {
  for (const part of Object.keys(PARTS)) stamp(part);
} else {
  const wanted = args.length ? args : Object.keys(PARTS);
  for (const part of wanted) if (!PARTS[part]) throw new Error(`unknown part ${part} (${Object.keys(PARTS).join(', ')})`);
  withLock(() => {
    for (const part of wanted) {
      if (fresh(part)) continue;
      const started = Date.now();
      console.log(`build: ${part} sources changed, building…`);
      const r = spawnSync('npm', ['run', '--silent', PARTS[part].script], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) process.exit(r.status ?? 1);
      stamp(part);
      console.log(`build: ${part} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  });
}
