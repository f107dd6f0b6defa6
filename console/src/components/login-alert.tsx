/**
 * Told once, right after the login (issue #21): failed logins on this account since its last successful one. The
 * service counts them from every address; someone may be trying the account.
 */
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session';

export function LoginAlert() {
  const { t } = useI18n();
  const { session } = useSession();
  const [dismissed, setDismissed] = useState(false);
  const n = session?.failedLoginsSinceLastLogin ?? 0;
  if (n === 0 || dismissed) return null;
  return (
    <div class="notice notice-warning login-alert" role="alert">
      {t('loginAlert.text', { n: String(n) })}{' '}
      <button type="button" class="btn btn-small btn-ghost" onClick={() => setDismissed(true)}>{t('app.close')}</button>
    </div>
  );
}
