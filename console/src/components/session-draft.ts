/**
 * State a person is typing that must outlive a session ending mid-action (issue #20): kept in sessionStorage (this
 * tab only, gone with the tab), restored after the login, cleared once the action is done and at logout (a shared
 * computer keeps nothing of the last person's work).
 */
import { useCallback, useState } from 'preact/hooks';

const PREFIX = 'liaison-draft:';

function read<T>(key: string): T | undefined {
  try {
    const raw = window.sessionStorage.getItem(PREFIX + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  } catch {
    return undefined; // storage refused or a mangled value: start afresh
  }
}

function write(key: string, value: unknown): void {
  try {
    window.sessionStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Storage full or refused: the draft then lives as long as the page only.
  }
}

export function clearSessionDrafts(): void {
  try {
    for (const k of Object.keys(window.sessionStorage)) if (k.startsWith(PREFIX)) window.sessionStorage.removeItem(k);
  } catch {
    // nothing stored
  }
}

type Update<T> = T | ((prev: T) => T);

/** useState whose value is kept for the tab under `key`; `{clear: true}` sets the value and forgets the stored draft. */
export function useSessionDraft<T>(key: string, initial: () => T): [T, (next: Update<T>, opts?: { clear?: boolean }) => void] {
  const [value, setValue] = useState<T>(() => read<T>(key) ?? initial());
  const set = useCallback((next: Update<T>, opts: { clear?: boolean } = {}) => {
    setValue((prev) => {
      const v = typeof next === 'function' ? (next as (p: T) => T)(prev) : next;
      if (opts.clear) window.sessionStorage.removeItem(PREFIX + key);
      else write(key, v);
      return v;
    });
  }, [key]);
  return [value, set];
}
