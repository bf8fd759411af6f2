import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { fr } from './fr.js';
import type { account } from './areas/account.js';
import type { admin } from './areas/admin.js';
import type { browse } from './areas/browse.js';
import type { catalogue } from './areas/catalogue.js';
import type { create } from './areas/create.js';
import type { diff } from './areas/diff.js';
import type { issues } from './areas/issues.js';
import type { orgs } from './areas/orgs.js';
import type { pulls } from './areas/pulls.js';
import type { releases } from './areas/releases.js';
import type { repoSettings } from './areas/repoSettings.js';

import { isLanguage, type Language } from '../../../contract/languages.js';

export { LANGUAGES, type Language } from '../../../contract/languages.js';

/**
 * Every message name, checked at compile time in every `t()` call: the core catalogue (fr.ts, the
 * shell's messages, loaded on every page) and each area of areas/ (loaded with the pages that import it).
 */
export type MessageKey =
  | keyof typeof fr
  | keyof typeof account
  | keyof typeof admin
  | keyof typeof browse
  | keyof typeof catalogue
  | keyof typeof create
  | keyof typeof diff
  | keyof typeof issues
  | keyof typeof orgs
  | keyof typeof pulls
  | keyof typeof releases
  | keyof typeof repoSettings;

/** What another language must provide for a French catalogue: exactly its keys, each a string. */
export type MessagesOf<French> = { readonly [K in keyof French]: string };

type Catalogue = Readonly<Record<string, string>>;
type OtherLanguage = Exclude<Language, 'fr'>;
/** How to fetch a catalogue in each language but French, which is always in the bundle (the default). */
type Loaders = Record<OtherLanguage, () => Promise<Catalogue>>;

/** A catalogue of messages: its French, and its other languages, each its own chunk loaded only when chosen. */
interface Area {
  readonly fr: Catalogue;
  readonly load: Loaders;
  readonly loaded: Set<Language>;
}

const areas: Area[] = [{ fr, load: { en: () => import('./en.js').then((module) => module.en) }, loaded: new Set(['fr']) }];
/** The messages known so far in each language: the areas' catalogues merged as they arrive. */
const messages: Record<Language, Record<string, string>> = { fr: { ...fr }, en: {} };
const ONE_YEAR = 60 * 60 * 24 * 365;

/** Loads, in `lang`, every area added so far that is not yet loaded in it. */
async function loadLanguage(lang: Language): Promise<void> {
  await Promise.all(
    areas.map(async (area) => {
      if (area.loaded.has(lang)) return;
      Object.assign(messages[lang], await area.load[lang as OtherLanguage]());
      area.loaded.add(lang);
    }),
  );
}

// The server already chose the language (cookie, then Accept-Language) and wrote it into <html lang>.
let current: Language = isLanguage(document.documentElement.lang) ? document.documentElement.lang : 'fr';
// Top-level await: the app's modules wait for the visitor's catalogue, so the first paint is in their language.
if (current !== 'fr') await loadLanguage(current).catch(() => (current = 'fr'));
const listeners = new Set<() => void>();

/**
 * Adds an area's catalogue (its French, and how to load its other languages); resolves once it is
 * there in the current language. An area module awaits it at its top level, so the pages that import
 * the area render in the visitor's language from their first paint.
 */
export async function addMessages(french: Catalogue, load: Loaders): Promise<void> {
  const area: Area = { fr: french, load, loaded: new Set(['fr']) };
  areas.push(area);
  Object.assign(messages.fr, french);
  if (current !== 'fr') await loadLanguage(current).catch(() => undefined);
}

/** The language the interface is shown in. */
export function language(): Language {
  return current;
}

/** Switches the interface language (loading its catalogues), remembers it in the `lang` cookie the server reads, and re-renders. */
export async function setLanguage(next: Language): Promise<void> {
  document.cookie = `lang=${next}; Path=/; Max-Age=${ONE_YEAR}; SameSite=Lax`;
  if (next === current) return;
  await loadLanguage(next);
  current = next;
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

/** Calls `listener` after every language change; returns the function that stops it. */
export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The message `key` in the current language, with `{name}` placeholders replaced from `params`.
 * French stands in for a message whose language failed to load; the key itself for one whose area
 * the calling module forgot to import (test/foundation/i18n-areas.test.ts catches that).
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const message = messages[current][key] ?? messages.fr[key] ?? key;
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
