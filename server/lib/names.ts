import { resolve, sep } from 'node:path';

/** Names a user, organisation or repository may take: Gitea's alphabet, no leading dot or dash. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** Words that would shadow a top-level route of the forge, refused as user or organisation names. */
export const RESERVED_OWNER_NAMES = new Set([
  'api', 'assets', 'admin', 'explore', 'login', 'logout', 'signup', 'signin', 'sign_up', 'user', 'users',
  'org', 'orgs', 'repo', 'repos', 'new', 'settings', 'setup', 'accessibilite', 'accessibility', 'catalogue',
  'robots.txt', 'sitemap.xml', 'favicon.ico', 'help', 'notifications', 'search', 'static', 'swagger',
  'healthz', 'metrics', 'install', 'issues', 'pulls', 'raw', 'src', 'avatars', 'attachments', 'ghost',
]);

/** Why a name is not acceptable as an owner or repository name, or null when it is. */
export function nameProblem(name: string): string | null {
  if (!NAME.test(name)) {
    return 'may contain only letters, digits, "-", "_" and "." (at most 100), and must not start with "." or "-"';
  }
  if (name.includes('..')) return 'must not contain ".."';
  if (/\.(git|wiki)$/i.test(name)) return 'must not end in ".git" or ".wiki"';
  return null;
}

/** Why a user or organisation name is not acceptable, or null. */
export function ownerNameProblem(name: string): string | null {
  return nameProblem(name) ?? (RESERVED_OWNER_NAMES.has(name.toLowerCase()) ? 'is reserved' : null);
}

/** Joins validated parts under root and proves the result stays inside it. */
export function pathUnder(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const full = resolve(base, ...parts);
  if (full !== base && !full.startsWith(base + sep)) throw new Error(`path escapes ${base}`);
  return full;
}

/**
 * git's own rules for a ref name (`git check-ref-format`): no control characters, space, `~ ^ : ? * [ \`,
 * no `..`, `@{`, `//`, no component starting with `.` or ending in `.lock`, no leading or trailing
 * `/`, not ending in `.`, not `@`. Anything git can push passes, e.g. `"><img-id=x>`; such a name is
 * text to escape wherever it is shown, and never leaves refs/ on disk.
 */
export function isValidRefName(ref: string): boolean {
  return (
    ref.length > 0 &&
    ref.length <= 255 &&
    ref !== '@' &&
    ![...ref].some((c) => c <= ' ' || c === '\x7f' || '~^:?*[\\'.includes(c)) &&
    !ref.includes('..') &&
    !ref.includes('@{') &&
    !ref.includes('//') &&
    !ref.startsWith('/') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    !ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))
  );
}
