/** The languages of the interface, French first (the default); the server picks one per request, the web app shows it. */
export const LANGUAGES = ['fr', 'en'] as const;

/** One language of the interface. */
export type Language = (typeof LANGUAGES)[number];

/** Whether `value` is a language of the interface. */
export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}
