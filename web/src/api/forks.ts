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

/** `POST /repos/{owner}/{repo}/merge-upstream`: fast-forwards a branch of a fork from its parent; a 409 when it cannot. */
export function syncFork(owner: string, repo: string, branch: string): Promise<MergeUpstreamResponse> {
  return request<MergeUpstreamResponse>(`${repoApi(owner, repo)}/merge-upstream`, { method: 'POST', body: { branch } });
}

/** `GET /repos/{owner}/{repo}`, read for its parent and the viewer's permissions. */
export function getRepositoryWithParent(owner: string, repo: string, signal?: AbortSignal): Promise<Repository> {
  return request<Repository>(repoApi(owner, repo), { signal });
}
