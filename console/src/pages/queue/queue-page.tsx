/**
 * The triage queue: open orphan cases, oldest first, one page at a time from the service, with counts by reason,
 * filters in the URL (shareable, back button), age colours and claims as the service reports them.
 * Keyboard: j/k or ↓/↑ move, Enter opens, n opens the oldest case nobody else holds.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { actorName, type Sector } from '../../codes';
import { recentlyActive } from '../../components/activity';
import { Badge, type Tone } from '../../components/badge';
import { Flash } from '../../components/flash';
import { useShortcuts } from '../../components/keys';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { Link, href, navigate, onLinkClick } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { CASE_PATH, HOME_PATH } from '../paths';
import { QueueFilters, ReasonCounts, filterFromQuery, reasonLabel, type QueueFilter } from './queue-filters';

type TriageItem = Schemas['TriageItem'];
const REFRESH_MS = 30_000;
export const AGE_TONE: Record<TriageItem['age']['class'], Tone> = { fresh: 'ok', old: 'warn', overdue: 'danger' };

/** The API query of a queue filter (also used by the case page's "next case", which keeps the queue's filters). */
export function queryOf(f: QueueFilter, cursor?: string) {
  return {
    reason: f.reason.length ? f.reason : undefined,
    bucType: f.bucType || undefined,
    sector: (f.sector || undefined) as Sector | undefined,
    senderCountry: (f.senderCountry || undefined) as never,
    minAgeHours: f.minAgeHours ? Number(f.minAgeHours) : undefined,
    cursor,
    limit: 50,
  };
}

function ClaimCell({ claim }: { claim: TriageItem['claim'] }) {
  const { t, dateTime } = useI18n();
  const { session } = useSession();
  if (!claim) return <span class="muted">{t('app.none')}</span>;
  const who = actorName(claim.by);
  const mine = who === session?.username;
  return <Badge tone={mine ? 'info' : 'warn'} title={t('queue.claimedBy', { by: who, until: dateTime(claim.until) })}>{mine ? t('queue.claimedByYou') : who}</Badge>;
}

export function QueuePage({ query }: PageProps) {
  const { t, dateTime, number, locale } = useI18n();
  const { session } = useSession();
  useTitle(`${t('queue.title')} · ${t('app.name')}`);
  const filter = filterFromQuery(query);
  const cursor = query.get('cursor') ?? undefined;
  const key = query.toString();
  const queue = useResource(() => ok(api.GET('/api/triage', { params: { query: queryOf(filter, cursor) } })), [key]);
  const rows = useRef<Array<HTMLAnchorElement | null>>([]);
  const [selected, setSelected] = useState(0);

  useEffect(() => {
    const timer = window.setInterval(() => { if (recentlyActive()) queue.reload(); }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [queue.reload]);

  const go = (f: QueueFilter) => navigate(href(HOME_PATH, {}, { reason: f.reason, bucType: f.bucType, sector: f.sector, senderCountry: f.senderCountry, minAgeHours: f.minAgeHours }));
  const toggleReason = (code: string) => go({ ...filter, reason: filter.reason.includes(code) ? filter.reason.filter((r) => r !== code) : [...filter.reason, code] });
  const items = queue.data?.items ?? [];
  const caseHref = (id: string) => href(CASE_PATH, { caseId: id }, { from: key || undefined });

  const move = (delta: number) => {
    if (!items.length) return;
    const next = Math.max(0, Math.min(items.length - 1, (document.activeElement && rows.current.includes(document.activeElement as HTMLAnchorElement) ? selected : selected - delta) + delta));
    setSelected(next);
    rows.current[next]?.focus();
  };
  const nextFree = () => items.find((c) => !c.claim || actorName(c.claim.by) === session?.username);
  useShortcuts({
    j: () => move(1), ArrowDown: () => move(1), k: () => move(-1), ArrowUp: () => move(-1),
    n: () => { const c = nextFree(); if (c) navigate(caseHref(c.caseId)); },
  });

  return (
    <>
      <PageHeader title={t('queue.title')} subtitle={t('queue.subtitle')} actions={
        <button type="button" class="btn" onClick={() => { const c = nextFree(); if (c) navigate(caseHref(c.caseId)); }} disabled={!nextFree()}>
          {t('queue.openNext')} <kbd>n</kbd>
        </button>
      } />
      <Flash />
      {queue.data && <ReasonCounts counts={queue.data.countsByReason} selected={filter.reason} onToggle={toggleReason} />}
      <QueueFilters value={filter} onApply={go} />
      {queue.error !== undefined && <ErrorNotice error={queue.error} onRetry={queue.reload} />}
      {queue.loading && !queue.data && <Loading />}
      {queue.data && items.length === 0 && <Empty>{key ? t('queue.emptyFiltered') : t('queue.empty')}</Empty>}
      {items.length > 0 && (
        <table class="table queue-table" aria-describedby="queue-keys">
          <caption class="visually-hidden">{t('queue.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('queue.col.case')}</th>
              <th scope="col">{t('queue.col.age')}</th>
              <th scope="col">{t('queue.col.reason')}</th>
              <th scope="col">{t('queue.col.buc')}</th>
              <th scope="col">{t('queue.col.sender')}</th>
              <th scope="col">{t('queue.col.since')}</th>
              <th scope="col" class="num">{t('queue.col.envelopes')}</th>
              <th scope="col">{t('queue.col.claim')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c, i) => (
              <tr key={c.caseId} class={`age-${c.age.class}${i === selected ? ' selected' : ''}`}>
                <td>
                  <a href={caseHref(c.caseId)} onClick={onLinkClick(caseHref(c.caseId))} class="case-link"
                    ref={(el) => { rows.current[i] = el; }} onFocus={() => setSelected(i)}>
                    {c.caseId}
                  </a>
                </td>
                <td><Badge tone={AGE_TONE[c.age.class]}>{t(`queue.age.${c.age.class}`)}</Badge> <span class="age-hours">{t('queue.ageHours', { n: number(c.age.businessHours) })}</span></td>
                <td><span class="reason">{reasonLabel(t, c.triageReason)}</span>{c.explanation && locale !== 'fr' && <span class="explanation" title={c.explanation}>{c.explanation}</span>}</td>
                <td><code>{c.bucType}</code></td>
                <td><span class="country">{c.senderCountry}</span> <code class="muted">{c.senderInstitutionId}</code></td>
                <td class="nowrap">{dateTime(c.triageSince)}</td>
                <td class="num">{c.envelopes}</td>
                <td><ClaimCell claim={c.claim} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        {cursor && <Link to={href(HOME_PATH, {}, { ...Object.fromEntries(query), cursor: undefined, reason: filter.reason })} class="btn btn-small">{t('queue.first')}</Link>}
        {queue.data?.nextCursor && <Link to={href(HOME_PATH, {}, { ...Object.fromEntries(query), reason: filter.reason, cursor: queue.data.nextCursor })} class="btn btn-small">{t('queue.next')}</Link>}
        <p id="queue-keys" class="keys-hint">{t('queue.keys')}</p>
      </div>
      {queue.data && <p class="muted refreshed">{t('queue.refreshed', { time: dateTime(new Date().toISOString()) })}</p>}
    </>
  );
}
