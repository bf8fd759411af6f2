import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { fr, type MessageKey, type Messages } from './fr.js';

export type { MessageKey } from './fr.js';

import { isLanguage, type Language } from '../../../contract/languages.js';

export { LANGUAGES, type Language } from '../../../contract/languages.js';

/**
 * French, the default, is in the main bundle; every other catalogue is its own chunk, loaded only
 * when chosen (a French visitor downloads no English).
 */
const LOADERS: Record<Exclude<Language, 'fr'>, () => Promise<Messages>> = {
  en: () => import('./en.js').then((module) => module.en),
};
const catalogues: Partial<Record<Language, Messages>> = { fr };
const ONE_YEAR = 60 * 60 * 24 * 365;

/** The catalogue of `lang`, fetched the first time. */
async function loadCatalogue(lang: Language): Promise<Messages> {
  const loaded = catalogues[lang];
  if (loaded) return loaded;
  const messages = await LOADERS[lang as Exclude<Language, 'fr'>]();
  catalogues[lang] = messages;
  return messages;
}

// The server already chose the language (cookie, then Accept-Language) and wrote it into <html lang>.
let current: Language = isLanguage(document.documentElement.lang) ? document.documentElement.lang : 'fr';
// Top-level await: the app's modules wait for the visitor's catalogue, so the first paint is in their language.
if (current !== 'fr') await loadCatalogue(current).catch(() => (current = 'fr'));
const listeners = new Set<() => void>();

/** The language the interface is shown in. */
export function language(): Language {
  return current;
}

/** Switches the interface language (loading its catalogue), remembers it in the `lang` cookie the server reads, and re-renders. */
export async function setLanguage(next: Language): Promise<void> {
  document.cookie = `lang=${next}; Path=/; Max-Age=${ONE_YEAR}; SameSite=Lax`;
  if (next === current) return;
  await loadCatalogue(next);
  current = next;
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

/** Calls `listener` after every language change; returns the function that stops it. */
export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The message `key` in the current language, with `{name}` placeholders replaced from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const message = (catalogues[current] ?? fr)[key];
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Re-renders its host whenever the language changes: `new LocaleController(this)` in any element that calls `t()`. */
export class LocaleController implements ReactiveController {
  private _stop: (() => void) | null = null;

  constructor(private readonly _host: ReactiveControllerHost) {
    _host.addController(this);
  }

  hostConnected(): void {
    this._stop = onLanguageChange(() => this._host.requestUpdate());
  }

  hostDisconnected(): void {
    this._stop?.();
    this._stop = null;
  }
}
