/**
 * `npm run rina:sim`: a RINA CPI simulator on a laptop (scripts/rina-sim/server.ts; control endpoints in admin.ts).
 *
 *   npm run rina:sim -- [--port 8090] [--user liaison --password liaison-secret] [--cases 3]
 *                       [--push http://127.0.0.1:8080 --token <intake token>] [--every 5]
 *
 * `--cases N` creates N cases at start; with `--push`, their document events are pushed to the service, and
 * `--every S` adds and pushes one more case every S seconds. Control it with `curl -X POST .../_sim/...`.
 */
import { RinaSimulator } from './rina-sim/server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const pushUrl = arg('push');
  const token = arg('token') ?? process.env.RINA_SIM_TOKEN;
  if (pushUrl && !token) throw new Error('--push needs --token (a token of scope intake) or RINA_SIM_TOKEN');
  const sim = new RinaSimulator({
    port: Number(arg('port') ?? 8090), host: arg('host') ?? '127.0.0.1', user: arg('user'), password: arg('password'),
    push: pushUrl && token ? { url: pushUrl, token } : undefined, seed: arg('seed'),
  });
  const url = await sim.start();
  const cases = Array.from({ length: Number(arg('cases') ?? 0) }, () => sim.addCase());
  console.log(`RINA CPI simulator on ${url} (user ${sim.user}); control: ${url}/_sim/state`);
  console.log(`Start the service with RINA_URL=${url} RINA_USER=${sim.user} RINA_PASSWORD=${sim.password}`);
  if (cases.length) console.log(`Cases: ${cases.map((c) => `${c.id} (${c.processDefinitionName})`).join(', ')}`);
  if (sim.push && cases.length) console.log('Pushed:', JSON.stringify(await sim.pushEvents(cases.map((c) => c.id))));
  const every = Number(arg('every') ?? 0);
  if (every > 0 && sim.push) {
    setInterval(() => {
      const c = sim.addCase();
      void sim.pushEvents([c.id]).then((r) => console.log(`case ${c.id} ${c.processDefinitionName}: event answered ${r[0]?.status}`));
    }, every * 1000);
  }
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
