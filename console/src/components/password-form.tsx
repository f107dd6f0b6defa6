/**
 * The password change form, for the session a reset forces to choose one (pages/password) and for changing one's
 * own at any time (pages/own-password): current, new and again; a mismatch said before sending; a refusal of the
 * password policy said in the console's language from its reason code; then the session is read again (the
 * service rotates it: new cookie, new CSRF token).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, ok } from '../api/client';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { useSession } from '../session';
import { ErrorNotice, Notice } from './status';

function PasswordField({ id, label, value, onInput, auto }: { id: string; label: string; value: string; onInput: (v: string) => void; auto: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="password" autocomplete={auto} required value={value} onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)} />
    </div>
  );
}

export interface PasswordFormProps {
  /** Prefix of the fields' ids (two forms never share a page, but their tests name them). */
  idPrefix: string;
  currentLabel: MessageKey;
  formClass: string;
  buttonClass: string;
  /** What sits above the fields (a heading) and below the button (a way out). */
  head?: ComponentChildren;
  foot?: ComponentChildren;
  label?: string;
  labelledBy?: string;
  /** Said once the password changed; without it the new session takes the person elsewhere. */
  doneText?: string;
}

export function PasswordForm({ idPrefix, currentLabel, formClass, buttonClass, head, foot, label, labelledBy, doneText }: PasswordFormProps) {
  const { t } = useI18n();
  const { refresh } = useSession();
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
  return (
    <form class={formClass} onSubmit={submit} aria-label={label} aria-labelledby={labelledBy}>
      {head}
      <PasswordField id={`${idPrefix}-current`} label={t(currentLabel)} value={current} onInput={setCurrent} auto="current-password" />
      <PasswordField id={`${idPrefix}-new`} label={t('password.new')} value={next} onInput={setNext} auto="new-password" />
      <PasswordField id={`${idPrefix}-confirm`} label={t('password.confirm')} value={confirm} onInput={setConfirm} auto="new-password" />
      {mismatch && <p class="notice notice-warning" role="alert">{t('password.mismatch')}</p>}
      {weak && <p class="notice notice-error" role="alert">{t(`ownPassword.weak.${weak}` as MessageKey)}</p>}
      {error !== undefined && !weak && <ErrorNotice error={error} />}
      {done && doneText && <Notice kind="success">{doneText}</Notice>}
      <button type="submit" class={buttonClass} disabled={busy || !current || next.length < 10 || mismatch}>{t('password.submit')}</button>
      {foot}
    </form>
  );
}
