/**
 * Paging through a long queue: "page 3 of 204", first / previous / next / last, and a jump to a page number. The
 * page is in the URL (`page=3`); the API answers it by offset with the total under the filters.
 */
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';

interface PagerProps {
  page: number;
  pages: number;
  total: number;
  /** The console URL of page n. */
  hrefOf: (n: number) => string;
  onJump: (n: number) => void;
}

export function QueuePager({ page, pages, total, hrefOf, onJump }: PagerProps) {
  const { t, number } = useI18n();
  const [draft, setDraft] = useState(String(page));
  useEffect(() => setDraft(String(page)), [page]);
  if (pages <= 1) return <p class="pager-status">{t('queue.pageOf', { page: number(1), pages: number(1), total: number(total) })}</p>;
  return (
    <div class="pager-nav" role="group" aria-label={t('queue.pages')}>
      {page > 1 && <Link to={hrefOf(1)} class="btn btn-small">{t('queue.first')}</Link>}
      {page > 1 && <Link to={hrefOf(page - 1)} class="btn btn-small">{t('queue.previous')}</Link>}
      <span class="pager-status" aria-live="polite">{t('queue.pageOf', { page: number(page), pages: number(pages), total: number(total) })}</span>
      {page < pages && <Link to={hrefOf(page + 1)} class="btn btn-small">{t('queue.next')}</Link>}
      {page < pages && <Link to={hrefOf(pages)} class="btn btn-small">{t('queue.last')}</Link>}
      <form class="pager-jump" onSubmit={(e) => {
        e.preventDefault();
        const n = Math.trunc(Number(draft));
        if (Number.isFinite(n)) onJump(Math.max(1, Math.min(pages, n)));
      }}>
        <label for="pager-page">{t('queue.jumpTo')}</label>
        <input id="pager-page" type="number" min={1} max={pages} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} class="input-narrow" />
        <button type="submit" class="btn btn-small btn-ghost">{t('queue.jump')}</button>
      </form>
    </div>
  );
}
