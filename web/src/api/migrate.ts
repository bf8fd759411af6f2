import { request } from './client.js';
import type { MigrateRepoOptions, MirrorStatus } from '../../../contract/migrate.js';
import type { Repository } from '../../../contract/repositories.js';

export type { MirrorStatus } from '../../../contract/migrate.js';

const repoPath = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** Imports (or mirrors) a repository from another forge; resolves once it is all fetched. */
export function migrateRepository(options: MigrateRepoOptions, signal?: AbortSignal): Promise<Repository> {
  return request<Repository>('/api/v1/repos/migrate', { method: 'POST', body: options, signal });
}

export function getMirrorStatus(owner: string, repo: string, signal?: AbortSignal): Promise<MirrorStatus> {
  return request<MirrorStatus>(`${repoPath(owner, repo)}/mirror`, { signal });
}

/** Fetches from a mirror's source now; resolves once done. */
export function syncMirror(owner: string, repo: string): Promise<null> {
  return request<null>(`${repoPath(owner, repo)}/mirror-sync`, { method: 'POST' });
}
