import type { Hunk, DiffLine } from './api/browse.js';

/** A line's text cut where it differs from its counterpart: `changed` is the part to mark, between `before` and `after`. */
export interface WordChange {
  before: string;
  changed: string;
  after: string;
}

/** One row of the split view: the old line on the left, the new on the right (either may be missing). */
export interface SplitRow {
  left: DiffLine | null;
  right: DiffLine | null;
}

/**
 * Where two versions of a line differ: the common start and end are kept, the middle is marked.
 * Null when the lines share nothing worth showing (then the whole line is the change).
 */
export function wordChange(text: string, other: string): WordChange | null {
  let start = 0;
  const max = Math.min(text.length, other.length);
  while (start < max && text[start] === other[start]) start++;
  let end = 0;
  while (end < max - start && text[text.length - 1 - end] === other[other.length - 1 - end]) end++;
  // Stop at word edges so that a change reads as whole words, as Gitea and GitHub mark them.
  while (start > 0 && /\w/.test(text[start - 1] ?? '') && /\w/.test(text[start] ?? '')) start--;
  while (end > 0 && /\w/.test(text[text.length - end] ?? '') && /\w/.test(text[text.length - end - 1] ?? '')) end--;
  if (start + end === 0) return null;
  return { before: text.slice(0, start), changed: text.slice(start, text.length - end), after: text.slice(text.length - end) };
}

/**
 * The removed and added lines of a hunk paired in order (the first removed line with the first added
 * one of the same run), which is how both the word marks and the split view line them up.
 */
export function pairRuns(hunk: Hunk): SplitRow[] {
  const rows: SplitRow[] = [];
  const lines = hunk.lines;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.type === 'ctx') {
      rows.push({ left: line, right: line });
      i++;
      continue;
    }
    const dels: DiffLine[] = [];
    const adds: DiffLine[] = [];
    while (i < lines.length && lines[i].type === 'del') dels.push(lines[i++]);
    while (i < lines.length && lines[i].type === 'add') adds.push(lines[i++]);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) rows.push({ left: dels[k] ?? null, right: adds[k] ?? null });
  }
  return rows;
}

/** For each changed line of a hunk that has a counterpart, what to mark in it. */
export function wordChanges(hunk: Hunk): Map<DiffLine, WordChange> {
  const changes = new Map<DiffLine, WordChange>();
  for (const { left, right } of pairRuns(hunk)) {
    if (!left || !right || left === right) continue;
    const old = wordChange(left.content, right.content);
    const now = wordChange(right.content, left.content);
    if (old) changes.set(left, old);
    if (now) changes.set(right, now);
  }
  return changes;
}

/**
 * Wraps the characters `start`..`end` of a line's text in `<mark>` inside its highlighted HTML:
 * offsets count characters of the text (an entity such as `&lt;` is one), and the mark is closed
 * before each tag inside the range and opened again after it, so that the elements stay nested.
 * The HTML is the server's (escaped by highlight.js); nothing of the text is copied into a tag.
 */
export function markRange(html: string, start: number, end: number): string {
  if (end <= start) return html;
  let out = '';
  let offset = 0;
  let marking = false;
  const token = /<[^>]*>|&[^;\s]*;|[^<&]/g;
  for (let match = token.exec(html); match; match = token.exec(html)) {
    const text = match[0];
    if (text.startsWith('<')) {
      out += marking ? `</mark>${text}<mark>` : text;
      continue;
    }
    if (offset === start) {
      out += '<mark>';
      marking = true;
    }
    out += text;
    offset++;
    if (offset === end && marking) {
      out += '</mark>';
      marking = false;
    }
  }
  return marking ? `${out}</mark>` : out;
}
