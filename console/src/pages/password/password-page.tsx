/** After a password reset, the session can do nothing else until the person chooses a new password. */
import { useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import { ErrorNotice } from '../../components/status';
import { useTitle } from '../../hooks';
import { useI18n } from '../../i18n/i18n';
import { useSession } from '../../session';

export function PasswordPage() {
  const { t } = useI18n();
  const { refresh, logout } = useSession();
  useTitle(`${t('password.title')} · ${t('app.name')}`);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm !== '' && next !== confirm;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(undefined);
    try {
      await ok(api.POST('/api/session/password', { body: { currentPassword: current, newPassword: next } }));
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const input = (id: string, label: string, value: string, set: (v: string) => void, auto: string) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="password" autocomplete={auto} required value={value} onInput={(e) => set((e.currentTarget as HTMLInputElement).value)} />
    </div>
  );
  return (
    <main class="login" id="main">
      <form class="login-card" onSubmit={submit} aria-labelledby="page-title">
        <h1 id="page-title">{t('password.title')}</h1>
        <p class="login-intro">{t('password.intro')}</p>
        {input('pw-current', t('password.current'), current, setCurrent, 'current-password')}
        {input('pw-new', t('password.new'), next, setNext, 'new-password')}
        {input('pw-confirm', t('password.confirm'), confirm, setConfirm, 'new-password')}
        {mismatch && <p class="notice notice-warning" role="alert">{t('password.mismatch')}</p>}
        {error !== undefined && <ErrorNotice error={error} />}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || !current || next.length < 10 || mismatch}>{t('password.submit')}</button>
        <p class="login-lang"><button type="button" class="btn btn-ghost btn-small" onClick={() => void logout()}>{t('user.logout')}</button></p>
      </form>
    </main>
  );
}
