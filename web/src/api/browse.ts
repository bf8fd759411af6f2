import type { Organization } from './orgs.js';
import type { CompareHeadRepository } from '../../../contract/compare.js';
import { request } from './client.js';

/** One path segment or a repository path, each segment percent-encoded. */
export const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Gitea's user summary, as a repository names its owner. */
export interface Owner {
  id: number;
  login: string;
  full_name?: string;
  avatar_url?: string;
}

/** Gitea's Repository, the fields the browse pages read. */
export interface Repository {
  id: number;
  owner: Owner;
  name: string;
  full_name: string;
  description: string;
  empty: boolean;
  private: boolean;
  fork: boolean;
  archived: boolean;
  html_url: string;
  clone_url: string;
  website: string;
  default_branch: string;
  updated_at: string;
  /** Gitea ≥ 1.22 names the licences it detected; absent on older servers. */
  licenses?: string[];
  /** What the visitor may do; Gitea omits it for anonymous visitors. */
  permissions?: { admin: boolean; push: boolean; pull: boolean };
}

/** How the explore page sorts: Gitea's `sort` values. */
export type RepoSort = 'updated' | 'alpha';

export interface RepoSearch {
  q?: string;
  sort?: RepoSort;
  page?: number;
  limit?: number;
}

/** `GET /api/v1/repos/search`: public repositories (and those the visitor may read). */
export async function searchRepositories(search: RepoSearch, signal?: AbortSignal): Promise<Repository[]> {
  const order = search.sort === 'alpha' ? 'asc' : 'desc';
  const result = await request<{ ok: boolean; data: Repository[] }>(
    `/api/v1/repos/search${query({ q: search.q, sort: search.sort, order, page: search.page, limit: search.limit })}`,
    { signal },
  );
  return result.data;
}

/** `GET /api/v1/orgs?q=`: the organisations the visitor may see, by name or description (Fabrique's `q`). */
export function searchOrganisations(q: string, limit: number, signal?: AbortSignal): Promise<Organization[]> {
  return request<Organization[]>(`/api/v1/orgs${query({ q, limit })}`, { signal });
}

/** `GET /api/v1/users/{owner}/repos`: the repositories an account or an organisation owns. */
export function listOwnerRepositories(owner: string, page: number, limit: number, signal?: AbortSignal): Promise<Repository[]> {
  return request<Repository[]>(`/api/v1/users/${encodeURIComponent(owner)}/repos${query({ page, limit })}`, { signal });
}

/** `GET /api/v1/repos/{owner}/{repo}`. */
export function getRepository(owner: string, repo: string, signal?: AbortSignal): Promise<Repository> {
  return request<Repository>(repoApi(owner, repo), { signal });
}

/** How a page names the ref it shows, as in its URL: `/src/branch/main`, `/src/tag/v1`, `/src/commit/abc`. */
export type RefKind = 'branch' | 'tag' | 'commit';

/** The ref a page was read at, as the server resolved it. */
export interface Ref {
  name: string;
  kind: RefKind;
  commit: string;
}

/** The commit that last changed a path. */
export interface LastCommit {
  sha: string;
  /** First line of the message. */
  summary: string;
  author_name: string;
  date: string;
}

export type EntryType = 'file' | 'dir' | 'symlink' | 'submodule';

export interface TreeEntry {
  name: string;
  path: string;
  type: EntryType;
  mode: string;
  sha: string;
  last_commit: LastCommit | null;
}

/** A folder with each entry's last commit. */
export interface Tree {
  ref: Ref;
  path: string;
  last_commit: LastCommit | null;
  entries: TreeEntry[];
}

/** A file, highlighted or rendered by the server. */
export interface Blob {
  ref: Ref;
  path: string;
  name: string;
  sha: string;
  size: number;
  binary: boolean;
  too_large: boolean;
  image: boolean;
  language: string | null;
  /** Server-highlighted and escaped HTML, one string per line; null for binary and too large files. */
  lines: string[] | null;
  /** Server-sanitised HTML of a Markdown file. */
  markdown: string | null;
  raw_url: string;
  last_commit: LastCommit | null;
}

/** The README of a folder, rendered by the server. */
export interface Readme {
  ref: Ref;
  path: string;
  name: string;
  sha: string;
  markdown: string | null;
  lines: string[] | null;
}

const refPath = (ref: string, path: string) => (path ? `${encodePath(ref)}/${encodePath(path)}` : encodePath(ref));

/** `GET /api/v1/repos/{owner}/{repo}/tree/{ref}/{path}`: a folder with its entries' last commits. */
export function getTree(owner: string, repo: string, ref: string, path: string, signal?: AbortSignal): Promise<Tree> {
  return request<Tree>(`${repoApi(owner, repo)}/tree/${refPath(ref, path)}`, { signal });
}

/** `GET /api/v1/repos/{owner}/{repo}/blob/{ref}/{path}`: a file, highlighted or rendered. */
export function getBlob(owner: string, repo: string, ref: string, path: string, signal?: AbortSignal): Promise<Blob> {
  return request<Blob>(`${repoApi(owner, repo)}/blob/${refPath(ref, path)}`, { signal });
}

/** `GET /api/v1/repos/{owner}/{repo}/readme/{ref}`: the README of the root; an ApiError 404 when there is none. */
export function getReadme(owner: string, repo: string, ref: string, signal?: AbortSignal): Promise<Readme> {
  return request<Readme>(`${repoApi(owner, repo)}/readme/${encodePath(ref)}`, { signal });
}

/** The raw bytes of a file at a ref (Gitea's `/raw/{path}?ref=`). */
export const rawUrl = (owner: string, repo: string, ref: string, path: string) => `${repoApi(owner, repo)}/raw/${encodePath(path)}${query({ ref })}`;

/** An archive of the repository at a ref (Gitea's `/archive/{ref}.zip`). */
export const archiveUrl = (owner: string, repo: string, ref: string, format: 'zip' | 'tar.gz') =>
  `${repoApi(owner, repo)}/archive/${encodePath(ref)}.${format}`;

/** Gitea's CommitUser. */
export interface CommitUser {
  name: string;
  email: string;
  date: string;
}

/** Gitea's Commit. */
export interface Commit {
  sha: string;
  html_url: string;
  created: string;
  commit: { author: CommitUser; committer: CommitUser; message: string };
  parents: { sha: string }[];
  files?: { filename: string; status: string }[];
  stats?: { total: number; additions: number; deletions: number };
}

/** `GET /api/v1/repos/{owner}/{repo}/commits?sha=&path=&page=&limit=`: history of a ref, or of one path. */
export function listCommits(
  owner: string,
  repo: string,
  options: { sha: string; path?: string; page: number; limit: number },
  signal?: AbortSignal,
): Promise<Commit[]> {
  return request<Commit[]>(`${repoApi(owner, repo)}/commits${query({ ...options })}`, { signal });
}

export interface DiffLine {
  type: 'add' | 'del' | 'ctx';
  old: number | null;
  new: number | null;
  content: string;
}

export interface Hunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface FileDiff {
  filename: string;
  old_filename: string | null;
  status: 'added' | 'deleted' | 'modified' | 'renamed';
  similarity: number | null;
  binary: boolean;
  too_large: boolean;
  additions: number;
  deletions: number;
  hunks: Hunk[];
}

/** A diff, one slice of files at a time: ask again from `next_offset` while `truncated`. */
export interface Diff {
  files: FileDiff[];
  total_files: number;
  offset: number;
  truncated: boolean;
  next_offset: number | null;
}

/** `GET /api/v1/repos/{owner}/{repo}/commit/{sha}/diff?offset=`: a commit and the changes it made against its first parent. */
export function getCommitDiff(owner: string, repo: string, sha: string, offset = 0, signal?: AbortSignal): Promise<{ commit: Commit; diff: Diff }> {
  return request<{ commit: Commit; diff: Diff }>(`${repoApi(owner, repo)}/commit/${encodeURIComponent(sha)}/diff${query({ offset: offset || undefined })}`, {
    signal,
  });
}

/** What `head` has that `base` lacks: its commits (oldest first) and the diff since their merge base. */
export interface Comparison {
  base: Ref;
  head: Ref;
  /** Set when the head was read in another repository of the fork network (`{user}:{branch}`). */
  head_repository?: CompareHeadRepository;
  merge_base: string | null;
  total_commits: number;
  commits: Commit[];
  diff: Diff;
}

/** `GET /api/v1/repos/{owner}/{repo}/compare/{base}...{head}?offset=`; head may be `{user}:{branch}` or `{user}/{repo}:{branch}` (a fork's branch). */
export function compare(owner: string, repo: string, base: string, head: string, offset = 0, signal?: AbortSignal): Promise<Comparison> {
  return request<Comparison>(`${repoApi(owner, repo)}/compare/${encodePath(base)}...${encodePath(head)}${query({ offset: offset || undefined })}`, {
    signal,
  });
}

/** Gitea's Branch, the fields the branches page reads. */
export interface Branch {
  name: string;
  commit: { id: string; message: string; timestamp: string; author: { name: string } };
  protected: boolean;
}

/** `GET /api/v1/repos/{owner}/{repo}/branches`. */
export function listBranches(owner: string, repo: string, signal?: AbortSignal): Promise<Branch[]> {
  return request<Branch[]>(`${repoApi(owner, repo)}/branches${query({ limit: 50 })}`, { signal });
}

/** Gitea's Tag. */
export interface Tag {
  name: string;
  message: string;
  id: string;
  commit: { sha: string; created: string };
  zipball_url: string;
  tarball_url: string;
}

/** `GET /api/v1/repos/{owner}/{repo}/tags`. */
export function listTags(owner: string, repo: string, signal?: AbortSignal): Promise<Tag[]> {
  return request<Tag[]>(`${repoApi(owner, repo)}/tags${query({ limit: 50 })}`, { signal });
}

/**
 * Splits `{ref}/{path}` of a page URL where a branch or tag name may itself hold slashes
 * (`/src/branch/feature/x/docs`): the longest existing name that prefixes it wins, as on Gitea.
 */
export async function splitRefPath(
  owner: string,
  repo: string,
  kind: RefKind,
  ref: string,
  path: string,
  signal?: AbortSignal,
): Promise<{ ref: string; path: string }> {
  if (kind === 'commit' || path === '') return { ref, path };
  const full = path ? `${ref}/${path}` : ref;
  const names = kind === 'branch' ? (await listBranches(owner, repo, signal)).map((b) => b.name) : (await listTags(owner, repo, signal)).map((tag) => tag.name);
  const name = names.filter((n) => full === n || full.startsWith(`${n}/`)).sort((a, b) => b.length - a.length)[0];
  return name ? { ref: name, path: full.slice(name.length + 1) } : { ref, path };
}
