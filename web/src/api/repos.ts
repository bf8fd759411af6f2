import { request } from './client.js';

export type CollaboratorPermission = 'read' | 'write' | 'admin';

/** The fields of Gitea's Repository object the pages use. */
export interface RepositorySettings {
  id: number;
  name: string;
  full_name: string;
  description: string;
  website: string;
  private: boolean;
  archived: boolean;
  empty: boolean;
  default_branch: string;
  html_url: string;
  owner: { login: string };
  permissions: { admin: boolean; push: boolean; pull: boolean };
}

export interface NewRepository {
  name: string;
  description: string;
  private: boolean;
  auto_init: boolean;
  license?: string;
  default_branch?: string;
}

export interface RepositoryChanges {
  name?: string;
  description?: string;
  website?: string;
  private?: boolean;
  archived?: boolean;
  default_branch?: string;
}

export interface Collaborator {
  login: string;
  full_name: string;
  permission: CollaboratorPermission;
}

const repoPath = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** Creates a repository for the signed-in account, or for an organisation when `org` is given. */
export function createRepository(org: string | null, body: NewRepository): Promise<RepositorySettings> {
  const path = org === null ? '/api/v1/user/repos' : `/api/v1/orgs/${encodeURIComponent(org)}/repos`;
  return request<RepositorySettings>(path, { method: 'POST', body: { ...body, readme: body.auto_init ? 'Default' : undefined } });
}

export function getRepository(owner: string, repo: string, signal?: AbortSignal): Promise<RepositorySettings> {
  return request<RepositorySettings>(repoPath(owner, repo), { signal });
}

export function editRepository(owner: string, repo: string, changes: RepositoryChanges): Promise<RepositorySettings> {
  return request<RepositorySettings>(repoPath(owner, repo), { method: 'PATCH', body: changes });
}

export function deleteRepository(owner: string, repo: string): Promise<void> {
  return request<void>(repoPath(owner, repo), { method: 'DELETE' });
}

/** The collaborators of a repository with the permission each holds. */
export async function listCollaborators(owner: string, repo: string, signal?: AbortSignal): Promise<Collaborator[]> {
  const users = await request<Array<{ login: string; full_name: string }>>(`${repoPath(owner, repo)}/collaborators?limit=50`, { signal });
  return Promise.all(
    users.map(async (user) => {
      const { permission } = await request<{ permission: CollaboratorPermission }>(
        `${repoPath(owner, repo)}/collaborators/${encodeURIComponent(user.login)}/permission`,
        { signal },
      );
      return { login: user.login, full_name: user.full_name, permission };
    }),
  );
}

export function setCollaborator(owner: string, repo: string, username: string, permission: CollaboratorPermission): Promise<void> {
  return request<void>(`${repoPath(owner, repo)}/collaborators/${encodeURIComponent(username)}`, { method: 'PUT', body: { permission } });
}

export function removeCollaborator(owner: string, repo: string, username: string): Promise<void> {
  return request<void>(`${repoPath(owner, repo)}/collaborators/${encodeURIComponent(username)}`, { method: 'DELETE' });
}
