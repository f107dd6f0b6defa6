/**
 * Publishes realistic synthetic envelopes (2024 BUC mix, French and foreign residences, French PINs, a few
 * malformed inputs) to a RUNNING service, over HTTP or RabbitMQ, so a new user sees traffic within a minute.
 *
 *   npm run simulate -- --count 200 [--via http|amqp] [--url http://127.0.0.1:8080] [--token …] [--seed 1]
 */
import { connect } from 'amqplib';
import { topologyNames } from '../src/bus/topology';
import { generateEnvelopes, isMalformed } from '../src/simulation/synthetic';
import { colour, parseFlags, progress, table } from './lib/cli';
import { serviceConfig, toolSettings } from './lib/config';

const config = serviceConfig();

const flags = parseFlags(process.argv.slice(2), {
  count: { default: '100', help: 'how many inputs to send' },
  via: { default: 'http', help: 'http or amqp' },
  url: { default: toolSettings.serviceUrl ?? `http://127.0.0.1:${config.port}`, help: 'service base URL (http)' },
  token: { default: config.bootstrapToken, help: 'bearer token with the intake scope (http); default $BOOTSTRAP_TOKEN' },
  'amqp-url': { default: config.amqpUrl?.split(',')[0] ?? 'amqp://guest:guest@127.0.0.1:5672', help: 'RabbitMQ URL (amqp)' },
  queue: { default: topologyNames(config.amqpNames).intake, help: 'intake queue (amqp)' },
  seed: { default: String(Date.now() % 100000), help: 'random seed (same seed, same envelopes)' },
  malformed: { default: '0.03', help: 'share of malformed inputs' },
  from: { default: new Date(Date.now() - 7 * 86400_000).toISOString(), help: 'legalDeliveryAt window start' },
  to: { default: new Date().toISOString(), help: 'legalDeliveryAt window end' },
  wait: { default: '30', help: 'seconds to wait for routing before the summary of what became of the traffic' },
});

async function main(): Promise<void> {
  const count = Number(flags.count);
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be a positive whole number');
  if (flags.via !== 'http' && flags.via !== 'amqp') throw new Error('--via must be http or amqp');
  const items = generateEnvelopes({ count, seed: flags.seed!, from: flags.from!, to: flags.to!, malformedShare: Number(flags.malformed) });
  const tally: Record<string, number> = {};
  const count1 = (k: string) => { tally[k] = (tally[k] ?? 0) + 1; };
  const bar = progress(`simulate via ${flags.via}`, items.length);
  const started = Date.now();

  if (flags.via === 'http') {
    if (!flags.token) throw new Error('an intake token is needed: --token or BOOTSTRAP_TOKEN');
    for (const [i, item] of items.entries()) {
      const body = isMalformed(item) ? item.raw : JSON.stringify(item);
      const res = await fetch(`${flags.url}/api/envelopes`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${flags.token}` } });
      const json = (await res.json().catch(() => ({}))) as { status?: string; error?: { code?: string } };
      count1(json.status ?? json.error?.code ?? `HTTP ${res.status}`);
      bar.tick(i + 1);
    }
  } else {
    const conn = await connect(flags['amqp-url']!);
    const ch = await conn.createConfirmChannel();
    for (const [i, item] of items.entries()) {
      const body = Buffer.from(isMalformed(item) ? item.raw : JSON.stringify(item));
      ch.sendToQueue(flags.queue!, body, { persistent: true, contentType: 'application/json', messageId: isMalformed(item) ? undefined : item.envelopeId });
      count1(isMalformed(item) ? 'published (malformed)' : 'published');
      if ((i + 1) % 100 === 0 || i + 1 === items.length) {
        await ch.waitForConfirms();
        bar.tick(i + 1);
      }
    }
    await ch.close();
    await conn.close();
  }
  bar.end();
  const seconds = (Date.now() - started) / 1000;
  console.log(table(Object.entries(tally).sort((a, b) => b[1] - a[1]).map(([outcome, n]) => ({ outcome, count: n, share: `${((n / items.length) * 100).toFixed(1)}%` })), 'What intake answered'));
  console.log(colour.green(`${items.length} inputs in ${seconds.toFixed(1)} s (${(items.length / seconds).toFixed(0)}/s), seed ${flags.seed}`));
  if (flags.token && flags.url) await whatBecameOfIt(items, tally);
}

/**
 * Asks the service what became of each envelope sent (GET /api/cases?envelopeId=…: the case's status, no personal
 * data), waiting up to --wait seconds for routing to catch up; then prints forwarded / in triage / returned /
 * quarantined / not yet routed.
 */
async function whatBecameOfIt(items: ReturnType<typeof generateEnvelopes>, intake: Record<string, number>): Promise<void> {
  const envelopes = items.filter((i) => !isMalformed(i)) as Array<{ envelopeId: string }>;
  const fate = new Map<string, string>();
  const deadline = Date.now() + Number(flags.wait) * 1000;
  const bar = progress('asking the service', envelopes.length);
  while (fate.size < envelopes.length && Date.now() < deadline) {
    const open = envelopes.filter((e) => !fate.has(e.envelopeId));
    for (let i = 0; i < open.length; i += 8) {
      await Promise.all(open.slice(i, i + 8).map(async (e) => {
        const res = await fetch(`${flags.url}/api/cases?envelopeId=${encodeURIComponent(e.envelopeId)}`, { headers: { authorization: `Bearer ${flags.token}` } });
        const body = (await res.json().catch(() => ({}))) as { items?: Array<{ status: string }> };
        if (body.items?.[0]) fate.set(e.envelopeId, body.items[0].status);
      }));
      bar.tick(fate.size);
    }
    if (fate.size < envelopes.length) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  bar.end();
  const counts: Record<string, number> = { forwarded: 0, triage: 0, returned: 0 };
  for (const status of fate.values()) counts[status] = (counts[status] ?? 0) + 1;
  const quarantined = flags.via === 'http'
    ? Object.entries(intake).filter(([k]) => /^(VAL|INT|REQ)_/.test(k)).reduce((n, [, v]) => n + v, 0)
    : items.length - envelopes.length;
  const rows = [
    { outcome: colour.green('forwarded'), count: counts.forwarded },
    { outcome: colour.yellow('in triage'), count: counts.triage },
    { outcome: 'returned', count: counts.returned },
    { outcome: colour.red(flags.via === 'http' ? 'quarantined' : 'sent malformed (quarantined)'), count: quarantined },
    { outcome: colour.dim('not yet routed (or quarantined)'), count: envelopes.length - fate.size },
  ].map((r) => ({ ...r, share: `${((r.count / items.length) * 100).toFixed(1)}%`, bar: bar20(r.count / items.length) }));
  console.log(table(rows, 'What became of the traffic (asked from the service)'));
}

const bar20 = (share: number) => '█'.repeat(Math.round(share * 20)).padEnd(20, '░');

main().catch((e) => {
  console.error(colour.red(`simulate: ${(e as Error).message}`));
  process.exit(1);
});
