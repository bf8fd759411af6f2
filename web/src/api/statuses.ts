import { request } from './client.js';
import type { CombinedStatus, CommitStates } from '../../../contract/statuses.js';

export type { CombinedStatus, CommitStates, CommitStatus, CommitStatusState, PullChecks } from '../../../contract/statuses.js';

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** `GET /repos/{owner}/{repo}/commits/{ref}/status`: the latest status of each context and their combined state. */
export function getCombinedStatus(owner: string, repo: string, ref: string, signal?: AbortSignal): Promise<CombinedStatus> {
  return request<CombinedStatus>(`${repoApi(owner, repo)}/commits/${encodeURIComponent(ref)}/status`, { signal });
}

/** Fabrique's `GET /repos/{owner}/{repo}/commit_states?shas=`: the combined state of each commit that has statuses. */
export function getCommitStates(owner: string, repo: string, shas: readonly string[], signal?: AbortSignal): Promise<CommitStates> {
  if (shas.length === 0) return Promise.resolve({});
  return request<CommitStates>(`${repoApi(owner, repo)}/commit_states?shas=${shas.slice(0, 100).join(',')}`, { signal });
}

/** `DELETE /repos/{owner}/{repo}/pulls/{n}/merge`: cancels "merge when checks succeed". */
export async function cancelAutoMerge(owner: string, repo: string, number: number): Promise<void> {
  await request<null>(`${repoApi(owner, repo)}/pulls/${number}/merge`, { method: 'DELETE' });
}
