/**
 * The last 30 days as a bar chart with axes and values: SEDs received per day (light), forwarded automatically
 * (dark part), a y axis with graduations, French (or English) day labels on the x axis, each bar's value above it,
 * and the same figures as a table for screen readers and copying.
 */
import type { Schemas } from '../../api/client';
import { useI18n } from '../../i18n/i18n';

type Day = Schemas['Overview']['days'][number];

const W = 720;
const H = 180;
const LEFT = 40;
const TOP = 14;
const BOTTOM = 34;

/** Whole graduations from 0: a step of 1, 2 or 5 × 10^n giving at most five intervals, the top a multiple of it. */
function ticksOf(max: number): number[] {
  const top = Math.max(1, max);
  let step = 1;
  for (let mag = 1; top / step > 5; mag *= 10) step = [1, 2, 5, 10].map((m) => m * mag).find((s) => top / s <= 5) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < top + step; v += step) ticks.push(v);
  return ticks;
}

export function DaysChart({ days, label }: { days: Day[]; label: string }) {
  const { t, number, locale } = useI18n();
  const dayLabel = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
  const short = (d: string) => dayLabel.format(new Date(`${d}T00:00:00Z`));
  const ticks = ticksOf(Math.max(0, ...days.map((d) => d.received)));
  const top = ticks[ticks.length - 1] || 1;
  const plotW = W - LEFT - 8;
  const bw = plotW / Math.max(1, days.length);
  const y = (v: number) => TOP + H - (v / top) * H;
  return (
    <figure class="overview-chart">
      <svg viewBox={`0 0 ${W} ${TOP + H + BOTTOM}`} role="img" aria-label={label} width="100%">
        {ticks.map((v) => (
          <g key={`y${v}`}>
            <line x1={LEFT} x2={W - 8} y1={y(v)} y2={y(v)} class="chart-grid" />
            <text x={LEFT - 6} y={y(v) + 4} text-anchor="end" class="chart-axis">{number(v)}</text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = LEFT + i * bw;
          const rh = (d.received / top) * H;
          const ah = (Math.min(d.forwardedAutomatically, d.received) / top) * H;
          return (
            <g key={d.date}>
              <title>{`${short(d.date)} : ${number(d.received)} ${t('overview.flow.received')}, ${number(d.forwardedAutomatically)} ${t('overview.flow.forwardedAutomatically')}`}</title>
              <rect x={x + 1} y={TOP + H - rh} width={Math.max(1, bw - 2)} height={rh} class="bar-received" />
              <rect x={x + 1} y={TOP + H - ah} width={Math.max(1, bw - 2)} height={ah} class="bar-auto" />
              {d.received > 0 && <text x={x + bw / 2} y={TOP + H - rh - 3} text-anchor="middle" class="chart-value">{number(d.received)}</text>}
              {i % 5 === (days.length - 1) % 5 && <text x={x + bw / 2} y={TOP + H + 16} text-anchor="middle" class="chart-axis">{short(d.date)}</text>}
            </g>
          );
        })}
        <line x1={LEFT} x2={LEFT} y1={TOP} y2={TOP + H} class="chart-axis-line" />
        <line x1={LEFT} x2={W - 8} y1={TOP + H} y2={TOP + H} class="chart-axis-line" />
        <text x={LEFT} y={TOP + H + 30} class="chart-axis">{t('overview.chart.xAxis')}</text>
        <text x={4} y={TOP - 4} class="chart-axis">{t('overview.chart.yAxis')}</text>
      </svg>
      <figcaption>{t('overview.chartLegend')}</figcaption>
      <details class="chart-data">
        <summary>{t('overview.chart.data')}</summary>
        <table class="table">
          <caption class="visually-hidden">{label}</caption>
          <thead><tr><th scope="col">{t('overview.chart.day')}</th><th scope="col" class="num">{t('overview.flow.received')}</th><th scope="col" class="num">{t('overview.flow.forwardedAutomatically')}</th><th scope="col" class="num">{t('overview.flow.toTriage')}</th></tr></thead>
          <tbody>
            {days.map((d) => <tr key={d.date}><th scope="row">{short(d.date)}</th><td class="num">{number(d.received)}</td><td class="num">{number(d.forwardedAutomatically)}</td><td class="num">{number(d.toTriage)}</td></tr>)}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
