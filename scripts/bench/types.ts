/**
 * The shape every `npm run bench` section module returns, so that sections written by different people print in
 * one summary table and one JSON file. A module in scripts/bench/ exports `sections: BenchSection[]`;
 * scripts/bench.ts runs the ones asked for (`--only <name>`) and prints/writes all rows.
 */
export interface BenchContext {
  /** PostgreSQL to measure on (`--database-url`, else the local test server when reachable); undefined = PGlite. */
  databaseUrl?: string;
  /** RabbitMQ for the end-to-end sections (`--amqp-url`, else the local broker when reachable). */
  amqpUrl?: string;
  /** One progress line on stderr (redrawn in a terminal, printed once in a log). */
  progress(label: string, done: number, total: number): void;
}

export interface BenchRow {
  benchmark: string;
  /** Named figures, printed as table columns: e.g. { 'p95 ms': 41.2, 'throughput /s': 2400 }. */
  figures: Record<string, number | string>;
  /** The target in words, e.g. "p95 < 200 ms". */
  target?: string;
  /** Whether the target was met (undefined when there is none). */
  met?: boolean;
}

export interface BenchSection {
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}
