import { request } from './client.js';
import type { CreateTeamOption, Team } from '../../../contract/organisations.js';
import type { Repository } from '../../../contract/repositories.js';
import type { UserSummary } from '../../../contract/users.js';

export type { NewTeamPermission, Team, TeamPermission } from '../../../contract/organisations.js';

const teamPath = (id: number) => `/api/v1/teams/${id}`;

/** The organisation's teams; only its members may list them. */
export function listTeams(org: string, signal?: AbortSignal): Promise<Team[]> {
  return request<Team[]>(`/api/v1/orgs/${encodeURIComponent(org)}/teams?limit=50`, { signal });
}

export function createTeam(org: string, body: CreateTeamOption): Promise<Team> {
  return request<Team>(`/api/v1/orgs/${encodeURIComponent(org)}/teams`, { method: 'POST', body });
}

export function listTeamMembers(id: number, signal?: AbortSignal): Promise<UserSummary[]> {
  return request<UserSummary[]>(`${teamPath(id)}/members`, { signal });
}

export function addTeamMember(id: number, username: string): Promise<void> {
  return request<void>(`${teamPath(id)}/members/${encodeURIComponent(username)}`, { method: 'PUT' });
}

export function removeTeamMember(id: number, username: string): Promise<void> {
  return request<void>(`${teamPath(id)}/members/${encodeURIComponent(username)}`, { method: 'DELETE' });
}

/** The team's repositories the signed-in account may read. */
export function listTeamRepositories(id: number, signal?: AbortSignal): Promise<Repository[]> {
  return request<Repository[]>(`${teamPath(id)}/repos`, { signal });
}

export function addTeamRepository(id: number, org: string, repo: string): Promise<void> {
  return request<void>(`${teamPath(id)}/repos/${encodeURIComponent(org)}/${encodeURIComponent(repo)}`, { method: 'PUT' });
}

export function removeTeamRepository(id: number, org: string, repo: string): Promise<void> {
  return request<void>(`${teamPath(id)}/repos/${encodeURIComponent(org)}/${encodeURIComponent(repo)}`, { method: 'DELETE' });
}
