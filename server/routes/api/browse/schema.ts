import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });

export const RepoParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 100 }),
});
export type RepoParams = Static<typeof RepoParams>;

/** A repository plus the rest of the URL (`*`): a path, a ref and a path, or `base...head`. */
export const RepoRestParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 100 }),
  '*': Type.String({ maxLength: 4096 }),
});
export type RepoRestParams = Static<typeof RepoRestParams>;

export const RefQuery = Type.Object({ ref: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });
export type RefQuery = Static<typeof RefQuery>;

export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});
export type PageQuery = Static<typeof PageQuery>;

export const CommitsQuery = Type.Object({
  sha: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  path: Type.Optional(Type.String({ maxLength: 4096 })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  /** Gitea computes these by default; Fabrique only when asked, since each costs a diff per commit. */
  stat: Type.Optional(Type.Boolean({ default: false })),
  files: Type.Optional(Type.Boolean({ default: false })),
});
export type CommitsQuery = Static<typeof CommitsQuery>;

export const ShaParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 100 }),
  sha: Type.String({ minLength: 1, maxLength: 255 }),
});
export type ShaParams = Static<typeof ShaParams>;

/** Which files of a diff: from `offset`, at most `limit` files (and 20,000 lines). */
export const OffsetQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 200 })),
});
export type OffsetQuery = Static<typeof OffsetQuery>;

/** The ref a page was read at. */
export const Ref = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('branch'), Type.Literal('tag'), Type.Literal('commit')]),
  commit: Type.String(),
});

/** The commit that last changed a path, summarised for a listing. */
export const LastCommit = Type.Object({
  sha: Type.String(),
  /** First line of the message. */
  summary: Type.String(),
  author_name: Type.String(),
  date: Type.String(),
});
export type LastCommit = Static<typeof LastCommit>;

export const TreeEntry = Type.Object({
  name: Type.String(),
  path: Type.String(),
  type: Type.Union([Type.Literal('file'), Type.Literal('dir'), Type.Literal('symlink'), Type.Literal('submodule')]),
  mode: Type.String(),
  sha: Type.String(),
  last_commit: Nullable(LastCommit),
});

export const Tree = Type.Object({
  ref: Ref,
  path: Type.String(),
  /** The newest commit among the entries' last commits: the folder's own last change. */
  last_commit: Nullable(LastCommit),
  entries: Type.Array(TreeEntry),
});

export const Blob = Type.Object({
  ref: Ref,
  path: Type.String(),
  name: Type.String(),
  sha: Type.String(),
  size: Type.Integer(),
  binary: Type.Boolean(),
  /** Above 1 MB: not highlighted nor rendered, only offered raw. */
  too_large: Type.Boolean(),
  image: Type.Boolean(),
  language: Nullable(Type.String()),
  /** Highlighted HTML, one string per line; null for binary and too large files. */
  lines: Nullable(Type.Array(Type.String())),
  /** Sanitised HTML of a Markdown file. */
  markdown: Nullable(Type.String()),
  raw_url: Type.String(),
  last_commit: Nullable(LastCommit),
});

export const Readme = Type.Object({
  ref: Ref,
  path: Type.String(),
  name: Type.String(),
  sha: Type.String(),
  markdown: Nullable(Type.String()),
  lines: Nullable(Type.Array(Type.String())),
});

const DiffLine = Type.Object({
  type: Type.Union([Type.Literal('add'), Type.Literal('del'), Type.Literal('ctx')]),
  old: Nullable(Type.Integer()),
  new: Nullable(Type.Integer()),
  content: Type.String(),
});

const Hunk = Type.Object({
  header: Type.String(),
  oldStart: Type.Integer(),
  oldLines: Type.Integer(),
  newStart: Type.Integer(),
  newLines: Type.Integer(),
  lines: Type.Array(DiffLine),
});

export const FileDiff = Type.Object({
  filename: Type.String(),
  old_filename: Nullable(Type.String()),
  status: Type.Union([Type.Literal('added'), Type.Literal('deleted'), Type.Literal('modified'), Type.Literal('renamed')]),
  similarity: Nullable(Type.Integer()),
  binary: Type.Boolean(),
  too_large: Type.Boolean(),
  additions: Type.Integer(),
  deletions: Type.Integer(),
  hunks: Type.Array(Hunk),
});

export const Diff = Type.Object({
  files: Type.Array(FileDiff),
  total_files: Type.Integer(),
  offset: Type.Integer(),
  truncated: Type.Boolean(),
  next_offset: Nullable(Type.Integer()),
});
