/** Small hooks shared by the pages. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; resolves once that load has settled, with its data (undefined when it failed or was overtaken). */
  reload(): Promise<T | undefined>;
}

/** Loads with `load` whenever `deps` change; an answer to an older request never overwrites a newer one. */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const waiting = useRef<Array<(data: T | undefined) => void>>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    const settle = (data: T | undefined) => {
      const callers = waiting.current;
      waiting.current = [];
      for (const resolve of callers) resolve(data);
    };
    load().then(
      (data) => {
        if (mine !== seq.current) return;
        setState({ data, loading: false });
        settle(data);
      },
      (error: unknown) => {
        if (mine !== seq.current) return;
        setState((s) => ({ data: s.data, error, loading: false }));
        settle(undefined);
      },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => new Promise<T | undefined>((resolve) => {
    waiting.current.push(resolve);
    setTick((n) => n + 1);
  }), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Sets the document title for as long as the page is shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
