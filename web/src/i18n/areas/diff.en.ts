import type { MessagesOf } from '../index.js';
import type { diff as fr } from './diff.js';

/** English messages of the diff of a commit, a comparison or a pull request. */
export const diff: MessagesOf<typeof fr> = {
  'diff.summary': '{files}, {additions}, {deletions}',
  'diff.added': 'added',
  'diff.deleted': 'deleted',
  'diff.modified': 'modified',
  'diff.renamed': 'renamed from {old}',
  'diff.counts': '{additions} lines added, {deletions} lines removed',
  'diff.binary': 'Binary file: the content changed.',
  'diff.tooLarge': 'This change is too large to be shown.',
  'diff.noContent': 'No content change.',
  'diff.oldLine': 'Old line',
  'diff.newLine': 'New line',
  'diff.change': 'Change',
  'diff.lineText': 'Content',
  'diff.lineAdded': 'added',
  'diff.lineDeleted': 'removed',
  'diff.none': 'No changes.',
  'diff.layout': 'Diff layout',
  'diff.unified': 'Unified',
  'diff.split': 'Split',
  'diff.fileList': 'Changed files',
  'diff.oldText': 'Old text',
  'diff.newText': 'New text',
  'diff.expandRest': "Show the rest of the file",
  'diff.expandFailed': "The file's lines could not be loaded.",
};
