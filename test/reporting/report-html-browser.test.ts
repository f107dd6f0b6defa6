/**
 * The HTML report in Debian's Chromium (playwright-core, never a downloaded browser): rendered from the golden
 * month's JSON, screenshotted to test-artifacts/screenshots/report/ (gitignored), the charts present, and the
 * numbers they draw equal to the JSON's. The page needs no script and loads nothing from outside.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { reportHtml } from '../../src/reporting/render-html';
import type { Report } from '../../src/reporting/report-model';
import { GOLDEN_DIR } from './support';

const SHOTS = path.resolve(__dirname, '../../test-artifacts/screenshots/report');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const report = JSON.parse(readFileSync(path.join(GOLDEN_DIR, '2027-03.json'), 'utf8')) as Report;

interface Bar { chart: string; series: string; label: string | null; value: string }

describe('the HTML report in Chromium', () => {
  let browser: Browser;
  const requests: string[] = [];
  let bars: Bar[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 800, height: 1200 }, javaScriptEnabled: false });
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(reportHtml(report), { waitUntil: 'load' });
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, '2027-03.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: path.join(SHOTS, '2027-03.pdf'), format: 'A4', printBackground: true });
    bars = await page.$$eval('svg.chart rect.bar', (rects) => rects.map((r) => ({
      chart: r.closest('svg')!.getAttribute('data-chart')!, series: r.getAttribute('data-series')!,
      label: r.getAttribute('data-label'), value: r.getAttribute('data-value')!,
    })));
    await page.close();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const valueOf = (chart: string, series: string, label?: string) =>
    bars.filter((b) => b.chart === chart && b.series === series && (label === undefined || b.label === label)).map((b) => b.value);

  it('draws every chart, with no script and no request to the outside', () => {
    expect(new Set(bars.map((b) => b.chart))).toEqual(new Set(['outcomes', 'byBucType', 'bySenderCountry', 'bySector', 'timeToForwardAutomatic', 'timeToForwardManual', 'slaCompliance', 'slaTimes', 'waiting']));
    expect(reportHtml(report)).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
  });

  it('draws the outcome of the cases with the JSON figures', () => {
    for (const key of ['forwardedAutomatically', 'forwardedAfterTriage', 'returned', 'inTriage'] as const) {
      expect(valueOf('outcomes', key)).toEqual([String(report.cases[key])]);
    }
  });

  it('draws the tables by BUC type, sending country and sector with the JSON figures', () => {
    for (const row of report.byBucType) {
      expect(valueOf('byBucType', 'received', row.bucType)).toEqual([String(row.received)]);
      expect(valueOf('byBucType', 'forwarded', row.bucType)).toEqual([String(row.forwarded)]);
      expect(valueOf('byBucType', 'sameMonthLastYearForwarded', row.bucType)).toEqual([String(row.sameMonthLastYearForwarded)]);
    }
    for (const row of report.bySenderCountry) expect(valueOf('bySenderCountry', 'forwarded', row.country)).toEqual([String(row.forwarded)]);
    for (const row of report.bySector) expect(valueOf('bySector', 'received', row.sector)).toEqual([String(row.received)]);
  });

  it('draws the times and the SLA with the JSON figures', () => {
    expect(valueOf('timeToForwardAutomatic', 'medianSeconds')).toEqual([String(report.timeToForward.automatic.medianSeconds)]);
    expect(valueOf('timeToForwardAutomatic', 'p90Seconds')).toEqual([String(report.timeToForward.automatic.p90Seconds)]);
    expect(valueOf('timeToForwardManual', 'medianSeconds')).toEqual([String(report.timeToForward.manual.medianSeconds)]);
    expect(valueOf('timeToForwardManual', 'p90Seconds')).toEqual([String(report.timeToForward.manual.p90Seconds)]);
    expect(valueOf('slaCompliance', 'compliance', 'Toutes')).toEqual([String(report.helpdesk.slaCompliance)]);
    for (const p of report.helpdesk.complianceByPolicy) expect(valueOf('slaCompliance', 'compliance', `Politique ${p.policyVersion}`)).toEqual([String(p.compliance)]);
    for (const p of report.helpdesk.resolution.byPriority) expect(valueOf('slaTimes', 'resolution', p.priority)).toEqual([String(p.medianBusinessHours)]);
    expect(valueOf('waiting', 'hours', 'Pays partenaire')).toEqual([String(report.helpdesk.waiting.counterpartBusinessHours)]);
  });
});
