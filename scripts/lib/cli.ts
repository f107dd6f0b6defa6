/** Small helpers for the command-line tools: flags, a progress line, a summary table, colour when on a terminal. */
import { toolSettings } from './config';

const tty = process.stdout.isTTY && !toolSettings.noColor;

export const colour = {
  green: (s: string) => (tty ? `\x1b[32m${s}\x1b[0m` : s),
  red: (s: string) => (tty ? `\x1b[31m${s}\x1b[0m` : s),
  yellow: (s: string) => (tty ? `\x1b[33m${s}\x1b[0m` : s),
  bold: (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s),
  dim: (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s),
};

export function parseFlags(argv: string[], spec: Record<string, { default?: string; help: string }>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = v.default;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(Object.entries(spec).map(([k, v]) => `  --${k.padEnd(14)} ${v.help}${v.default !== undefined ? ` (default ${v.default})` : ''}`).join('\n'));
      process.exit(0);
    }
    if (a.startsWith('--')) {
      const [key, inline] = a.slice(2).split('=', 2);
      if (!(key in spec)) {
        console.error(`Unknown option --${key}. Options: ${Object.keys(spec).map((k) => `--${k}`).join(', ')}`);
        process.exit(2);
      }
      out[key] = inline ?? argv[++i];
    } else {
      positional.push(a);
    }
  }
  out._ = positional.join(' ');
  return out;
}

/** A progress line that rewrites itself on a terminal, and prints every 10% otherwise. */
export function progress(label: string, total: number) {
  let lastPct = -1;
  const started = Date.now();
  return {
    tick(done: number, extra = '') {
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (!tty && pct % 10 !== 0) return;
      if (pct === lastPct && done !== total) return;
      lastPct = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${done}/${total} ${rate.toFixed(0)}/s ${extra}`;
      if (tty) process.stdout.write(`\r${line}`);
      else console.log(line);
    },
    end() {
      if (tty) process.stdout.write('\n');
    },
  };
}

export function table(rows: Array<Record<string, string | number>>, title?: string): string {
  if (!rows.length) return title ? `${title}\n(none)` : '(none)';
  const cols = Object.keys(rows[0]);
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => String(r[c]).length));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const pad = (c: string, v: string | number) => (typeof v === 'number' ? String(v).padStart(width(c)) : String(v).padEnd(width(c)));
  const out = [
    line(cols.map((c) => c.padEnd(width(c)))),
    `|${cols.map((c) => '-'.repeat(width(c) + 2)).join('|')}|`,
    ...rows.map((r) => line(cols.map((c) => pad(c, r[c])))),
  ];
  return (title ? `${colour.bold(title)}\n` : '') + out.join('\n');
}

/** A horizontal bar for a share, for tables people look at rather than read. */
export function bar(share: number, width = 20): string {
  const n = Math.round(Math.max(0, Math.min(1, share)) * width);
  return '█'.repeat(n) + '░'.repeat(width - n);
}
