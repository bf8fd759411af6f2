import { Type, type Static } from '@sinclair/typebox';
import { CommitUser, EntryType, Verification } from './browse.js';
import { PullRequest } from './pulls.js';
import { Repository } from './repositories.js';
import { Nullable } from './nullable.js';

/** Gitea's ContentsResponse: a file with its base64 content, or one entry of a folder listing. */
export const Contents = Type.Object({
  name: Type.String(),
  path: Type.String(),
  sha: Type.String(),
  last_commit_sha: Type.String(),
  type: EntryType,
  size: Type.Integer(),
  encoding: Nullable(Type.String()),
  content: Nullable(Type.String()),
  target: Nullable(Type.String()),
  url: Type.String(),
  html_url: Type.String(),
  git_url: Type.String(),
  download_url: Nullable(Type.String()),
  submodule_git_url: Nullable(Type.String()),
  _links: Type.Object({ self: Type.String(), git: Type.String(), html: Type.String() }),
});
export type Contents = Static<typeof Contents>;

/** Gitea's FileCommitResponse. */
export const FileCommit = Type.Object({
  url: Type.String(),
  html_url: Type.String(),
  sha: Type.String(),
  created: Type.String(),
  author: CommitUser,
  committer: CommitUser,
  parents: Type.Array(Type.Object({ url: Type.String(), sha: Type.String() })),
  message: Type.String(),
  tree: Type.Object({ url: Type.String(), sha: Type.String() }),
});
export type FileCommit = Static<typeof FileCommit>;

/** Gitea's FileResponse: the file written and the commit that records it. */
export const FileResponse = Type.Object({ content: Contents, commit: FileCommit, verification: Verification });
export type FileResponse = Static<typeof FileResponse>;

/** Gitea's FilesResponse: each file as the commit left it (null for a deletion), and the one commit that records them all. */
export const FilesResponse = Type.Object({ files: Type.Array(Nullable(Contents)), commit: FileCommit, verification: Verification });
export type FilesResponse = Static<typeof FilesResponse>;

/** One file of Gitea's ChangeFilesOptions: create, update (moved when `from_path` differs) or delete; content in base64. */
export const ChangeFileOperation = Type.Object({
  operation: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  path: Type.String({ minLength: 1, maxLength: 4096 }),
  content: Type.Optional(Type.String({ description: 'The file content, base64' })),
  from_path: Type.Optional(Type.String({ maxLength: 4096 })),
  sha: Type.Optional(Type.String({ pattern: '^[0-9a-f]{40}$' })),
});
export type ChangeFileOperation = Static<typeof ChangeFileOperation>;

/** Fabrique's "propose a change": the pull request opened, and whether a fork was made for it. */
export const ProposedChange = Type.Object({ pull: PullRequest, forked: Type.Boolean(), branch: Type.String(), repository: Repository, commit: FileCommit });
export type ProposedChange = Static<typeof ProposedChange>;
