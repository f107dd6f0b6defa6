/**
 * Replays messages from the dead queue to the queue each came from, once the cause is fixed.
 *
 *   npm run replay-dead-letters -- [--code DEP_DATABASE_DOWN] [--from liaison.intake] [--max 100] [--dry-run]
 */
import { replayDeadLetters } from '../src/bus/dead-letter-replay';
import { topologyNames } from '../src/bus/topology';
import { colour, parseFlags, progress, table } from './lib/cli';
import { serviceConfig } from './lib/config';

const config = serviceConfig();

const flags = parseFlags(process.argv.slice(2), {
  'amqp-url': { default: config.amqpUrl?.split(',')[0] ?? 'amqp://guest:guest@127.0.0.1:5672', help: 'RabbitMQ URL' },
  dead: { default: topologyNames(config.amqpNames).dead, help: 'the dead queue' },
  code: { help: 'only messages dead-lettered with this error code' },
  from: { help: 'only messages that came from this queue' },
  max: { help: 'replay at most this many' },
  'dry-run': { help: 'count what would be replayed, change nothing (give any value, e.g. --dry-run yes)' },
});

async function main(): Promise<void> {
  let bar: ReturnType<typeof progress> | undefined;
  const r = await replayDeadLetters({
    url: flags['amqp-url']!, deadQueue: flags.dead!, code: flags.code, fromQueue: flags.from,
    max: flags.max ? Number(flags.max) : undefined, dryRun: flags['dry-run'] !== undefined,
    onProgress: (seen, total) => {
      bar ??= progress(flags['dry-run'] !== undefined ? 'dry run' : 'replaying', total);
      bar.tick(seen);
    },
  });
  bar?.end();
  const rows = Object.entries(r.byQueue).map(([queue, n]) => ({ queue, [flags['dry-run'] !== undefined ? 'would replay' : 'replayed']: n }));
  console.log(table(rows, `Dead queue ${flags.dead}: ${r.seen} message(s) looked at`));
  console.log(r.kept ? colour.yellow(`${r.kept} kept in ${flags.dead} (filtered out or no original queue)`) : colour.green('nothing kept back'));
}

main().catch((e) => {
  console.error(colour.red(`replay: ${(e as Error).message}`));
  process.exit(1);
});
