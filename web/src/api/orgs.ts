import { request } from './client.js';
import type { CreateOrgOption, Organization } from '../../../contract/organisations.js';
import type { Repository } from '../../../contract/repositories.js';
import type { User, UserSummary } from '../../../contract/users.js';

export type { Visibility } from '../../../contract/organisations.js';
export type { UserSummary as Member } from '../../../contract/users.js';

const orgPath = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}`;

export function createOrganization(body: CreateOrgOption): Promise<Organization> {
  return request<Organization>('/api/v1/orgs', { method: 'POST', body });
}

export function getOrganization(org: string, signal?: AbortSignal): Promise<Organization> {
  return request<Organization>(orgPath(org), { signal });
}

/** The organisations the signed-in account belongs to. */
export function listMyOrganizations(signal?: AbortSignal): Promise<Organization[]> {
  return request<Organization[]>('/api/v1/user/orgs', { signal });
}

export function listMembers(org: string, signal?: AbortSignal): Promise<UserSummary[]> {
  return request<UserSummary[]>(`${orgPath(org)}/members?limit=50`, { signal });
}

/** The organisation's repositories the signed-in account may see (private ones to members). */
export function listOrgRepositories(org: string, signal?: AbortSignal): Promise<Repository[]> {
  return request<Repository[]>(`${orgPath(org)}/repos?limit=50`, { signal });
}

/** `GET /api/v1/users/{name}`, reduced to what tells an organisation from an account. */
export function getOwnerType(name: string, signal?: AbortSignal): Promise<User['type']> {
  return request<User>(`/api/v1/users/${encodeURIComponent(name)}`, { signal }).then((owner) => owner.type);
}
