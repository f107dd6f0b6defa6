/**
 * `npm run report -- --month YYYY-MM | --year YYYY [--format json|csv|html] [--separator ";"] [--out DIR] [--version N]
 * [--api URL --token T]`: generates a new version of the report (an on-demand run, stored like the service's) or,
 * with --version, renders a stored one; writes it to DIR (default .) and ends with a summary table.
 *
 * On the service's own database (DATABASE_URL, or PGlite in DATA_DIR, which only one process may hold at a time:
 * stop the service first), or through a running service's HTTP API with --api (and a token that may regenerate).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config/env';
import { loadHelpdeskConfig } from '../src/helpdesk/helpdesk-config';
import { loadBucCatalogue } from '../src/reporting/buc-catalogue';
import { periodOf, type ReportKind } from '../src/reporting/period';
import { parseFormat, renderReport } from '../src/reporting/render';
import type { Report } from '../src/reporting/report-model';
import { ReportService } from '../src/reporting/report-service';
import { systemClock } from '../src/shared/clock';
import { isAppError } from '../src/shared/errors';
import { silentLogger } from '../src/shared/logger';
import { PgReportStore } from '../src/store/report-version-repository';
import { bar, colour, parseFlags, table } from './lib/cli';
import { openStore } from './lib/open-store';

const flags = parseFlags(process.argv.slice(2), {
  month: { help: 'the month to report, YYYY-MM (Europe/Paris)' },
  year: { help: 'the year to report, YYYY (with the previous year beside it)' },
  format: { default: 'html', help: 'json, csv or html' },
  separator: { default: ',', help: 'CSV separator: "," or ";" (French spreadsheets: decimal comma too)' },
  out: { default: '.', help: 'directory to write the file into' },
  version: { help: 'render this stored version instead of generating a new one' },
  api: { help: 'base URL of a running service (e.g. http://localhost:8080): go through its API' },
  token: { help: 'bearer token for --api (admin or supervisor to generate; operator to read a --version)' },
});

function step(n: number, total: number, what: string): void {
  console.error(`${colour.dim(`[${n}/${total}]`)} ${what}`);
}

async function viaApi(kind: ReportKind, period: string, version: number | undefined): Promise<Report> {
  if (!flags.token) throw new Error('--api needs --token');
  const url = `${flags.api!.replace(/\/$/, '')}/api/reports/${kind}/${period}${version ? `?version=${version}` : ''}`;
  const res = await fetch(url, { method: version ? 'GET' : 'POST', headers: { Authorization: `Bearer ${flags.token}` } });
  const body = (await res.json()) as Report & { error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`${res.status} ${body.error?.code ?? ''}: ${body.error?.message ?? res.statusText}`);
  return body;
}

async function direct(kind: ReportKind, period: string, version: number | undefined): Promise<Report> {
  const store = await openStore();
  try {
    console.error(colour.dim(`database: ${store.where}`));
    const config = loadConfig();
    const service = new ReportService({
      store: new PgReportStore(store.db), clock: systemClock, logger: silentLogger(), catalogue: loadBucCatalogue(config.configDir),
      calendars: loadHelpdeskConfig(config.configDir).calendars, notify: false,
    });
    step(2, 4, version ? `reading version ${version}` : 'computing every figure in the database (one transaction)');
    return version ? await service.get(kind, period, version, 'cli') : await service.generate({ kind, period, by: 'cli', trigger: 'on-demand' });
  } finally {
    await store.db.close();
  }
}

function summary(r: Report, file: string): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);
  const h = r.helpdesk;
  const rows = [
    { figure: 'cases received', value: r.cases.received, share: '' },
    { figure: 'forwarded automatically', value: r.cases.forwardedAutomatically, share: bar(r.cases.received ? r.cases.forwardedAutomatically / r.cases.received : 0) },
    { figure: 'forwarded after triage', value: r.cases.forwardedAfterTriage, share: bar(r.cases.received ? r.cases.forwardedAfterTriage / r.cases.received : 0) },
    { figure: 'still in triage', value: r.cases.inTriage, share: bar(r.cases.received ? r.cases.inTriage / r.cases.received : 0) },
    { figure: 'transfer rate', value: pct(r.cases.transferRate), share: '' },
    { figure: 'tickets opened / resolved', value: `${h.opened} / ${h.resolved}`, share: '' },
    { figure: 'SLA compliance (target)', value: `${pct(h.slaCompliance)} (${pct(h.slaTarget)})`, share: h.slaTargetMet === null ? '' : h.slaTargetMet ? colour.green('met') : colour.red('not met') },
    { figure: 'breaches', value: h.breachCount, share: '' },
    { figure: 'version', value: `${r.version}${r.previousVersion ? ` (${r.changes.length} figures changed since ${r.previousVersion})` : ''}`, share: '' },
    { figure: 'file', value: file, share: '' },
  ];
  return table(rows, `${r.kind === 'monthly' ? 'Monthly' : 'Yearly'} report ${r.kind === 'monthly' ? r.month : r.year}${r.provisional ? ' (provisional: the period is not over)' : ''}`);
}

async function main(): Promise<void> {
  if (Boolean(flags.month) === Boolean(flags.year)) throw new Error('give --month YYYY-MM or --year YYYY (one of them)');
  const kind: ReportKind = flags.month ? 'monthly' : 'yearly';
  const period = (flags.month ?? flags.year)!;
  periodOf(kind, period);
  const { format, separator } = parseFormat(flags.format, flags.separator);
  const version = flags.version ? Number(flags.version) : undefined;
  if (version !== undefined && !(Number.isInteger(version) && version >= 1)) throw new Error('--version must be a whole number from 1');
  const started = Date.now();
  step(1, 4, flags.api ? `asking ${flags.api}` : 'opening the database');
  const report = flags.api ? await viaApi(kind, period, version) : await direct(kind, period, version);
  step(3, 4, `rendering ${format}`);
  const out = renderReport(report, format, separator);
  mkdirSync(flags.out!, { recursive: true });
  const file = path.join(flags.out!, out.filename);
  writeFileSync(file, out.body);
  step(4, 4, `written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(summary(report, file));
}

main().catch((e: unknown) => {
  const message = isAppError(e) ? `${e.code}: ${e.message}${e.details.length ? ` (${e.details.map((d) => `${d.path}: ${d.message}`).join('; ')})` : ''}` : (e as Error).message;
  console.error(colour.red(`report: ${message}`));
  process.exit(isAppError(e) && e.status < 500 ? 2 : 1);
});
