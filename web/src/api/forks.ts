import { request } from './client.js';
import type { MergeUpstreamResponse, Repository } from '../../../contract/repositories.js';

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** `POST /repos/{owner}/{repo}/forks`: into the signed-in account, or into `organization`; Gitea answers 202 with the fork. */
export function forkRepository(owner: string, repo: string, options: { organization?: string; name?: string } = {}): Promise<Repository> {
  return request<Repository>(`${repoApi(owner, repo)}/forks`, { method: 'POST', body: options });
}

/** `GET /repos/{owner}/{repo}/forks`. */
export function listForks(owner: string, repo: string, signal?: AbortSignal): Promise<Repository[]> {
  return request<Repository[]>(`${repoApi(owner, repo)}/forks?limit=50`, { signal });
}

/** `GET /repos/{owner}/{repo}/forks?page=`: one page of 50 forks, and how many the visitor may see in all. */
export async function pageForks(owner: string, repo: string, page: number, signal?: AbortSignal): Promise<{ items: Repository[]; total: number }> {
  let total = 0;
  const items = await request<Repository[]>(`${repoApi(owner, repo)}/forks?limit=50&page=${page}`, {
    signal,
    onHeaders: (headers) => (total = Number(headers.get('x-total-count') ?? 0)),
  });
  return { items, total: Math.max(total, items.length) };
}

/** `POST /repos/{owner}/{repo}/merge-upstream`: fast-forwards a branch of a fork from its parent; a 409 when it cannot. */
export function syncFork(owner: string, repo: string, branch: string): Promise<MergeUpstreamResponse> {
  return request<MergeUpstreamResponse>(`${repoApi(owner, repo)}/merge-upstream`, { method: 'POST', body: { branch } });
}

/** `GET /repos/{owner}/{repo}`, read for its parent and the viewer's permissions. */
export function getRepositoryWithParent(owner: string, repo: string, signal?: AbortSignal): Promise<Repository> {
  return request<Repository>(repoApi(owner, repo), { signal });
}
