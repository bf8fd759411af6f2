import { request } from './client.js';

/** Gitea's MigrateRepoOptions, the fields the import page sends. */
export interface MigrateOptions {
  clone_addr: string;
  repo_name: string;
  repo_owner: string;
  mirror: boolean;
  mirror_interval?: string;
  private: boolean;
  description: string;
  auth_username?: string;
  auth_token?: string;
}

/** Where a repository was imported from and, for a mirror, how its syncs go (Fabrique's own endpoint). */
export interface MirrorStatus {
  original_url: string;
  mirror: boolean;
  mirror_interval: string;
  last_sync_at: string | null;
  last_error: string;
  next_sync_at: string | null;
  can_sync: boolean;
}

const repoPath = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** Imports (or mirrors) a repository from another forge; resolves once it is all fetched. */
export function migrateRepository(options: MigrateOptions, signal?: AbortSignal): Promise<{ full_name: string }> {
  return request<{ full_name: string }>('/api/v1/repos/migrate', { method: 'POST', body: options, signal });
}

export function getMirrorStatus(owner: string, repo: string, signal?: AbortSignal): Promise<MirrorStatus> {
  return request<MirrorStatus>(`${repoPath(owner, repo)}/mirror`, { signal });
}

/** Fetches from a mirror's source now; resolves once done. */
export function syncMirror(owner: string, repo: string): Promise<null> {
  return request<null>(`${repoPath(owner, repo)}/mirror-sync`, { method: 'POST' });
}
