import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { FRENCH_LICENCES } from '../../contract/licences.js';
import { PROJECT_ROOT } from '../lib/paths.js';

interface SpdxEntry {
  name: string;
  url: string;
  licenseText: string;
}

const spdx = createRequire(import.meta.url)('spdx-license-list/full') as Record<string, SpdxEntry>;

/**
 * Licences a licence file is compared with: the French list and the other licences public code
 * commonly carries. The GNU texts do not say whether "or later" applies (that is in each file's
 * notice), so each GNU licence is indexed once under its "-or-later" id, the form the French list names.
 */
const CANDIDATES = [
  ...FRENCH_LICENCES,
  'GPL-2.0-or-later',
  'LGPL-2.1-or-later',
  'EUPL-1.1',
  'CECILL-2.0',
  'ISC',
  'Unlicense',
  '0BSD',
  'CC0-1.0',
  'WTFPL',
  'Zlib',
  'BSL-1.0',
] as const;

/**
 * Licences whose official French text is indexed beside the SPDX (English) one: CeCILL's authors
 * publish the French and English texts with equal value, and most French public code ships the
 * French one; the EUPL is official in every EU language. The texts (server/data/licences/<id>.fr.txt)
 * are cecill.info's Licence_CeCILL_V2.1-fr.txt, Licence_CeCILL-B_V1-fr.txt, Licence_CeCILL-C_V1-fr.txt
 * and the European Commission's French EUPL v1.2, each checked against a second independent copy.
 */
export const FRENCH_TEXTS = ['CECILL-2.1', 'CECILL-B', 'CECILL-C', 'EUPL-1.2'] as const;

/** The official French text of a licence of FRENCH_TEXTS, as published. */
export function frenchLicenceText(id: (typeof FRENCH_TEXTS)[number]): string {
  return readFileSync(join(PROJECT_ROOT, 'server', 'data', 'licences', `${id}.fr.txt`), 'utf8');
}

/** Two texts are the same licence from this Dice coefficient of their word pairs on. */
export const SIMILARITY_THRESHOLD = 0.9;

/** Licence files larger than this are not compared (the longest licence text of the index is ~42 kB). */
export const LICENCE_FILE_LIMIT = 256 * 1024;

/** The names a licence file goes by at a repository's root, with any extension. */
export const LICENCE_FILE = /^(licen[cs]e|copying)([.-].*)?$/i;

/**
 * A licence text reduced to its words: lowercase, without copyright lines, template placeholders,
 * punctuation and layout, with British spellings folded, so re-wrapping and a filled-in holder do not count.
 */
export function normaliseLicence(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => !/^\s*(copyright\b|\(c\)|©)/i.test(line))
    .join('\n')
    .toLowerCase()
    // Accents and ligatures folded: French texts are often re-typed without them ("oeuvre", "Licencie").
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/œ/g, 'oe')
    .replace(/<[^>\n]*>/g, ' ')
    .replace(/\blicence\b/g, 'license')
    .replace(/\blicences\b/g, 'licenses')
    .replace(/https?:\/\//g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

/** Counts of the word pairs of a normalised text. */
function bigrams(words: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + 1 < words.length; i++) {
    const pair = `${words[i]} ${words[i + 1]}`;
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

function size(counts: Map<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

/** Dice coefficient of two multisets of word pairs: 1 for the same text, 0 for nothing in common. */
function dice(a: Map<string, number>, aSize: number, b: Map<string, number>, bSize: number): number {
  if (aSize + bSize === 0) return 0;
  let common = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const [pair, n] of small) common += Math.min(n, large.get(pair) ?? 0);
  return (2 * common) / (aSize + bSize);
}

interface IndexedLicence {
  id: string;
  pairs: Map<string, number>;
  size: number;
}

/** Parsed licence texts (SPDX and the French ones), computed once on first use and never changed: module-level, shared by every app instance. */
let index: IndexedLicence[] | null = null;

function indexed(id: string, text: string): IndexedLicence {
  const pairs = bigrams(normaliseLicence(text));
  return { id, pairs, size: size(pairs) };
}

function licenceIndex(): IndexedLicence[] {
  index ??= [
    ...CANDIDATES.filter((id) => spdx[id]).map((id) => indexed(id, spdx[id].licenseText)),
    ...FRENCH_TEXTS.map((id) => indexed(id, frenchLicenceText(id))),
  ];
  return index;
}

/** What a licence file was recognised as. */
export interface DetectedLicence {
  spdx: string;
  similarity: number;
}

/** The SPDX id of the licence a file's text is, or null when it is none of the indexed licences. */
export function detectLicence(text: string): DetectedLicence | null {
  const pairs = bigrams(normaliseLicence(text));
  const n = size(pairs);
  if (n === 0) return null;
  let best: DetectedLicence | null = null;
  for (const licence of licenceIndex()) {
    // Dice cannot reach the threshold when one text is far longer than the other.
    if (Math.min(n, licence.size) / Math.max(n, licence.size) < SIMILARITY_THRESHOLD * 0.8) continue;
    const similarity = dice(pairs, n, licence.pairs, licence.size);
    if (similarity >= SIMILARITY_THRESHOLD && (!best || similarity > best.similarity)) best = { spdx: licence.id, similarity };
  }
  return best;
}

/** An SPDX id without its GNU "-only" / "-or-later" suffix or "+", to compare what a text can tell apart. */
function family(id: string): string {
  return id.replace(/(-only|-or-later|\+)$/i, '').toLowerCase();
}

/** Whether two licence ids or expressions name the same licence, as far as a licence text can tell. */
export function sameLicence(a: string, b: string): boolean {
  return family(a.trim()) === family(b.trim());
}

/**
 * Whether a French administration may use the licence (CRPA art. D323-2-1) without a separate
 * approval. For an expression, every licence it names must be on the list; `X-only` of a listed
 * `X-or-later` is not (the list names the "or later" versions).
 */
export function approvedInFrance(expression: string | null): boolean {
  if (!expression) return false;
  const ids = expression
    .replace(/[()]/g, ' ')
    .split(/\s+/)
    .filter((word) => word && !/^(AND|OR|WITH)$/i.test(word));
  if (ids.length === 0) return false;
  const list = FRENCH_LICENCES as readonly string[];
  return ids.every((id) => list.includes(id) || list.includes(id.replace(/\+$/, '-or-later')));
}

/** Whether an SPDX licence id is known (`LicenseRef-…` ids are a project's own and always valid). */
export function isSpdxId(id: string): boolean {
  return id in spdx || /^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(id);
}

/** A licence's text to start a LICENSE file from (Gitea's license template): the official French text when asked in French and there is one. */
export function licenceTemplate(id: string, language: string): { key: string; name: string; url: string; implementation: string; body: string } | null {
  const entry = spdx[id];
  if (!entry) return null;
  const french = language === 'fr' && (FRENCH_TEXTS as readonly string[]).includes(id);
  const body = french ? frenchLicenceText(id as (typeof FRENCH_TEXTS)[number]) : entry.licenseText;
  return { key: id, name: entry.name, url: entry.url, implementation: '', body };
}

/** The full name and reference URL of an SPDX licence, when known. */
export function licenceInfo(id: string): { name: string; url: string } | null {
  const entry = spdx[id.replace(/\+$/, '')];
  return entry ? { name: entry.name, url: entry.url } : null;
}

/**
 * Why a string is not a valid SPDX licence expression (`MIT`, `EUPL-1.2 OR GPL-3.0-or-later`,
 * `(Apache-2.0 AND MIT)`, `GPL-2.0-or-later WITH Classpath-exception-2.0`), or null when it is one.
 */
export function spdxExpressionProblem(expression: string): string | null {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const fail = (message: string): never => {
    throw new Error(message);
  };
  const simple = () => {
    const token = peek();
    if (token === undefined) fail('a licence id is missing at the end');
    if (token === '(') {
      position++;
      compound();
      if (peek() !== ')') fail('a closing parenthesis is missing');
      position++;
      return;
    }
    if (/^(AND|OR|WITH|\))$/i.test(token as string)) fail(`"${token}" where a licence id was expected`);
    if (!isSpdxId((token as string).replace(/\+$/, ''))) fail(`"${token}" is not an SPDX licence id`);
    position++;
    if (peek()?.toUpperCase() === 'WITH') {
      position++;
      const exception = peek();
      if (exception === undefined || !/^[A-Za-z0-9.-]+$/.test(exception)) fail('an exception id is missing after WITH');
      position++;
    }
  };
  const compound = (): void => {
    simple();
    while (peek() !== undefined && /^(AND|OR)$/i.test(peek() as string)) {
      position++;
      simple();
    }
  };
  try {
    if (tokens.length === 0) fail('it is empty');
    compound();
    if (position < tokens.length) fail(`unexpected "${tokens[position]}"`);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
