/**
 * A small history router: paths like /cases/4410023, query strings for filters, the browser's back button.
 * The service answers index.html for every path outside /api, so a reload lands on the same page.
 * Only ids and codes go in URLs, never personal data.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const l = () => setLoc(current());
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return loc;
}

/** Matches "/cases/:caseId" against a path; the parameters are URI-decoded. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i]!;
    const seg = s[i]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(seg);
      } catch {
        return null;
      }
    } else if (part !== seg) return null;
  }
  return params;
}

/** Builds "/cases/:caseId" with its parameters encoded, plus a query string without empty values. */
export function href(pattern: string, params: Record<string, string> = {}, query?: Record<string, string | string[] | undefined>): string {
  const path = pattern.replace(/:(\w+)/g, (_m, k: string) => encodeURIComponent(params[k] ?? ''));
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined && one !== '') q.append(k, one);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ComponentChildren };

/** The click handler of an in-console link (a middle click or ctrl-click still opens a new tab). */
export function onLinkClick(to: string) {
  return (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
}

/** An <a> that navigates inside the console. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const go = onLinkClick(to);
  return (
    <a
      {...rest}
      href={to}
      onClick={(e) => {
        if (typeof onClick === 'function') onClick(e);
        go(e);
      }}
    >
      {children}
    </a>
  );
}
