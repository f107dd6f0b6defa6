/** `--key value`, `--key=value` and bare `--flag` (true) from the command line; sections read their own keys too. */
export function benchFlags(argv: readonly string[] = process.argv.slice(2)): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const [key, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (inline !== undefined) out[key] = inline;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[key] = argv[(i += 1)];
    else out[key] = true;
  }
  return out;
}

/** A whole-number option of a section, with its default. */
export function intFlag(name: string, def: number): number {
  const v = benchFlags()[name];
  const n = typeof v === 'string' ? Number(v) : NaN;
  if (v !== undefined && !(Number.isInteger(n) && n > 0)) throw new Error(`--${name} must be a positive whole number`);
  return v === undefined ? def : n;
}
