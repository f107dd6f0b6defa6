/**
 * The shell: who is logged in, which page the path names, the navigation the session's roles allow.
 * Without a session every path leads to the login form (the page asked for is kept in ?next=).
 */
import { focusPageHeading } from './components/focus-heading';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from './i18n/i18n';
import { Layout, type NavEntry } from './components/layout';
import { Loading } from './components/status';
import { PAGES, LOGIN_PATH, HOME_PATH } from './pages';
import { LoginPage } from './pages/login/login-page';
import { NotFoundPage } from './pages/not-found/not-found-page';
import { PasswordPage } from './pages/password/password-page';
import { match, navigate, useLocation } from './router';
import { sessionRoles, useSession, type SessionRole } from './session';
import type { PageDef } from './pages/page';

function resolve(path: string): { page: PageDef; params: Record<string, string> } | null {
  for (const page of PAGES) {
    const params = match(page.path, path);
    if (params) return { page, params };
  }
  return null;
}

/** The navigation: the pages with a `nav` place that one of the session's roles opens. */
function navEntries(roles: SessionRole[]): NavEntry[] {
  return PAGES.flatMap((p) => (p.nav && p.roles.some((r) => roles.includes(r))
    ? [{ path: p.path, label: p.nav.label ?? p.title, group: p.nav.group, order: p.nav.order }]
    : []));
}

/** Only a path of the console itself may follow a login, never another site. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && next !== LOGIN_PATH ? next : HOME_PATH;
}

export function App() {
  const { session } = useSession();
  const { t } = useI18n();
  const loc = useLocation();
  const first = useRef(true);

  useEffect(() => {
    if (session === null && loc.path !== LOGIN_PATH) {
      const next = loc.path === '/' ? '' : `?next=${encodeURIComponent(loc.path + (loc.query.toString() ? `?${loc.query}` : ''))}`;
      navigate(`${LOGIN_PATH}${next}`, { replace: true });
    } else if (session && (loc.path === LOGIN_PATH || loc.path === '/')) {
      navigate(safeNext(loc.query.get('next')), { replace: true });
    }
  }, [session, loc.path]);

  // After a navigation, focus the new page's title so keyboard and screen-reader users start there.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    focusPageHeading();
  }, [loc.path]);

  // Until the effect above has moved to the path the session calls for, show no page: the login form only ever
  // appears at /login, and a page only once the session is known (no flash of the wrong page).
  const redirecting = (session === null && loc.path !== LOGIN_PATH) || (session && (loc.path === LOGIN_PATH || loc.path === '/'));
  if (session === undefined || redirecting) return <main class="boot"><Loading /></main>;
  if (session === null) {
    document.title = `${t('login.title')} · ${t('app.name')}`;
    return <LoginPage />;
  }
  if (session.mustChangePassword) return <PasswordPage />;
  const roles = sessionRoles(session);
  const nav = navEntries(roles);
  const found = resolve(loc.path);
  if (!found) return <Layout nav={nav}><NotFoundPage message={t('app.notFound')} /></Layout>;
  const { page, params } = found;
  if (!page.roles.some((r) => roles.includes(r))) {
    // The home page is the queue; a session without operator work (a help-desk agent) starts on its first page.
    const first = PAGES.find((p) => p.nav && p.roles.some((r) => roles.includes(r)));
    if (loc.path === HOME_PATH && first) {
      navigate(first.path, { replace: true });
      return null;
    }
    return <Layout nav={nav}><NotFoundPage message={t('app.forbidden')} /></Layout>;
  }
  const Page = page.component;
  return <Layout nav={nav}><Page params={params} query={loc.query} /></Layout>;
}
