import { request } from './client.js';
import type { Member } from './orgs.js';
import type { RepositorySettings } from './repos.js';

/** What a team may do on its repositories; `owner` is the Owners team, which administers the organisation. */
export type TeamPermission = 'read' | 'write' | 'admin' | 'owner';

/** The fields of Gitea's Team object the pages use. */
export interface Team {
  id: number;
  name: string;
  description: string;
  permission: TeamPermission;
  includes_all_repositories: boolean;
  can_create_org_repo: boolean;
}

export interface NewTeam {
  name: string;
  description: string;
  permission: Exclude<TeamPermission, 'owner'>;
  includes_all_repositories: boolean;
  can_create_org_repo: boolean;
}

const teamPath = (id: number) => `/api/v1/teams/${id}`;

/** The organisation's teams; only its members may list them. */
export function listTeams(org: string, signal?: AbortSignal): Promise<Team[]> {
  return request<Team[]>(`/api/v1/orgs/${encodeURIComponent(org)}/teams?limit=50`, { signal });
}

export function createTeam(org: string, body: NewTeam): Promise<Team> {
  return request<Team>(`/api/v1/orgs/${encodeURIComponent(org)}/teams`, { method: 'POST', body });
}

export function listTeamMembers(id: number, signal?: AbortSignal): Promise<Member[]> {
  return request<Member[]>(`${teamPath(id)}/members`, { signal });
}

export function addTeamMember(id: number, username: string): Promise<void> {
  return request<void>(`${teamPath(id)}/members/${encodeURIComponent(username)}`, { method: 'PUT' });
}

export function removeTeamMember(id: number, username: string): Promise<void> {
  return request<void>(`${teamPath(id)}/members/${encodeURIComponent(username)}`, { method: 'DELETE' });
}

/** The team's repositories the signed-in account may read. */
export function listTeamRepositories(id: number, signal?: AbortSignal): Promise<RepositorySettings[]> {
  return request<RepositorySettings[]>(`${teamPath(id)}/repos`, { signal });
}

export function addTeamRepository(id: number, org: string, repo: string): Promise<void> {
  return request<void>(`${teamPath(id)}/repos/${encodeURIComponent(org)}/${encodeURIComponent(repo)}`, { method: 'PUT' });
}

export function removeTeamRepository(id: number, org: string, repo: string): Promise<void> {
  return request<void>(`${teamPath(id)}/repos/${encodeURIComponent(org)}/${encodeURIComponent(repo)}`, { method: 'DELETE' });
}
