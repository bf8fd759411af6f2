import type { MessagesOf } from '../index.js';
import type { releases as fr } from './releases.js';

/** English messages of releases. */
export const releases: MessagesOf<typeof fr> = {
  'releases.none': 'No release yet.',
  'releases.latest': 'Latest release',
  'releases.prerelease': 'Pre-release',
  'releases.draft': 'Draft',
  'releases.assets': 'Assets',
  'releases.downloads': '{count} download(s)',
  'releases.sourceZip': 'Source code (zip)',
  'releases.sourceTarGz': 'Source code (tar.gz)',
  'releases.by': 'by {user}',
  'releases.feed': 'Releases Atom feed',
  'releases.tagField': 'Tag',
  'releases.tagHelp': 'An existing tag, or a new one, created at the target when published.',
  'releases.targetField': 'Target of a new tag (branch or commit)',
  'releases.titleField': 'Title',
  'releases.notesField': 'Notes (Markdown)',
  'releases.generate': 'Generate notes',
  'releases.generated': 'Notes generated from the merged pull requests.',
  'releases.draftField': 'Draft (visible to contributors only)',
  'releases.prereleaseField': 'Pre-release',
  'releases.publish': 'Publish release',
  'releases.save': 'Save',
  'releases.filesField': 'Files to attach',
  'releases.uploading': 'Uploading {name}: {percent}%',
  'releases.delete': 'Delete release',
  'releases.confirmDelete': 'Yes, delete release {title} (the tag stays)',
  'releases.removeFile': 'Remove {name}',
  'releases.kind': 'Release status',
  'releases.all': 'All releases',
};
