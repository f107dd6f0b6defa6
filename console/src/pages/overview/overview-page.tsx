/** Overview: today's and this month's flows, what waits now, and a small chart of the last 30 days (inline SVG). */
import { api, ok, type Schemas } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';

const FLOWS = ['received', 'forwardedAutomatically', 'forwardedAfterTriage', 'toTriage', 'quarantined', 'bounced'] as const;
type Day = Schemas['Overview']['days'][number];

/** Received per day as bars, forwarded automatically as the darker part of each bar. */
function DaysChart({ days, label }: { days: Day[]; label: string }) {
  const { t } = useI18n();
  const w = 600;
  const h = 140;
  const max = Math.max(1, ...days.map((d) => d.received));
  const bw = w / days.length;
  return (
    <figure class="overview-chart">
      <svg viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-label={label} width="100%">
        {days.map((d, i) => {
          const rh = (d.received / max) * h;
          const ah = (d.forwardedAutomatically / max) * h;
          return (
            <g key={d.date}>
              <title>{`${d.date}: ${d.received} ${t('overview.flow.received')}, ${d.forwardedAutomatically} ${t('overview.flow.forwardedAutomatically')}`}</title>
              <rect x={i * bw + 1} y={h - rh} width={bw - 2} height={rh} class="bar-received" />
              <rect x={i * bw + 1} y={h - Math.min(ah, rh)} width={bw - 2} height={Math.min(ah, rh)} class="bar-auto" />
            </g>
          );
        })}
        <text x="0" y={h + 16} class="chart-axis">{days[0]?.date}</text>
        <text x={w} y={h + 16} text-anchor="end" class="chart-axis">{days.at(-1)?.date}</text>
      </svg>
      <figcaption>{t('overview.chartLegend')}</figcaption>
    </figure>
  );
}

export function OverviewPage() {
  const { t, number } = useI18n();
  useTitle(`${t('overview.title')} · ${t('app.name')}`);
  const o = useResource(() => ok(api.GET('/api/overview')), []);
  if (o.error !== undefined) return <ErrorNotice error={o.error} onRetry={o.reload} />;
  if (!o.data) return <Loading />;
  const d = o.data;
  return (
    <>
      <PageHeader title={t('overview.title')} subtitle={t('overview.subtitle', { date: d.today.date })} />
      <table class="table overview-table">
        <caption>{t('overview.flows')}</caption>
        <thead><tr><th scope="col">{t('overview.flow')}</th><th scope="col" class="num">{t('overview.today')}</th><th scope="col" class="num">{t('overview.month', { month: d.month.month })}</th></tr></thead>
        <tbody>
          {FLOWS.map((f) => (
            <tr key={f} data-flow={f}>
              <th scope="row">{t(`overview.flow.${f}` as MessageKey)}</th>
              <td class="num" data-period="today">{number(d.today[f])}</td>
              <td class="num" data-period="month">{number(d.month[f])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl class="dl overview-now">
        <dt>{t('overview.now.inTriage')}</dt><dd data-now="inTriage">{number(d.now.inTriage)}</dd>
        <dt>{t('overview.now.quarantineOpen')}</dt><dd data-now="quarantineOpen">{number(d.now.quarantineOpen)}</dd>
        <dt>{t('overview.now.ticketsAtRisk')}</dt><dd data-now="ticketsAtRisk">{number(d.now.ticketsAtRisk)}</dd>
        <dt>{t('overview.now.x007Failed')}</dt><dd data-now="x007Failed">{number(d.now.x007Failed)}</dd>
      </dl>
      <h2>{t('overview.last30')}</h2>
      <DaysChart days={d.days} label={t('overview.last30')} />
    </>
  );
}
