import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { fr, type MessageKey, type Messages } from './fr.js';
import { en } from './en.js';

export type { MessageKey } from './fr.js';

import { isLanguage, type Language } from '../../../contract/languages.js';

export { LANGUAGES, type Language } from '../../../contract/languages.js';

const CATALOGUES: Record<Language, Messages> = { fr, en };
const ONE_YEAR = 60 * 60 * 24 * 365;

// The server already chose the language (cookie, then Accept-Language) and wrote it into <html lang>.
let current: Language = isLanguage(document.documentElement.lang) ? document.documentElement.lang : 'fr';
const listeners = new Set<() => void>();

/** The language the interface is shown in. */
export function language(): Language {
  return current;
}

/** Switches the interface language, remembers it in the `lang` cookie the server reads, and re-renders. */
export function setLanguage(next: Language): void {
  document.cookie = `lang=${next}; Path=/; Max-Age=${ONE_YEAR}; SameSite=Lax`;
  if (next === current) return;
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
  const message = CATALOGUES[current][key];
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
