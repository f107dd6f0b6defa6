/**
 * Who is logged in. At start the console asks GET /api/session (the cookie is HttpOnly: the page cannot read
 * it); logging in answers the same shape. The CSRF token lives in memory only and is handed to the API client.
 * A 401 on any call ends the session in the page and shows the login form again.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, ok, setCsrfToken, setUnauthorizedHandler, type Schemas } from './api/client';
import { clearSessionDrafts } from './components/session-draft';

/** The roles a session holds because of its account's role (computed by the service). */
export type SessionRole = 'operator' | 'supervisor' | 'helpdesk' | 'admin';

export type SessionInfo = Schemas['Session'];

export interface SessionState {
  /** undefined while asking the service, null when nobody is logged in. */
  session: SessionInfo | null | undefined;
  /** Why the login form is shown again (expired session, logout), as a message key. */
  notice: 'expired' | 'loggedOut' | null;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Asks the service again (after a password change). */
  refresh(): Promise<void>;
  has(role: SessionRole): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

async function currentSession(): Promise<SessionInfo | null> {
  const { data, response } = await api.GET('/api/session');
  // No session (401): the login form is the way in.
  return response.status === 200 && data ? data : null;
}

/** The roles a session holds (the service derives them from the account's role). */
export function sessionRoles(s: SessionInfo): SessionRole[] {
  return s.roles;
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [notice, setNotice] = useState<SessionState['notice']>(null);

  const adopt = useCallback((s: SessionInfo | null) => {
    setCsrfToken(s?.csrfToken);
    setSession(s);
  }, []);

  useEffect(() => {
    currentSession().then(adopt, () => adopt(null));
    setUnauthorizedHandler(() => {
      setNotice('expired');
      adopt(null);
    });
    return () => setUnauthorizedHandler(undefined);
  }, [adopt]);

  const login = useCallback(async (username: string, password: string) => {
    const s = await ok(api.POST('/api/session', { body: { username, password } }));
    setNotice(null);
    adopt(s);
  }, [adopt]);

  const refresh = useCallback(async () => adopt(await currentSession()), [adopt]);

  const logout = useCallback(async () => {
    try {
      await ok(api.DELETE('/api/session'));
    } catch (e) {
      // An already expired session is logged out anyway.
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
    }
    setNotice('loggedOut');
    clearSessionDrafts();
    adopt(null);
  }, [adopt]);

  const value = useMemo<SessionState>(() => ({
    session, notice, login, logout, refresh,
    has: (role) => (session ? sessionRoles(session).includes(role) : false),
  }), [session, notice, login, logout, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
