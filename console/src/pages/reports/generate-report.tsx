/**
 * A supervisor's form to generate a new version of a report: monthly (YYYY-MM) or yearly (YYYY). The service
 * refuses a period not yet started and names why; the old versions stay.
 */
import { useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { Notice, ErrorNotice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';

export type ReportKind = 'monthly' | 'yearly';

export function GenerateReport({ onGenerated }: { onGenerated: (kind: ReportKind, period: string) => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<ReportKind>('monthly');
  const [period, setPeriod] = useState('');
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setError(undefined);
    setDone(undefined);
    setBusy(true);
    try {
      if (kind === 'monthly') await ok(api.POST('/api/reports/monthly/{month}', { params: { path: { month: period } } }));
      else await ok(api.POST('/api/reports/yearly/{year}', { params: { path: { year: period } } }));
      setDone(period);
      onGenerated(kind, period);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <form class="panel panel-body inline-form" onSubmit={submit}>
        <label for="report-kind">{t('reports.kind')}</label>
        <select id="report-kind" value={kind} onChange={(e) => { setKind(e.currentTarget.value as ReportKind); setPeriod(''); }}>
          <option value="monthly">{t('reports.kind.monthly')}</option>
          <option value="yearly">{t('reports.kind.yearly')}</option>
        </select>
        <label for="report-month">{t(kind === 'monthly' ? 'reports.month' : 'reports.year')}</label>
        <input id="report-month" value={period} placeholder={kind === 'monthly' ? '2026-11' : '2026'} pattern={kind === 'monthly' ? '[0-9]{4}-[0-9]{2}' : '[0-9]{4}'}
          onInput={(e) => setPeriod(e.currentTarget.value)} required />
        <button type="submit" class="btn" disabled={busy}>{t('reports.generate')}</button>
      </form>
      {done && <Notice kind="success">{t('reports.generated', { month: done })}</Notice>}
      {error !== undefined && <ErrorNotice error={error} />}
    </>
  );
}
