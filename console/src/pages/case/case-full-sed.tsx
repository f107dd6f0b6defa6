/**
 * "SED complet": the whole SED of each envelope of the case, folded by default and loaded only when the operator
 * opens it (each load is a read of personal data the service records in the audit trail, as the page says).
 * Shown as a readable tree (coded values `{value: [...]}` as their codes), or as the JSON received.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { ErrorNotice, Loading } from '../../components/status';
import { useI18n } from '../../i18n/i18n';

type SedAnswer = Schemas['CaseSed'];

/** A CDM coded value (`{ value: ["01"] }`) as its code(s). */
function codedValue(v: unknown): string | null {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const value = (v as { value?: unknown }).value;
    if (keys.length === 1 && Array.isArray(value) && value.every((x) => typeof x === 'string' || typeof x === 'number')) return value.join(', ');
  }
  return null;
}

function Tree({ value }: { value: unknown }): ComponentChildren {
  if (value === null || value === undefined) return <span class="muted">—</span>;
  if (typeof value !== 'object') return <span class="sed-value">{String(value)}</span>;
  const code = codedValue(value);
  if (code !== null) return <code>{code}</code>;
  if (Array.isArray(value)) {
    if (!value.length) return <span class="muted">—</span>;
    return <ol class="sed-list">{value.map((v, i) => <li key={i}><Tree value={v} /></li>)}</ol>;
  }
  return (
    <dl class="sed-tree">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}><Tree value={v} /></dd>])}
    </dl>
  );
}

function SedBodies({ data }: { data: SedAnswer }) {
  const { t, dateTime } = useI18n();
  const [raw, setRaw] = useState(false);
  return (
    <div class="panel-body">
      <label class="sed-raw-toggle"><input type="checkbox" checked={raw} onChange={(e) => setRaw(e.currentTarget.checked)} /> {t('case.sed.raw')}</label>
      {data.envelopes.map((e) => (
        <article key={e.envelopeId} class="sed-envelope" aria-label={t('case.sed.envelope', { sedType: e.sedType, envelopeId: e.envelopeId })}>
          <h3>{e.sedType} <code class="muted">{e.envelopeId}</code> <span class="muted">{dateTime(e.legalDeliveryAt)}</span></h3>
          {e.sed === null
            ? <p class="muted">{t('case.sed.purged')}</p>
            : raw ? <pre class="raw-input">{JSON.stringify(e.sed, null, 2)}</pre> : <Tree value={e.sed} />}
        </article>
      ))}
    </div>
  );
}

export function CaseFullSed({ caseId }: { caseId: string }) {
  const { t } = useI18n();
  const [data, setData] = useState<SedAnswer>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const load = async () => {
    if (data || loading) return;
    setLoading(true);
    setError(undefined);
    try {
      setData(await ok(api.GET('/api/cases/{caseId}/sed', { params: { path: { caseId } } })));
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  return (
    <section class="panel full-sed" aria-labelledby="full-sed-title">
      <details onToggle={(e) => { if ((e.currentTarget as HTMLDetailsElement).open) void load(); }}>
        <summary class="panel-header">
          <h2 id="full-sed-title">{t('case.sed.title')}</h2>
          <span class="facts-note">{t('case.sed.note')}</span>
        </summary>
        {loading && <Loading />}
        {error !== undefined && <ErrorNotice error={error} onRetry={() => void load()} />}
        {data && <SedBodies data={data} />}
      </details>
    </section>
  );
}
