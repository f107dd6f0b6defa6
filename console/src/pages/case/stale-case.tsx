/**
 * An action refused because the case changed since the page was loaded (another tab or operator forwarded,
 * returned or re-assigned it: 409 TRI_NOT_IN_TRIAGE, CAS_NOT_FORWARDED, CAS_NOT_RETURNED, CAS_SAME_INSTITUTION):
 * said as such in the page's language, with a button that loads the case as it is now. Other errors as always.
 */
import { ApiError } from '../../api/client';
import { ErrorNotice } from '../../components/status';
import { useI18n } from '../../i18n/i18n';

const CHANGED = new Set(['TRI_NOT_IN_TRIAGE', 'CAS_NOT_FORWARDED', 'CAS_NOT_RETURNED', 'CAS_SAME_INSTITUTION']);

export function ActionError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError && error.status === 409 && CHANGED.has(error.code))) return <ErrorNotice error={error} />;
  return (
    <div class="notice notice-error stale-case" role="alert">
      <strong>{t('case.stale.title')}</strong>{' '}
      <span>{t('case.stale.text')}</span> <code class="error-code">{error.code}</code>{' '}
      <button type="button" class="btn btn-small" onClick={() => window.location.reload()}>{t('case.stale.reload')}</button>
    </div>
  );
}
