/**
 * The frame around every page: the bar with who is logged in, the navigation by group, the content. The shell
 * (app.tsx) gives it the navigation entries the session may open: a component never imports the pages (issue #22).
 */
import type { ComponentChildren } from 'preact';
import { UndoToast } from './undo-toast';
import { LOCALES, useI18n, type Locale, type MessageKey } from '../i18n/i18n';
import { LoginAlert } from './login-alert';
import { Link, match, useLocation } from '../router';
import { useSession } from '../session';
import { RinaBadge } from './rina-badge';

export type NavGroup = 'work' | 'steering' | 'desk' | 'admin';
export const NAV_GROUPS: NavGroup[] = ['work', 'steering', 'desk', 'admin'];

/** One link of the navigation: a page's path, its label, its group and place in the group. */
export interface NavEntry {
  path: string;
  label: MessageKey;
  group: NavGroup;
  order: number;
}

function Nav({ entries }: { entries: NavEntry[] }) {
  const { t } = useI18n();
  const loc = useLocation();
  return (
    <nav class="nav" aria-label={t('nav.label')}>
      {NAV_GROUPS.map((group) => {
        const items = entries.filter((p) => p.group === group).sort((a, b) => a.order - b.order);
        if (!items.length) return null;
        return (
          <section class="nav-group" key={group} aria-labelledby={`nav-${group}`}>
            <h2 class="nav-group-title" id={`nav-${group}`}>{t(`nav.group.${group}`)}</h2>
            <ul>
              {items.map((p) => {
                const active = Boolean(match(p.path, loc.path)) || loc.path.startsWith(`${p.path}/`);
                return (
                  <li key={p.path}>
                    <Link to={p.path} class={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
                      {t(p.label)}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}

function UserBar() {
  const { t, locale, setLocale, dateTime } = useI18n();
  const { session, logout } = useSession();
  if (!session) return null;
  return (
    <div class="userbar">
      <span class="userbar-who">
        <span class="userbar-name">{session.username}</span>
        <span class="userbar-role">{t(`user.role.${session.role as 'operator'}`)}</span>
      </span>
      <span class="userbar-expiry" title={t('user.sessionUntil', { time: dateTime(session.expiresAt) })}>
        {t('user.sessionUntil', { time: dateTime(session.expiresAt) })}
      </span>
      <label class="userbar-lang">
        <span class="visually-hidden">{t('user.language')}</span>
        <select value={locale} onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
          {LOCALES.map((l) => <option key={l} value={l}>{l === 'fr' ? 'Français' : 'English'}</option>)}
        </select>
      </label>
      <Link to="/my-password" class="btn btn-ghost btn-small">{t('ownPassword.link')}</Link>
      <button type="button" class="btn btn-ghost btn-small" onClick={() => void logout()}>{t('user.logout')}</button>
    </div>
  );
}

export function Layout({ nav, children }: { nav: NavEntry[]; children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <div class="shell">
      <a class="skip-link" href="#main">{t('app.skip')}</a>
      <header class="topbar">
        <Link to="/triage" class="brand">
          <img class="brand-mark" src="/favicon.svg" alt="" width="22" height="22" />
          <span class="brand-name">{t('app.name')}</span>
          <span class="brand-org">{t('app.org')}</span>
        </Link>
        <RinaBadge />
        <UserBar />
      </header>
      <div class="body">
        <Nav entries={nav} />
        <main id="main" class="main" tabIndex={-1}><LoginAlert />{children}</main>
      </div>
      <UndoToast />
    </div>
  );
}
