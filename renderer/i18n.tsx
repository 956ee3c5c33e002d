import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

/** The UI's languages. */
export type Lang = 'en' | 'ru';
export const LANGS: Record<Lang, string> = { en: 'English', ru: 'Русский' };

/**
 * A page's strings in every language; the Russian table must have exactly the English keys.
 *
 * @example const S = defineStrings({ en: { title: 'Dashboard' }, ru: { title: 'Обзор' } });
 */
export function defineStrings<K extends string>(tables: { en: Record<K, string>; ru: Record<K, string> }) {
  return tables;
}

const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({
  lang: 'en',
  setLang: () => undefined,
});

function initialLang(): Lang {
  const saved = localStorage.getItem('hotpot.lang');
  if (saved === 'en' || saved === 'ru') return saved;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('hotpot.lang', l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo(() => ({ lang, setLang }), [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

/** The current language and its setter. */
export function useLang() {
  return useContext(LangContext);
}

/** `t(key, {n: 3})` over a page's tables; `{name}` placeholders are filled from vars. */
export function useT<K extends string>(tables: { en: Record<K, string>; ru: Record<K, string> }) {
  const { lang } = useLang();
  return useCallback(
    (key: K, vars?: Record<string, string | number>) => {
      let s = tables[lang][key] ?? tables.en[key];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    },
    [lang, tables],
  );
}

/** Formats numbers and times for the current language. */
export function useFormat() {
  const { lang } = useLang();
  return useMemo(() => {
    const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
    const num = new Intl.NumberFormat(locale);
    const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
    return { number: (n: number) => num.format(n), time: (ms: number) => time.format(new Date(ms)) };
  }, [lang]);
}
