import { Type, type Static } from '@sinclair/typebox';
import { UserSummary } from './users.js';
import { Nullable } from './nullable.js';

// Releases as Gitea's API has them (`/repos/{o}/{r}/releases`, assets), and the form of Fabrique's
// generated notes (GitHub's `releases/generate-notes`: Gitea has none).

/** Gitea's Attachment: a file of a release. */
export const Attachment = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  size: Type.Integer(),
  download_count: Type.Integer(),
  created_at: Type.String(),
  uuid: Type.String(),
  browser_download_url: Type.String(),
  type: Type.Literal('attachment'),
});
export type Attachment = Static<typeof Attachment>;

/** Gitea's Release. */
export const Release = Type.Object({
  id: Type.Integer(),
  tag_name: Type.String(),
  target_commitish: Type.String(),
  name: Type.String(),
  body: Type.String(),
  /** The notes rendered from Markdown, sanitised (Fabrique's, for the pages). */
  body_html: Type.String(),
  url: Type.String(),
  html_url: Type.String(),
  tarball_url: Type.String(),
  zipball_url: Type.String(),
  upload_url: Type.String(),
  draft: Type.Boolean(),
  prerelease: Type.Boolean(),
  created_at: Type.String(),
  published_at: Nullable(Type.String()),
  author: Nullable(UserSummary),
  assets: Type.Array(Attachment),
});
export type Release = Static<typeof Release>;

const TagName = Type.String({ minLength: 1, maxLength: 255 });

/** Gitea's CreateReleaseOption: `target_commitish` (a branch or commit) is where a new tag points. */
export const CreateReleaseOption = Type.Object({
  tag_name: TagName,
  target_commitish: Type.Optional(Type.String({ maxLength: 255 })),
  name: Type.Optional(Type.String({ maxLength: 255 })),
  body: Type.Optional(Type.String({ maxLength: 65535 })),
  draft: Type.Optional(Type.Boolean()),
  prerelease: Type.Optional(Type.Boolean()),
});
export type CreateReleaseOption = Static<typeof CreateReleaseOption>;

/** Gitea's EditReleaseOption. */
export const EditReleaseOption = Type.Partial(CreateReleaseOption);
export type EditReleaseOption = Static<typeof EditReleaseOption>;

/** Gitea's EditAttachmentOptions. */
export const EditAttachmentOptions = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });
export type EditAttachmentOptions = Static<typeof EditAttachmentOptions>;

/** What generated notes start from: the new release's tag, and optionally the previous one's. */
export const GenerateNotesOption = Type.Object({
  tag_name: TagName,
  previous_tag_name: Type.Optional(Type.String({ maxLength: 255 })),
});
export type GenerateNotesOption = Static<typeof GenerateNotesOption>;

/** Generated notes: a title and a Markdown body listing the merged pull requests. */
export const GeneratedNotes = Type.Object({ name: Type.String(), body: Type.String() });
export type GeneratedNotes = Static<typeof GeneratedNotes>;
