/**
 * Reports: every month and year with its stored versions (who generated it, when, how many figures changed),
 * the headline figures of a report, its downloads (JSON, CSV, CSV for French spreadsheets, self-contained HTML
 * with charts), and for supervisors the generation of a monthly or yearly report (a new version; the old ones stay).
 */
import { useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { GenerateReport } from './generate-report';

function MonthFigures({ month }: { month: string }) {
  const { t, number } = useI18n();
  const r = useResource(() => ok(api.GET('/api/reports/monthly/{month}', { params: { path: { month }, query: { format: 'json' } } })), [month]);
  if (r.error !== undefined) return <ErrorNotice error={r.error} />;
  if (!r.data) return <Loading />;
  const d = r.data as unknown as { version: number; cases: { received: number; forwardedAutomatically: number; forwardedAfterTriage: number; inTriage: number; transferRate: number }; envelopes: { received: number; quarantined: number } };
  return (
    <dl class="dl report-figures" aria-label={t('reports.figures', { month })}>
      <dt>{t('reports.version')}</dt><dd data-figure="version">v{d.version}</dd>
      <dt>{t('reports.envelopesReceived')}</dt><dd data-figure="envelopes.received">{number(d.envelopes.received)}</dd>
      <dt>{t('reports.casesReceived')}</dt><dd data-figure="cases.received">{number(d.cases.received)}</dd>
      <dt>{t('reports.auto')}</dt><dd data-figure="cases.forwardedAutomatically">{number(d.cases.forwardedAutomatically)}</dd>
      <dt>{t('reports.manual')}</dt><dd data-figure="cases.forwardedAfterTriage">{number(d.cases.forwardedAfterTriage)}</dd>
      <dt>{t('reports.inTriage')}</dt><dd data-figure="cases.inTriage">{number(d.cases.inTriage)}</dd>
      <dt>{t('reports.quarantined')}</dt><dd data-figure="envelopes.quarantined">{number(d.envelopes.quarantined)}</dd>
      <dt>{t('reports.transferRate')}</dt><dd data-figure="cases.transferRate">{(d.cases.transferRate * 100).toFixed(1)} %</dd>
    </dl>
  );
}

export function ReportsPage({ query }: PageProps) {
  const { t, dateTime } = useI18n();
  useTitle(`${t('reports.title')} · ${t('app.name')}`);
  const session = useSession();
  const list = useResource(() => ok(api.GET('/api/reports')), []);
  const [shown, setShown] = useState<string | null>(query.get('month'));
  const file = (kind: string, period: string, format: string) => `/api/reports/${kind}/${period}?format=${format}`;
  return (
    <>
      <PageHeader title={t('reports.title')} subtitle={t('reports.subtitle')} />
      {session.has('supervisor') && <GenerateReport onGenerated={(kind, period) => { if (kind === 'monthly') setShown(period); list.reload(); }} />}
      {list.error !== undefined && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty>{t('reports.empty')}</Empty>}
      {list.data && list.data.items.length > 0 && (
        <table class="table">
          <thead><tr><th scope="col">{t('reports.period')}</th><th scope="col">{t('reports.versions')}</th><th scope="col">{t('reports.downloads')}</th><th scope="col">{t('reports.action')}</th></tr></thead>
          <tbody>{list.data.items.map((p) => (
            <tr key={`${p.kind}${p.period}`}>
              <td>{p.period} ({t(p.kind === 'monthly' ? 'reports.monthly' : 'reports.yearly')})</td>
              <td>{p.versions.map((v) => `v${v.version} · ${dateTime(v.generatedAt)} · ${v.generatedBy}`).join(' ; ')}</td>
              <td>
                <a href={file(p.kind, p.period, 'json')} download>JSON</a>{' · '}
                <a href={file(p.kind, p.period, 'csv')} download>CSV</a>{' · '}
                <a href={file(p.kind, p.period, 'csv-fr')} download>{t('reports.csvFr')}</a>{' · '}
                <a href={file(p.kind, p.period, 'html')} target="_blank" rel="noopener">HTML</a>
              </td>
              <td>{p.kind === 'monthly' && <button type="button" class="btn btn-small" onClick={() => setShown(p.period)}>{t('reports.view', { period: p.period })}</button>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {shown && <section class="panel" aria-labelledby="report-title"><header class="panel-header"><h2 id="report-title">{t('reports.figures', { month: shown })}</h2></header><div class="panel-body"><MonthFigures month={shown} /></div></section>}
    </>
  );
}
