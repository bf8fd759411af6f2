import type { Language } from '../../contract/languages.js';

/**
 * The commit messages the forge writes for someone, in the language of their interface (French
 * unless they chose English): the history reads as the person acting would have written it.
 */
const MESSAGES = {
  fr: {
    addFile: (path: string) => `Ajout de ${path}`,
    updateFile: (path: string) => `Mise à jour de ${path}`,
    applySuggestion: (path: string) => `Application de la suggestion sur ${path}`,
    mergePull: (title: string, number: number, head: string, base: string) => `Fusion de la demande '${title}' (#${number}) depuis ${head} dans ${base}`,
  },
  en: {
    addFile: (path: string) => `Add ${path}`,
    updateFile: (path: string) => `Update ${path}`,
    applySuggestion: (path: string) => `Apply suggestion to ${path}`,
    mergePull: (title: string, number: number, head: string, base: string) => `Merge pull request '${title}' (#${number}) from ${head} into ${base}`,
  },
} satisfies Record<Language, unknown>;

/** The default commit messages in `language` (French when not said). */
export function commitMessages(language: Language = 'fr'): (typeof MESSAGES)['fr'] {
  return MESSAGES[language];
}
