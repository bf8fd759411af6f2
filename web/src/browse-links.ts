import { encodePath, type RefKind } from './api/browse.js';
import { language, t } from './i18n/index.js';

/** The web URLs of one repository's pages, as Gitea writes them. */
export class RepoLinks {
  readonly home: string;

  constructor(readonly owner: string, readonly repo: string) {
    this.home = `/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  }

  /** A folder or a file at a ref: `/{owner}/{repo}/src/branch/main/docs/a.md`. */
  src(kind: RefKind, ref: string, path = ''): string {
    const tail = path ? `/${encodePath(path)}` : '';
    return `${this.home}/src/${kind}/${encodePath(ref)}${tail}`;
  }

  /** The history of a ref, or of one path at it. */
  commits(kind: RefKind, ref: string, path = ''): string {
    const tail = path ? `/${encodePath(path)}` : '';
    return `${this.home}/commits/${kind}/${encodePath(ref)}${tail}`;
  }

  /** Who last changed each line of a file at a ref: `/{owner}/{repo}/blame/branch/main/a.ts`. */
  blame(kind: RefKind, ref: string, path: string): string {
    return `${this.home}/blame/${kind}/${encodePath(ref)}/${encodePath(path)}`;
  }

  commit(sha: string): string {
    return `${this.home}/commit/${encodeURIComponent(sha)}`;
  }

  get branches(): string {
    return `${this.home}/branches`;
  }

  get tags(): string {
    return `${this.home}/tags`;
  }

  compare(base: string, head: string): string {
    return `${this.home}/compare/${encodePath(base)}...${encodePath(head)}`;
  }
}

/** A commit id as people quote it. */
export const shortSha = (sha: string) => sha.slice(0, 10);

/** The first line of a commit message. */
export const summaryOf = (message: string) => message.split('\n', 1)[0] ?? '';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "il y a 3 jours" / "3 days ago", in the interface language. */
export function relativeAge(date: string, now = Date.now()): string {
  const seconds = Math.round((new Date(date).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language(), { numeric: 'auto' });
  for (const [unit, size] of UNITS) if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  return format.format(seconds, 'second');
}

/** A full date and time for `<time title>` and `datetime`, in the interface language. */
export function fullDate(date: string): string {
  return new Intl.DateTimeFormat(language(), { dateStyle: 'long', timeStyle: 'short' }).format(new Date(date));
}

/** A size in bytes as people read it (octets in French). */
export function fileSize(bytes: number): string {
  const units = language() === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const number = new Intl.NumberFormat(language(), { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
  return `${number} ${units[unit]}`;
}

/** Messages that come in a singular (`.one`) and a plural (`.other`) form. */
type Counted = 'explore.repositories' | 'diff.files' | 'diff.additions' | 'diff.deletions' | 'diff.loadRest' | 'src.lines' | 'compare.commits' | 'diff.expandLines';

/** `count` in the right grammatical number for the interface language (French: 0 and 1 are singular). */
export function tCount(base: Counted, count: number): string {
  const form = new Intl.PluralRules(language()).select(count) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}`, { count: new Intl.NumberFormat(language()).format(count) });
}
