/**
 * The message catalogue in use (French by default, English on request) and the dates in Europe/Paris.
 * The choice is remembered in localStorage; <html lang> follows it.
 */
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { en } from './en';
import { fr, type Catalogue, type MessageKey } from './fr';

export type Locale = 'fr' | 'en';
export const LOCALES: Locale[] = ['fr', 'en'];
const CATALOGUES: Record<Locale, Catalogue> = { fr, en };
const STORAGE_KEY = 'liaison.console.locale';
/** Every date is shown in the liaison body's zone, with the zone, whatever the browser's zone. */
export const DESK_ZONE = 'Europe/Paris';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export interface I18n {
  locale: Locale;
  setLocale(l: Locale): void;
  t: Translate;
  /** A date and time, e.g. "20/11/2026 10:14 UTC+1". */
  dateTime(iso: string | null | undefined): string;
  /** A date only, e.g. "20/11/2026". */
  date(iso: string | null | undefined): string;
  number(n: number): string;
}

function storedLocale(): Locale {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === 'en' || v === 'fr' ? v : 'fr';
  } catch {
    return 'fr';
  }
}

export function makeI18n(locale: Locale, setLocale: (l: Locale) => void): I18n {
  const cat = CATALOGUES[locale];
  const tag = locale === 'fr' ? 'fr-FR' : 'en-GB';
  const dtf = new Intl.DateTimeFormat(tag, {
    timeZone: DESK_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
  });
  const df = new Intl.DateTimeFormat(tag, { timeZone: DESK_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
  const nf = new Intl.NumberFormat(tag);
  const t: Translate = (key, params) => {
    const text = cat[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
  return {
    locale,
    setLocale,
    t,
    dateTime: (iso) => (iso ? dtf.format(new Date(iso)) : cat['app.none']),
    date: (iso) => (iso ? df.format(new Date(iso)) : cat['app.none']),
    number: (n) => nf.format(n),
  };
}

const I18nContext = createContext<I18n>(makeI18n('fr', () => undefined));

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [locale, setLocaleState] = useState<Locale>(storedLocale);
  const setLocale = useCallback((l: Locale) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Private windows may refuse storage: the choice then lasts for this page only.
    }
    setLocaleState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo(() => makeI18n(locale, setLocale), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}

export type { MessageKey };
