import { request } from './client.js';
import type { Organization } from '../../../contract/organisations.js';
import type { Repository, RepositorySearchResult } from '../../../contract/repositories.js';
import type { Branch, BranchOverview, Comparison, Commit, CommitWithDiff, RefKind, Readme, Tag, Tree, Blob, Blame } from '../../../contract/browse.js';

export type { Repository } from '../../../contract/repositories.js';
export type { Blame, BlameCommit, BlameRange, Blob, Branch, BranchOverview, BranchOverviewItem, Commit, Comparison, Diff, DiffLine, EntryType, FileDiff, Hunk, Readme, RefKind, Tag, Tree, TreeEntry } from '../../../contract/browse.js';

/** One path segment or a repository path, each segment percent-encoded. */
export const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** How the explore page sorts: Gitea's `sort` values. */
export type RepoSort = 'updated' | 'alpha';

/** Which repositories explore lists: all (sources first), sources only, forks only (Gitea's `mode`). */
export type RepoMode = 'all' | 'source' | 'fork';

export interface RepoSearch {
  q?: string;
  sort?: RepoSort;
  mode?: RepoMode;
  page?: number;
  limit?: number;
}

/** `GET /api/v1/repos/search`: one page of the public repositories (and those the visitor may read), and how many match. */
export async function searchRepositories(search: RepoSearch, signal?: AbortSignal): Promise<Listed<Repository>> {
  const order = search.sort === 'alpha' ? 'asc' : 'desc';
  let total = 0;
  const result = await request<RepositorySearchResult>(
    `/api/v1/repos/search${query({
      q: search.q,
      sort: search.sort,
      order,
      mode: search.mode === 'all' ? undefined : search.mode,
      // A project before its forks, which often repeat its name and description.
      forks_last: search.mode === 'all' ? 'true' : undefined,
      page: search.page,
      limit: search.limit,
    })}`,
    { signal, onHeaders: (headers) => (total = Number(headers.get('x-total-count') ?? 0)) },
  );
  return { items: result.data, total: Math.max(total, result.data.length) };
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

const refPath = (ref: string, path: string) => (path ? `${encodePath(ref)}/${encodePath(path)}` : encodePath(ref));

/** `GET /api/v1/repos/{owner}/{repo}/tree/{ref}/{path}`: a folder with its entries' last commits. */
export function getTree(owner: string, repo: string, ref: string, path: string, signal?: AbortSignal): Promise<Tree> {
  return request<Tree>(`${repoApi(owner, repo)}/tree/${refPath(ref, path)}`, { signal });
}

/** `GET /api/v1/repos/{owner}/{repo}/blob/{ref}/{path}`: a file, highlighted or rendered. */
export function getBlob(owner: string, repo: string, ref: string, path: string, signal?: AbortSignal): Promise<Blob> {
  return request<Blob>(`${repoApi(owner, repo)}/blob/${refPath(ref, path)}`, { signal });
}

/** `GET /api/v1/repos/{owner}/{repo}/blame/{ref}/{path}`: who last changed each line of a file, beside its highlighted lines. */
export function getBlame(owner: string, repo: string, ref: string, path: string, signal?: AbortSignal): Promise<Blame> {
  return request<Blame>(`${repoApi(owner, repo)}/blame/${refPath(ref, path)}`, { signal });
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

/** `GET /api/v1/repos/{owner}/{repo}/commits?sha=&path=&page=&limit=`: history of a ref, or of one path. */
export function listCommits(
  owner: string,
  repo: string,
  options: { sha: string; path?: string; page: number; limit: number },
  signal?: AbortSignal,
): Promise<Commit[]> {
  return request<Commit[]>(`${repoApi(owner, repo)}/commits${query({ ...options })}`, { signal });
}

/** `GET /api/v1/repos/{owner}/{repo}/commit/{sha}/diff?offset=`: a commit and the changes it made against its first parent. */
export function getCommitDiff(owner: string, repo: string, sha: string, offset = 0, signal?: AbortSignal): Promise<CommitWithDiff> {
  return request<CommitWithDiff>(`${repoApi(owner, repo)}/commit/${encodeURIComponent(sha)}/diff${query({ offset: offset || undefined })}`, {
    signal,
  });
}

/** `GET /api/v1/repos/{owner}/{repo}/compare/{base}...{head}?offset=`; head may be `{user}:{branch}` or `{user}/{repo}:{branch}` (a fork's branch). */
export function compare(owner: string, repo: string, base: string, head: string, offset = 0, signal?: AbortSignal): Promise<Comparison> {
  return request<Comparison>(`${repoApi(owner, repo)}/compare/${encodePath(base)}...${encodePath(head)}${query({ offset: offset || undefined })}`, {
    signal,
  });
}

/** One page of a list and the length of the whole list (Gitea's `X-Total-Count`). */
export interface Listed<T> {
  items: T[];
  total: number;
}

/** Which page of branches or tags: `q` keeps those whose name holds it (searched by the server over every ref). */
export interface RefPaging {
  page?: number;
  limit?: number;
  q?: string;
}

async function listed<T>(path: string, signal?: AbortSignal): Promise<Listed<T>> {
  let total = 0;
  const items = await request<T[]>(path, { signal, onHeaders: (headers) => (total = Number(headers.get('x-total-count') ?? 0)) });
  return { items, total: Math.max(total, items.length) };
}

/** `GET /api/v1/repos/{owner}/{repo}/branches`: the first 50. */
export function listBranches(owner: string, repo: string, signal?: AbortSignal): Promise<Branch[]> {
  return request<Branch[]>(`${repoApi(owner, repo)}/branches${query({ limit: 50 })}`, { signal });
}

/** `GET /api/v1/repos/{owner}/{repo}/tags`: the first 50. */
export function listTags(owner: string, repo: string, signal?: AbortSignal): Promise<Tag[]> {
  return request<Tag[]>(`${repoApi(owner, repo)}/tags${query({ limit: 50 })}`, { signal });
}

/** `GET /api/v1/repos/{owner}/{repo}/branches?page=&limit=&q=`, with the total. */
export function pageBranches(owner: string, repo: string, paging: RefPaging, signal?: AbortSignal): Promise<Listed<Branch>> {
  return listed<Branch>(`${repoApi(owner, repo)}/branches${query({ limit: 50, ...paging })}`, signal);
}

/** `GET /api/v1/repos/{owner}/{repo}/tags?page=&limit=&q=`, with the total. */
export function pageTags(owner: string, repo: string, paging: RefPaging, signal?: AbortSignal): Promise<Listed<Tag>> {
  return listed<Tag>(`${repoApi(owner, repo)}/tags${query({ limit: 50, ...paging })}`, signal);
}

/** `GET /api/v1/repos/{owner}/{repo}/branch-overview`: the branches page, default branch first, with ahead/behind counts. */
export function getBranchOverview(owner: string, repo: string, paging: RefPaging, signal?: AbortSignal): Promise<BranchOverview> {
  return request<BranchOverview>(`${repoApi(owner, repo)}/branch-overview${query({ ...paging })}`, { signal });
}

/** `DELETE /api/v1/repos/{owner}/{repo}/branches/{branch}`: refused with the reason for the default or a protected branch. */
export function deleteBranch(owner: string, repo: string, branch: string): Promise<void> {
  return request<void>(`${repoApi(owner, repo)}/branches/${encodePath(branch)}`, { method: 'DELETE' });
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
  // Only names that prefix the path can match: the server's search on the first segment finds them among every ref.
  const paging = { q: full.split('/')[0] };
  const names = kind === 'branch' ? (await pageBranches(owner, repo, paging, signal)).items.map((b) => b.name) : (await pageTags(owner, repo, paging, signal)).items.map((tag) => tag.name);
  const name = names.filter((n) => full === n || full.startsWith(`${n}/`)).sort((a, b) => b.length - a.length)[0];
  return name ? { ref: name, path: full.slice(name.length + 1) } : { ref, path };
}
