/** Loading, error and empty states, said the same way on every page. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { serviceErrorText } from '../i18n/service-errors';
import { ProblemList } from './problem-list';

export function Loading() {
  const { t } = useI18n();
  return <p class="status status-loading" role="status">{t('app.loading')}</p>;
}

/** The service's error in the console's words (its code's sentence, each problem at its path), with its code for the help desk. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, locale } = useI18n();
  const e = error instanceof ApiError ? error : null;
  // The console's own sentence for the code (issue #20: French everywhere); the service's English message otherwise.
  const own = e ? serviceErrorText(locale, e.code) : undefined;
  return (
    <div class="notice notice-error" role="alert">
      <strong>{t('app.error')}</strong>{' '}
      <span>{own ?? (e ? e.message : error instanceof Error ? error.message : String(error))}</span>
      {e && <code class="error-code">{e.code}</code>}
      {e && <ProblemList class="error-details" problems={e.details} uncoded={own === undefined} />}
      {onRetry && <button type="button" class="btn btn-small" onClick={onRetry}>{t('app.retry')}</button>}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="status status-empty">{children}</p>;
}

export function Notice({ kind, children }: { kind: 'info' | 'success' | 'warning'; children: ComponentChildren }) {
  return <div class={`notice notice-${kind}`} role="status">{children}</div>;
}
