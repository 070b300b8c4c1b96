import type { WidgetTexts } from '../api.ts';
import { EN } from './en.ts';

/** Languages besides English, each a chunk the server serves at /widget-i18n-<language>.js. */
export const LANGUAGES = ['de'];

/** The language asked for, else the page's `<html lang>`, else the browser's; two letters. */
const pick = (language?: string) => (language || document.documentElement.lang || navigator.language || '').slice(0, 2).toLowerCase();

/**
 * The texts to show: English, under the language's chunk when there is one (English if it
 * fails to load), under the site's overrides.
 */
export async function loadTexts(serverOrigin: string, language?: string, overrides?: Partial<WidgetTexts>): Promise<WidgetTexts> {
  const code = pick(language);
  let texts = EN;
  if (LANGUAGES.includes(code))
    try {
      texts = (await import(/* @vite-ignore */ `${serverOrigin}/widget-i18n-${code}.js`)).default;
    } catch {
      // English rather than no widget
    }
  return { ...EN, ...texts, ...overrides };
}

/** Fills `{agent}`, `{name}`, `{ms}` in a text. */
export const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (all, key) => String(values[key] ?? all));
