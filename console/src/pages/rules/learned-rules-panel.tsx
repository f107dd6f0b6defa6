/**
 * The learned rules after publication (GET /api/rules/learned): those in shadow, with how often they agreed with
 * the operators and one button to make each live (a new table version without its `shadowUntil`); the live ones,
 * with their precision so far, whether they drift and when the supervisors were told (rules.learned-drift).
 */
import { useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { ErrorNotice, Notice } from '../../components/status';
import { useResource } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

export function LearnedRulesPanel({ onPublished }: { onPublished?: () => void }) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const [tick, setTick] = useState(0);
  const learned = useResource(() => ok(api.GET('/api/rules/learned')), [tick]);
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<unknown>();
  if (!learned.data || (learned.data.shadow.length === 0 && learned.data.live.length === 0)) return null;
  const makeLive = async (ruleId: string, agreement: number | null) => {
    setError(undefined);
    try {
      const table = await ok(api.GET('/api/rules'));
      const rules = table.rules.map((r) => (r.id === ruleId ? (({ shadowUntil: _s, ...rest }) => rest)(r) : r));
      const v = await ok(api.PUT('/api/rules', { body: { rules, reason: `${ruleId} made live after shadow (agreement ${pct(agreement)})`, basedOnVersion: table.version } }));
      setDone(t('learned.madeLive', { id: ruleId, version: v.version }));
      setTick((n) => n + 1);
      onPublished?.();
    } catch (err) {
      setError(err);
    }
  };
  const { shadow, live } = learned.data;
  return (
    <section class="panel" aria-labelledby="learned-title">
      <div class="panel-header"><h2 id="learned-title">{t('learned.title')}</h2></div>
      <div class="panel-body">
        {shadow.length > 0 && (
          <table class="table"><caption>{t('learned.shadow')}</caption>
            <thead><tr><th scope="col">{t('learned.rule')}</th><th scope="col">{t('learned.until')}</th><th scope="col" class="num">{t('learned.wouldHave')}</th><th scope="col" class="num">{t('learned.agreement')}</th><th scope="col">{t('rules.action')}</th></tr></thead>
            <tbody>{shadow.map((s) => (
              <tr key={s.ruleId}>
                <td><code>{s.ruleId}</code></td><td>{s.until}</td><td class="num">{s.cases}</td>
                <td class="num">{t('rules.ofSimilar', { n: s.agreed, of: s.decidedByOperators })} ({pct(s.agreement)})</td>
                <td>{session.has('supervisor') && <button type="button" class="btn btn-small" onClick={() => void makeLive(s.ruleId, s.agreement)}>{t('learned.makeLive')}</button>}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
        {live.length > 0 && (
          <table class="table"><caption>{t('learned.live')}</caption>
            <thead><tr><th scope="col">{t('learned.rule')}</th><th scope="col" class="num">{t('learned.forwards')}</th><th scope="col" class="num">{t('learned.undone')}</th><th scope="col" class="num">{t('learned.precision')}</th></tr></thead>
            <tbody>{live.map((l) => (
              <tr key={l.ruleId}>
                <td><code>{l.ruleId}</code>{l.drifting && <strong> ({t('learned.drifting')})</strong>}
                  {l.driftNoticeSentAt && <span class="muted"> — {t('learned.driftNotified', { at: dateTime(l.driftNoticeSentAt) })}</span>}</td>
                <td class="num">{l.forwards}</td><td class="num">{l.undone}</td><td class="num">{pct(l.precision)}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
        {done && <Notice kind="success">{done}</Notice>}
        {error !== undefined && <ErrorNotice error={error} />}
      </div>
    </section>
  );
}
