import type { Diff, DiffLine } from '../git/diff.js';
import { highlightBlock, languageOf } from './render.js';

/** Highlights one side of a hunk as a block, so that a string or comment spanning its lines reads right, and sets each line's HTML. */
function highlightSide(lines: DiffLine[], language: string): void {
  if (lines.length === 0) return;
  const html = highlightBlock(lines.map((l) => l.content), language);
  lines.forEach((line, i) => (line.html = html[i] ?? ''));
}

/**
 * Adds highlight.js HTML (escaped by highlight.js, as the file view's) to the lines of every file of
 * a diff whose language the file name tells: each hunk's old side (context and removed lines) and
 * new side (context and added lines) are highlighted as blocks. Lines of other files keep only their text.
 */
export function highlightDiff<D extends Pick<Diff, 'files'>>(diff: D): D {
  for (const file of diff.files) {
    const language = languageOf(file.filename);
    if (!language || language === 'plaintext') continue;
    for (const hunk of file.hunks) {
      highlightSide(hunk.lines.filter((l) => l.type !== 'add'), language);
      // Context lines read the same on both sides: the new side's HTML replaces the old side's.
      highlightSide(hunk.lines.filter((l) => l.type !== 'del'), language);
    }
  }
  return diff;
}
