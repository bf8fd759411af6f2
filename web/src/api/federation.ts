import { request } from './client.js';
import type { PullRequest } from './pulls.js';
import type { CreateRemotePullOption, RefreshOutcome, RemotePullSummary, Upstream, UpstreamProposal, UpstreamSync } from '../../../contract/federation.js';

export type { RefreshOutcome, RemotePullSummary, Upstream, UpstreamProposal, UpstreamSync };

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** `POST /repos/{owner}/{repo}/pulls/remote`: a pull request from a branch on another forge. */
export function createRemotePull(owner: string, repo: string, input: CreateRemotePullOption): Promise<PullRequest> {
  return request<PullRequest>(`${repoApi(owner, repo)}/pulls/remote`, { method: 'POST', body: input });
}

/** `POST /repos/{owner}/{repo}/pulls/{n}/refresh`: fetch the pull request's source branch again. */
export function refreshRemotePull(owner: string, repo: string, number: number): Promise<RefreshOutcome> {
  return request<RefreshOutcome>(`${repoApi(owner, repo)}/pulls/${number}/refresh`, { method: 'POST' });
}

/** `GET /repos/{owner}/{repo}/upstream`: where an imported repository came from (a 404 when it was not imported). */
export function getUpstream(owner: string, repo: string, signal?: AbortSignal): Promise<Upstream> {
  return request<Upstream>(`${repoApi(owner, repo)}/upstream`, { signal });
}

/** `GET /repos/{owner}/{repo}/upstream/pulls`: the open pull requests on the upstream forge from this repository's branches. */
export function listUpstreamPulls(owner: string, repo: string, signal?: AbortSignal): Promise<RemotePullSummary[]> {
  return request<RemotePullSummary[]>(`${repoApi(owner, repo)}/upstream/pulls`, { signal });
}

/** `POST /repos/{owner}/{repo}/upstream/working-fork`: a mirror stops mirroring and takes changes. */
export function makeWorkingFork(owner: string, repo: string): Promise<Upstream> {
  return request<Upstream>(`${repoApi(owner, repo)}/upstream/working-fork`, { method: 'POST' });
}

/** `POST /repos/{owner}/{repo}/upstream/sync`: fast-forward from the upstream's default branch. */
export function syncFromUpstream(owner: string, repo: string): Promise<UpstreamSync> {
  return request<UpstreamSync>(`${repoApi(owner, repo)}/upstream/sync`, { method: 'POST' });
}

/** `POST /repos/{owner}/{repo}/upstream/propose`: prepares the upstream's pull request page for a branch. */
export function proposeUpstream(owner: string, repo: string, branch: string): Promise<UpstreamProposal> {
  return request<UpstreamProposal>(`${repoApi(owner, repo)}/upstream/propose`, { method: 'POST', body: { branch } });
}
