/** The help desk's domain (src/helpdesk) imports no infrastructure library: only web, bus, store, scheduler and service files may. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DOMAIN = path.resolve(__dirname, '../../src/helpdesk');
const FORBIDDEN = ['express', 'amqplib', 'pg', '@electric-sql/pglite', 'node-cron'];
const FORBIDDEN_LOCAL = ['/store/', '/web/', '/scheduler/', '/bus/broker', '/bus/consumer', '/bus/publisher'];

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('src/helpdesk dependencies', () => {
  const files = readdirSync(DOMAIN).filter((f) => f.endsWith('.ts'));

  test('there are files to check', () => {
    expect(files).toEqual(expect.arrayContaining(['ticket-service.ts', 'sla-clock.ts']));
  });

  test.each(files)('%s imports no infrastructure library and no adapter', (file) => {
    const offending = importsOf(path.join(DOMAIN, file)).filter((spec) =>
      FORBIDDEN.some((lib) => spec === lib || spec.startsWith(`${lib}/`)) || FORBIDDEN_LOCAL.some((p) => spec.includes(p.slice(1)) && spec.startsWith('..')));
    expect(offending).toEqual([]);
  });

  test('no domain file reads the wall clock', () => {
    const offending = files.filter((f) => /new Date\(\)|Date\.now\(\)/.test(readFileSync(path.join(DOMAIN, f), 'utf8')));
    expect(offending).toEqual([]);
  });
});
