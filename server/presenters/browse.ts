import { Type, type Static } from '@sinclair/typebox';
import { CompareHeadRepository } from '../../contract/compare.js';
import type { RepoRow } from '../db/repos.js';
import { gitDate, type GitCommit, type GitEntry, type GitPerson, type RefInfo, type ResolvedRef } from '../git/read.js';
import type { FileDiff as GitFileDiff } from '../git/diff.js';

/** The URLs of one repository, from the configured base URL. */
export class RepoUrls {
  readonly api: string;
  readonly html: string;
  constructor(readonly baseUrl: string, readonly repo: Pick<RepoRow, 'owner_name' | 'name'>) {
    const path = `${encodeURIComponent(repo.owner_name)}/${encodeURIComponent(repo.name)}`;
    this.api = `${baseUrl}/api/v1/repos/${path}`;
    this.html = `${baseUrl}/${path}`;
  }
}

export const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** Gitea's CommitMeta. */
export const CommitMeta = Type.Object({ url: Type.String(), sha: Type.String(), created: Type.String() });

/** Gitea's CommitUser. */
export const CommitUser = Type.Object({ name: Type.String(), email: Type.String(), date: Type.String() });

export const CommitAffectedFile = Type.Object({ filename: Type.String(), status: Type.String() });
export const CommitStats = Type.Object({ total: Type.Integer(), additions: Type.Integer(), deletions: Type.Integer() });

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
    verification: Type.Object({ verified: Type.Boolean(), reason: Type.String(), signature: Type.String(), payload: Type.String() }),
  }),
  author: Type.Null(),
  committer: Type.Null(),
  parents: Type.Array(CommitMeta),
  files: Type.Optional(Type.Array(CommitAffectedFile)),
  stats: Type.Optional(CommitStats),
});
export type Commit = Static<typeof Commit>;

const person = (p: GitPerson) => ({ name: p.name, email: p.email, date: gitDate(p) });

/** A commit as Gitea's API shows it; `files` and `stats` when a diff is given. */
export function presentCommit(urls: RepoUrls, commit: GitCommit, files?: GitFileDiff[]): Commit {
  const created = gitDate(commit.committer);
  const result: Commit = {
    url: `${urls.api}/git/commits/${commit.oid}`,
    sha: commit.oid,
    created,
    html_url: `${urls.html}/commit/${commit.oid}`,
    commit: {
      url: `${urls.api}/git/commits/${commit.oid}`,
      author: person(commit.author),
      committer: person(commit.committer),
      message: commit.message,
      tree: { url: `${urls.api}/git/trees/${commit.tree}`, sha: commit.tree, created },
      verification: { verified: false, reason: 'gpg.error.not_signed_commit', signature: '', payload: '' },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({ url: `${urls.api}/git/commits/${sha}`, sha, created })),
  };
  if (files) {
    result.files = files.map((f) => ({ filename: f.filename, status: f.status }));
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    result.stats = { total: additions + deletions, additions, deletions };
  }
  return result;
}

/** Gitea's PayloadCommit, as a branch shows its head. */
const PayloadUser = Type.Object({ name: Type.String(), email: Type.String(), username: Type.String() });
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

/** A branch with its head commit, as Gitea shows it. Protection is reported by the branch protection API. */
export function presentBranch(urls: RepoUrls, name: string, commit: GitCommit, canPush: boolean): Branch {
  return {
    name,
    commit: {
      id: commit.oid,
      message: commit.message,
      url: `${urls.html}/commit/${commit.oid}`,
      author: { ...person(commit.author), username: '' },
      committer: { ...person(commit.committer), username: '' },
      verification: null,
      timestamp: gitDate(commit.committer),
      added: [],
      removed: [],
      modified: [],
    },
    protected: false,
    required_approvals: 0,
    enable_status_check: false,
    status_check_contexts: [],
    user_can_push: canPush,
    user_can_merge: canPush,
    effective_branch_protection_name: '',
  };
}

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

export function presentTag(urls: RepoUrls, tag: RefInfo, commit: GitCommit): Tag {
  return {
    name: tag.name,
    message: tag.message,
    id: tag.id,
    commit: { url: `${urls.api}/git/commits/${tag.commit}`, sha: tag.commit, created: gitDate(commit.committer) },
    zipball_url: `${urls.api}/archive/${encodePath(tag.name)}.zip`,
    tarball_url: `${urls.api}/archive/${encodePath(tag.name)}.tar.gz`,
  };
}

/** Gitea's ContentsResponse: a file with its base64 content, or one entry of a folder listing. */
export const Contents = Type.Object({
  name: Type.String(),
  path: Type.String(),
  sha: Type.String(),
  last_commit_sha: Type.String(),
  type: Type.Union([Type.Literal('file'), Type.Literal('dir'), Type.Literal('symlink'), Type.Literal('submodule')]),
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

export type ContentsType = Contents['type'];

/** The Gitea contents type of a tree entry. */
export function contentsType(entry: Pick<GitEntry, 'type' | 'mode'>): ContentsType {
  if (entry.type === 'tree') return 'dir';
  if (entry.type === 'commit') return 'submodule';
  return entry.mode === '120000' ? 'symlink' : 'file';
}

export function presentContents(
  urls: RepoUrls,
  ref: ResolvedRef,
  entry: GitEntry,
  details: { size: number; lastCommit: string; content?: Uint8Array | null; target?: string | null },
): Contents {
  const type = contentsType(entry);
  const path = encodePath(entry.path);
  const query = `?ref=${encodeURIComponent(ref.name)}`;
  const self = `${urls.api}/contents/${path}${query}`;
  const gitUrl = `${urls.api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${entry.oid}`;
  const html = `${urls.html}/src/${ref.kind}/${encodePath(ref.name)}/${path}`;
  return {
    name: entry.name,
    path: entry.path,
    sha: entry.oid,
    last_commit_sha: details.lastCommit,
    type,
    size: details.size,
    encoding: details.content ? 'base64' : null,
    content: details.content ? Buffer.from(details.content).toString('base64') : null,
    target: details.target ?? null,
    url: self,
    html_url: html,
    git_url: gitUrl,
    download_url: type === 'file' ? `${urls.html}/raw/${ref.kind}/${encodePath(ref.name)}/${path}` : null,
    submodule_git_url: null,
    _links: { self, git: gitUrl, html },
  };
}

/** The ref a page was read at. */
export const Ref = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('branch'), Type.Literal('tag'), Type.Literal('commit')]),
  commit: Type.String(),
});
export type Ref = Static<typeof Ref>;

/** A resolved ref as the browse pages show it. */
export const presentRef = (ref: ResolvedRef): Ref => ({ name: ref.name, kind: ref.kind, commit: ref.oid });

/** The commit that last changed a path, summarised for a listing. */
export const LastCommit = Type.Object({
  sha: Type.String(),
  /** First line of the message. */
  summary: Type.String(),
  author_name: Type.String(),
  date: Type.String(),
});
export type LastCommit = Static<typeof LastCommit>;

/** A commit summarised for a listing, or null when there is none. */
export function presentLastCommit(commit: GitCommit | null): LastCommit | null {
  return commit ? { sha: commit.oid, summary: commit.message.split('\n', 1)[0], author_name: commit.author.name, date: gitDate(commit.author) } : null;
}

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
export type Tree = Static<typeof Tree>;

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
export type Blob = Static<typeof Blob>;

export const Readme = Type.Object({
  ref: Ref,
  path: Type.String(),
  name: Type.String(),
  sha: Type.String(),
  markdown: Nullable(Type.String()),
  lines: Nullable(Type.Array(Type.String())),
});
export type Readme = Static<typeof Readme>;

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

/** A commit with (a page of) its diff. */
export const CommitDiff = Type.Object({ commit: Commit, diff: Diff });

/** What `base...head` adds: its commits (at most 250 shown, oldest first) and the diff from the merge base. */
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
