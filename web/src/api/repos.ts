import { request } from './client.js';
import type { CreateRepoOption, EditRepoOption, RepoCollaboratorPermission, Repository } from '../../../contract/repositories.js';
import type { UserSummary } from '../../../contract/users.js';

/** What the settings page may grant (Gitea's AddCollaboratorOption). */
export type CollaboratorPermission = 'read' | 'write' | 'admin';

/** A collaborator with the permission they hold, from two answers of the API. */
export type Collaborator = Pick<UserSummary, 'login' | 'full_name'> & Pick<RepoCollaboratorPermission, 'permission'>;

const repoPath = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** Creates a repository for the signed-in account, or for an organisation when `org` is given. */
export function createRepository(org: string | null, body: CreateRepoOption): Promise<Repository> {
  const path = org === null ? '/api/v1/user/repos' : `/api/v1/orgs/${encodeURIComponent(org)}/repos`;
  return request<Repository>(path, { method: 'POST', body: { ...body, readme: body.auto_init ? 'Default' : undefined } });
}

export function getRepository(owner: string, repo: string, signal?: AbortSignal): Promise<Repository> {
  return request<Repository>(repoPath(owner, repo), { signal });
}

export function editRepository(owner: string, repo: string, changes: EditRepoOption): Promise<Repository> {
  return request<Repository>(repoPath(owner, repo), { method: 'PATCH', body: changes });
}

export function deleteRepository(owner: string, repo: string): Promise<void> {
  return request<void>(repoPath(owner, repo), { method: 'DELETE' });
}

/** The collaborators of a repository with the permission each holds. */
export async function listCollaborators(owner: string, repo: string, signal?: AbortSignal): Promise<Collaborator[]> {
  const users = await request<UserSummary[]>(`${repoPath(owner, repo)}/collaborators?limit=50`, { signal });
  return Promise.all(
    users.map(async (user) => {
      const { permission } = await request<RepoCollaboratorPermission>(
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
