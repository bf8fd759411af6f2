/**
 * Work-in-progress pull requests, as Gitea marks them: a title starting with one of these prefixes
 * (Gitea's default `WORK_IN_PROGRESS_PREFIXES`, compared without case) is a draft, which cannot be
 * merged. Plain data and functions, so that the web app may import them as values.
 */
export const DRAFT_PREFIXES = ['WIP:', '[WIP]'] as const;

/** The prefix that makes a title a draft's, as written in the title, or null. */
export function draftPrefixOf(title: string): string | null {
  const upper = title.trimStart().toUpperCase();
  const prefix = DRAFT_PREFIXES.find((p) => upper.startsWith(p));
  return prefix ? title.trimStart().slice(0, prefix.length) : null;
}

/** Whether a pull request with this title is a draft. */
export const isDraftTitle = (title: string): boolean => draftPrefixOf(title) !== null;

/** The title without its draft prefix: what "mark as ready" leaves. */
export function readyTitle(title: string): string {
  const prefix = draftPrefixOf(title);
  return prefix === null ? title : title.trimStart().slice(prefix.length).trim();
}

/** The title of a draft: the first prefix added, unless it already has one. */
export const draftTitle = (title: string): string => (isDraftTitle(title) ? title : `${DRAFT_PREFIXES[0]} ${title.trim()}`);
