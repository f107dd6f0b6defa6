/**
 * After a password reset, the session can do nothing else until the person chooses a new password: the form of
 * components/password-form.tsx (the one of the own-password page), on the login card, with a way out.
 */
import { PasswordForm } from '../../components/password-form';
import { useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session';

export function PasswordPage() {
  const { t } = useI18n();
  const { logout } = useSession();
  useTitle(`${t('password.title')} · ${t('app.name')}`);
  return (
    <main class="login" id="main">
      <PasswordForm idPrefix="pw" currentLabel="password.current" formClass="login-card" buttonClass="btn btn-primary btn-block" labelledBy="page-title"
        head={<><h1 id="page-title">{t('password.title')}</h1><p class="login-intro">{t('password.intro')}</p></>}
        foot={<p class="login-lang"><button type="button" class="btn btn-ghost btn-small" onClick={() => void logout()}>{t('user.logout')}</button></p>} />
    </main>
  );
}
