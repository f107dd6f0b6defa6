/**
 * The triage queue: open orphan cases, oldest in triage first or sorted by a column (the legal receipt time among
 * them), one page at a time from the service with page jumps, counts by reason, filters in the URL (shareable, back
 * button), age colours by the legal clock and claims as the service reports them.
 * Keyboard: j/k or ↓/↑ move, Enter opens, n opens the oldest case nobody else holds.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { actorName, type Sector } from '../../codes';
import { recentlyActive } from '../../components/activity';
import { Flash } from '../../components/flash';
import { useShortcuts } from '../../components/keys';
import { PageHeader } from '../../components/page-header';
import { Empty, ErrorNotice, Loading } from '../../components/status';
import { useResource, useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { href, navigate } from '../../router';
import { useSession } from '../../session';
import type { PageProps } from '../page';
import { CASE_PATH, HOME_PATH } from '../paths';
import { QueueFilters, ReasonCounts, filterFromQuery, urlQueryOf, type QueueFilter } from './queue-filters';
import { QueuePager } from './queue-pager';
import { QueueTable } from './queue-table';

const REFRESH_MS = 30_000;
const PAGE_SIZE = 50;

/** The API query of a queue filter (also used by the case page's "next case", which keeps the queue's filters). */
export function queryOf(f: QueueFilter, cursor?: string, offset?: number, limit = PAGE_SIZE) {
  return {
    reason: f.reason.length ? f.reason : undefined,
    bucType: f.bucType || undefined,
    sector: (f.sector || undefined) as Sector | undefined,
    senderCountry: (f.senderCountry || undefined) as never,
    minBusinessHours: f.minBusinessHours ? Number(f.minBusinessHours) : undefined,
    ageFrom: f.minBusinessHours ? f.ageFrom : undefined,
    mine: f.mine || undefined,
    sort: (f.sort || undefined) as never,
    cursor,
    offset: cursor ? undefined : offset,
    limit,
  };
}

/** The page's heading, with the way to the next case nobody else holds. */
function QueueHeader({ next }: { next: string | undefined }) {
  const { t } = useI18n();
  return (
    <PageHeader title={t('queue.title')} subtitle={t('queue.subtitle.legal')} actions={
      <button type="button" class="btn" onClick={() => { if (next) navigate(next); }} disabled={!next}>
        {t('queue.openNext')} <kbd>n</kbd>
      </button>
    } />
  );
}

export function QueuePage({ query }: PageProps) {
  const { t, dateTime } = useI18n();
  const { session } = useSession();
  useTitle(`${t('queue.title')} · ${t('app.name')}`);
  const filter = filterFromQuery(query);
  const page = Math.max(1, Math.trunc(Number(query.get('page') ?? '1')) || 1);
  // Rows per page: 50, or `limit` in the URL (1 to 500, as the API takes).
  const limit = Math.min(500, Math.max(1, Math.trunc(Number(query.get('limit') ?? PAGE_SIZE)) || PAGE_SIZE));
  const own = limit === PAGE_SIZE ? undefined : String(limit);
  const key = query.toString();
  const queue = useResource(() => ok(api.GET('/api/triage', { params: { query: queryOf(filter, undefined, (page - 1) * limit, limit) } })), [key]);
  const rows = useRef<Array<HTMLAnchorElement | null>>([]);
  const [selected, setSelected] = useState(0);

  useEffect(() => {
    const timer = window.setInterval(() => { if (recentlyActive()) queue.reload(); }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [queue.reload]);

  const go = (f: QueueFilter) => navigate(href(HOME_PATH, {}, { ...urlQueryOf(f), limit: own }));
  const pageHref = (n: number) => href(HOME_PATH, {}, { ...urlQueryOf(filter), limit: own, page: n > 1 ? String(n) : undefined });
  const toggleReason = (code: string) => go({ ...filter, reason: filter.reason.includes(code) ? filter.reason.filter((r) => r !== code) : [...filter.reason, code] });
  const items = queue.data?.items ?? [];
  const caseHref = (id: string) => href(CASE_PATH, { caseId: id }, { from: key || undefined });
  const pages = Math.max(1, Math.ceil((queue.data?.total ?? 0) / limit));

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
      <QueueHeader next={nextFree() ? caseHref(nextFree()!.caseId) : undefined} />
      <Flash />
      {queue.data && <ReasonCounts counts={queue.data.countsByReason} selected={filter.reason} onToggle={toggleReason} />}
      <QueueFilters value={filter} onApply={go} />
      {queue.error !== undefined && <ErrorNotice error={queue.error} onRetry={queue.reload} />}
      {queue.loading && !queue.data && <Loading />}
      {queue.data && items.length === 0 && <Empty>{key ? t('queue.emptyFiltered') : t('queue.empty')}</Empty>}
      {items.length > 0 && (
        <QueueTable items={items} sort={filter.sort} onSort={(sort) => go({ ...filter, sort: sort === 'triageSince' ? '' : sort })}
          selected={selected} onSelect={setSelected} caseHref={caseHref} rowRef={(i) => (el: HTMLAnchorElement | null) => { rows.current[i] = el; }} />
      )}
      <div class="pager">
        {queue.data && <QueuePager page={page} pages={pages} total={queue.data.total} hrefOf={pageHref} onJump={(n) => navigate(pageHref(n))} />}
        <p id="queue-keys" class="keys-hint">{t('queue.keys')}</p>
      </div>
      {queue.data && <p class="muted refreshed">{t('queue.refreshed', { time: dateTime(new Date().toISOString()) })}</p>}
    </>
  );
}
