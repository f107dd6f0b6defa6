// Deletes what test runs leave on the broker after a crash: queues and exchanges named t<hex>.liaison.*.
// Thousands of idle quorum queues exhaust the broker's file handles on small machines.
import { execFileSync } from 'node:child_process';
import { connect } from 'amqplib';

const url = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const list = (what) => execFileSync('rabbitmqctl', [`list_${what}`, 'name', '-q', '--no-table-headers'], { encoding: 'utf8', timeout: 120_000 })
  .split('\n').map((s) => s.trim()).filter((n) => /^t[0-9a-f]+\.liaison\./.test(n));

const queues = list('queues');
const exchanges = list('exchanges');
const conn = await connect(url);
const ch = await conn.createChannel();
for (const q of queues) await ch.deleteQueue(q);
for (const x of exchanges) await ch.deleteExchange(x);
await ch.close();
await conn.close();
console.log(`broker clean-up: ${queues.length} test queue(s), ${exchanges.length} test exchange(s) deleted`);
