/** The way in: username and password, the service's answer said plainly (wrong password, throttled). */
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { LOCALES, useI18n, type Locale } from '../../i18n/i18n';
import { useSession } from '../../session';

function LoginBrand() {
  const { t } = useI18n();
  return (
    <div class="login-brand">
      <img class="brand-mark" src="/favicon.svg" alt="" width="22" height="22" />
      <div>
        <p class="login-app">{t('app.name')}</p>
        <p class="login-org">{t('app.org')}</p>
      </div>
    </div>
  );
}

function LoginLanguage() {
  const { t, locale, setLocale } = useI18n();
  return (
    <div class="login-lang">
      <label for="login-lang">{t('user.language')}</label>
      <select id="login-lang" value={locale} onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
        {LOCALES.map((l) => <option key={l} value={l}>{l === 'fr' ? 'Français' : 'English'}</option>)}
      </select>
    </div>
  );
}

export function LoginPage() {
  const { t } = useI18n();
  const { login, notice } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      const throttled = err instanceof ApiError && err.status === 429;
      setError(throttled ? t('login.throttled') : err instanceof ApiError && err.status === 401 ? t('login.failed') : err instanceof Error ? err.message : String(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form class="login-card" onSubmit={submit} aria-labelledby="page-title" noValidate>
        <LoginBrand />
        <h1 id="page-title">{t('login.title')}</h1>
        <p class="login-intro">{t('login.intro')}</p>
        {notice && !error && <p class="notice notice-info" role="status">{t(notice === 'expired' ? 'app.sessionExpired' : 'login.loggedOut')}</p>}
        {error && <p class="notice notice-error" role="alert" id="login-error">{error}</p>}
        <div class="field">
          <label for="login-username">{t('login.username')}</label>
          <input id="login-username" name="username" autocomplete="username" required value={username}
            aria-describedby={error ? 'login-error' : undefined} autoFocus
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || !username || !password}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <LoginLanguage />
      </form>
    </main>
  );
}
