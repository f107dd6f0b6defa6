/**
 * Changing one's own password at any time, whatever the role (issue #20). The service ends every other session of
 * the account and rotates this one (new cookie, new CSRF token: read again with the session). A refusal of the
 * password policy is said in the console's language from its reason code.
 */
import { useState } from 'preact/hooks';
import { ApiError, api, ok } from '../../api/client';
import { PageHeader } from '../../components/page-header';
import { ErrorNotice, Notice } from '../../components/status';
import { useTitle } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n/i18n';
import { useSession } from '../../session';

export function OwnPasswordPage() {
  const { t } = useI18n();
  const { refresh } = useSession();
  useTitle(`${t('ownPassword.title')} · ${t('app.name')}`);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm !== '' && next !== confirm;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await ok(api.POST('/api/session/password', { body: { currentPassword: current, newPassword: next } }));
      await refresh(); // the new session's CSRF token
      setCurrent(''); setNext(''); setConfirm('');
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const weak = error instanceof ApiError && error.code === 'ACC_PASSWORD_WEAK' ? error.details[0]?.message : undefined;
  const input = (id: string, label: string, value: string, set: (v: string) => void, auto: string) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="password" autocomplete={auto} required value={value} onInput={(e) => set((e.currentTarget as HTMLInputElement).value)} />
    </div>
  );
  return (
    <>
      <PageHeader title={t('ownPassword.title')} subtitle={t('ownPassword.subtitle')} />
      <form class="panel own-password" onSubmit={submit} aria-label={t('ownPassword.title')}>
        <div class="panel-body">
          {input('op-current', t('ownPassword.current'), current, setCurrent, 'current-password')}
          {input('op-new', t('password.new'), next, setNext, 'new-password')}
          {input('op-confirm', t('password.confirm'), confirm, setConfirm, 'new-password')}
          {mismatch && <p class="notice notice-warning" role="alert">{t('password.mismatch')}</p>}
          {weak && <p class="notice notice-error" role="alert">{t(`ownPassword.weak.${weak}` as MessageKey)}</p>}
          {error !== undefined && !weak && <ErrorNotice error={error} />}
          {done && <Notice kind="success">{t('ownPassword.done')}</Notice>}
          <button type="submit" class="btn btn-primary" disabled={busy || !current || next.length < 10 || mismatch}>{t('password.submit')}</button>
        </div>
      </form>
    </>
  );
}
