/** Two rule-table versions side by side: what was added, removed, changed (field by field) and reordered. */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';

const show = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v));

export function RuleDiffView({ versions }: { versions: number[] }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(versions[1] ?? versions[0] ?? 1);
  const [to, setTo] = useState(versions[0] ?? 1);
  const [diff, setDiff] = useState<Schemas['RuleTableDiff']>();
  const [error, setError] = useState<unknown>();
  // After a publication the newest two versions are the ones worth comparing.
  useEffect(() => {
    setFrom(versions[1] ?? versions[0] ?? 1);
    setTo(versions[0] ?? 1);
  }, [versions[0]]);
  const compare = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      setDiff(await ok(api.GET('/api/rules/versions/{from}/diff/{to}', { params: { path: { from, to } } })));
    } catch (err) {
      setError(err);
    }
  };
  const pick = (id: string, value: number, set: (n: number) => void, label: string) => (
    <div class="field"><label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => set(Number(e.currentTarget.value))}>{versions.map((v) => <option key={v} value={v}>v{v}</option>)}</select>
    </div>
  );
  return (
    <section class="panel" aria-labelledby="diff-title">
      <div class="panel-header"><h2 id="diff-title">{t('rules.diff')}</h2></div>
      <div class="panel-body">
        <form class="inline-form" onSubmit={compare}>
          {pick('diff-from', from, setFrom, t('rules.diffFrom'))}
          {pick('diff-to', to, setTo, t('rules.diffTo'))}
          <button type="submit" class="btn">{t('rules.compare')}</button>
        </form>
        {error !== undefined && <ErrorNotice error={error} />}
        {diff && diff.same && <p>{t('rules.same')}</p>}
        {diff && !diff.same && (
          <ul class="rule-diff">
            {diff.added.map((a) => <li key={`a${a.rule.id}`} data-change="added">{t('rules.added', { id: a.rule.id, position: a.position + 1 })}</li>)}
            {diff.removed.map((r) => <li key={`r${r.rule.id}`} data-change="removed">{t('rules.removed', { id: r.rule.id })}</li>)}
            {diff.reordered.map((r) => <li key={`o${r.ruleId}`} data-change="reordered">{t('rules.reordered', { id: r.ruleId, from: r.from + 1, to: r.to + 1 })}</li>)}
            {diff.changed.map((c) => (
              <li key={`c${c.ruleId}`} data-change="changed">{t('rules.changed', { id: c.ruleId })}
                <ul>{c.changes.map((f) => <li key={f.field}><code>{f.field}</code> : {show(f.before)} → {show(f.after)}</li>)}</ul>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
