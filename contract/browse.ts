import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';
import { CompareHeadRepository } from './compare.js';

/** How a page names the ref it shows, as in its URL: `/src/branch/main`, `/src/tag/v1`, `/src/commit/abc`. */
export const RefKind = Type.Union([Type.Literal('branch'), Type.Literal('tag'), Type.Literal('commit')]);
export type RefKind = Static<typeof RefKind>;

/** The ref a page was read at, as the server resolved it. */
export const Ref = Type.Object({ name: Type.String(), kind: RefKind, commit: Type.String() });
export type Ref = Static<typeof Ref>;

/** The commit that last changed a path, summarised for a listing. */
export const LastCommit = Type.Object({
  sha: Type.String(),
  /** First line of the message. */
  summary: Type.String(),
  author_name: Type.String(),
  date: Type.String(),
});
export type LastCommit = Static<typeof LastCommit>;

export const EntryType = Type.Union([Type.Literal('file'), Type.Literal('dir'), Type.Literal('symlink'), Type.Literal('submodule')]);
export type EntryType = Static<typeof EntryType>;

/** One entry of a folder, with the commit that last changed it. */
export const TreeEntry = Type.Object({
  name: Type.String(),
  path: Type.String(),
  type: EntryType,
  mode: Type.String(),
  sha: Type.String(),
  last_commit: Nullable(LastCommit),
});
export type TreeEntry = Static<typeof TreeEntry>;

/** A folder with each entry's last commit. */
export const Tree = Type.Object({
  ref: Ref,
  path: Type.String(),
  /** The newest commit among the entries' last commits: the folder's own last change. */
  last_commit: Nullable(LastCommit),
  entries: Type.Array(TreeEntry),
});
export type Tree = Static<typeof Tree>;

/** A file, highlighted or rendered by the server. */
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
  /** Highlighted and escaped HTML, one string per line; null for binary and too large files. */
  lines: Nullable(Type.Array(Type.String())),
  /** Sanitised HTML of a Markdown file. */
  markdown: Nullable(Type.String()),
  raw_url: Type.String(),
  last_commit: Nullable(LastCommit),
});
export type Blob = Static<typeof Blob>;

/** The README of a folder, rendered by the server. */
export const Readme = Type.Object({
  ref: Ref,
  path: Type.String(),
  name: Type.String(),
  sha: Type.String(),
  markdown: Nullable(Type.String()),
  lines: Nullable(Type.Array(Type.String())),
});
export type Readme = Static<typeof Readme>;

export const DiffLine = Type.Object({
  type: Type.Union([Type.Literal('add'), Type.Literal('del'), Type.Literal('ctx')]),
  old: Nullable(Type.Integer()),
  new: Nullable(Type.Integer()),
  content: Type.String(),
  /** Fabrique: the line highlighted by highlight.js (escaped HTML), when the file's language is known. */
  html: Type.Optional(Type.String()),
});
export type DiffLine = Static<typeof DiffLine>;

export const Hunk = Type.Object({
  header: Type.String(),
  oldStart: Type.Integer(),
  oldLines: Type.Integer(),
  newStart: Type.Integer(),
  newLines: Type.Integer(),
  lines: Type.Array(DiffLine),
});
export type Hunk = Static<typeof Hunk>;

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
export type FileDiff = Static<typeof FileDiff>;

/** A diff, one slice of files at a time: ask again from `next_offset` while `truncated`. */
export const Diff = Type.Object({
  files: Type.Array(FileDiff),
  total_files: Type.Integer(),
  offset: Type.Integer(),
  truncated: Type.Boolean(),
  next_offset: Nullable(Type.Integer()),
});
export type Diff = Static<typeof Diff>;

/** Gitea's CommitMeta. */
export const CommitMeta = Type.Object({ url: Type.String(), sha: Type.String(), created: Type.String() });

/** Gitea's CommitUser. */
export const CommitUser = Type.Object({ name: Type.String(), email: Type.String(), date: Type.String() });
export type CommitUser = Static<typeof CommitUser>;

export const CommitAffectedFile = Type.Object({ filename: Type.String(), status: Type.String() });
export const CommitStats = Type.Object({ total: Type.Integer(), additions: Type.Integer(), deletions: Type.Integer() });

/** Gitea's PayloadCommitVerification: Fabrique does not verify signatures. */
export const Verification = Type.Object({ verified: Type.Boolean(), reason: Type.String(), signature: Type.String(), payload: Type.String() });

/**
 * Gitea's Commit. `author` and `committer` (the forge accounts behind the emails) are always null:
 * Fabrique does not match commit emails to accounts, which would tell who has an account.
 */
export const Commit = Type.Object({
  url: Type.String(),
  sha: Type.String(),
  created: Type.String(),
  html_url: Type.String(),
  commit: Type.Object({
    url: Type.String(),
    author: CommitUser,
    committer: CommitUser,
    message: Type.String(),
    tree: CommitMeta,
    verification: Verification,
  }),
  author: Type.Null(),
  committer: Type.Null(),
  parents: Type.Array(CommitMeta),
  files: Type.Optional(Type.Array(CommitAffectedFile)),
  stats: Type.Optional(CommitStats),
});
export type Commit = Static<typeof Commit>;

/** `GET /repos/{owner}/{repo}/commit/{sha}/diff`: a commit and the changes it made against its first parent. */
export const CommitWithDiff = Type.Object({ commit: Commit, diff: Diff });
export type CommitWithDiff = Static<typeof CommitWithDiff>;

/** What `head` has that `base` lacks: its commits (at most 250 shown, oldest first) and the diff since their merge base. */
export const Comparison = Type.Object({
  base: Ref,
  head: Ref,
  merge_base: Nullable(Type.String()),
  total_commits: Type.Integer(),
  commits: Type.Array(Commit),
  diff: Diff,
  /** Fabrique: where the head branch was read, for a comparison with a fork's branch (`base...user:branch`). */
  head_repository: Type.Optional(CompareHeadRepository),
});
export type Comparison = Static<typeof Comparison>;

/** Gitea's PayloadUser, as a branch's head commit names its author. */
const PayloadUser = Type.Object({ name: Type.String(), email: Type.String(), username: Type.String() });

/** Gitea's Branch with its head commit (Gitea's PayloadCommit). Protection is reported by the branch protection API. */
export const Branch = Type.Object({
  name: Type.String(),
  commit: Type.Object({
    id: Type.String(),
    message: Type.String(),
    url: Type.String(),
    author: PayloadUser,
    committer: PayloadUser,
    verification: Type.Null(),
    timestamp: Type.String(),
    added: Type.Array(Type.String()),
    removed: Type.Array(Type.String()),
    modified: Type.Array(Type.String()),
  }),
  protected: Type.Boolean(),
  required_approvals: Type.Integer(),
  enable_status_check: Type.Boolean(),
  status_check_contexts: Type.Array(Type.String()),
  user_can_push: Type.Boolean(),
  user_can_merge: Type.Boolean(),
  effective_branch_protection_name: Type.String(),
});
export type Branch = Static<typeof Branch>;

/** Gitea's Tag. */
export const Tag = Type.Object({
  name: Type.String(),
  message: Type.String(),
  id: Type.String(),
  commit: CommitMeta,
  zipball_url: Type.String(),
  tarball_url: Type.String(),
});
export type Tag = Static<typeof Tag>;

/** A commit named by a blame, summarised for the margin. */
export const BlameCommit = Type.Object({
  sha: Type.String(),
  /** First line of the message. */
  summary: Type.String(),
  author_name: Type.String(),
  author_email: Type.String(),
  /** The author date, ISO 8601. */
  date: Type.String(),
});
export type BlameCommit = Static<typeof BlameCommit>;

/** Consecutive lines (1-based, in the blamed version) last changed by one commit. */
export const BlameRange = Type.Object({
  sha: Type.String(),
  start: Type.Integer(),
  count: Type.Integer(),
  /** The path of the file in that commit: it differs when the file was renamed since. */
  orig_path: Type.String(),
  orig_start: Type.Integer(),
});
export type BlameRange = Static<typeof BlameRange>;

/** Who last changed each line of a file at a ref: its highlighted lines, ranges in file order and the commits they name. */
export const Blame = Type.Object({
  ref: Ref,
  path: Type.String(),
  name: Type.String(),
  /** The blob id of the file at that ref. */
  sha: Type.String(),
  language: Nullable(Type.String()),
  /** Highlighted and escaped HTML, one string per line; null for binary and too large files. */
  lines: Nullable(Type.Array(Type.String())),
  ranges: Type.Array(BlameRange),
  commits: Type.Array(BlameCommit),
});
export type Blame = Static<typeof Blame>;
/** One branch of the branches page: Gitea's Branch and how far it is from the default branch. */
export const BranchOverviewItem = Type.Object({
  branch: Branch,
  /** Commits of this branch not on the default branch, and the reverse (`git rev-list --left-right --count`). */
  ahead: Type.Integer(),
  behind: Type.Integer(),
});
export type BranchOverviewItem = Static<typeof BranchOverviewItem>;

/** Fabrique's branches page: the default branch first, then the others by their last commit, newest first. */
export const BranchOverview = Type.Object({
  default_branch: Type.String(),
  total: Type.Integer(),
  branches: Type.Array(BranchOverviewItem),
});
export type BranchOverview = Static<typeof BranchOverview>;
