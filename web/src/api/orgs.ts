import { request } from './client.js';
import type { RepositorySettings } from './repos.js';

export type Visibility = 'public' | 'limited' | 'private';

/** The fields of Gitea's Organization object the pages use. */
export interface Organization {
  id: number;
  username: string;
  full_name: string;
  description: string;
  website: string;
  visibility: Visibility;
}

export interface NewOrganization {
  username: string;
  full_name: string;
  description: string;
  visibility: Visibility;
}

export interface Member {
  login: string;
  full_name: string;
}

const orgPath = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}`;

export function createOrganization(body: NewOrganization): Promise<Organization> {
  return request<Organization>('/api/v1/orgs', { method: 'POST', body });
}

export function getOrganization(org: string, signal?: AbortSignal): Promise<Organization> {
  return request<Organization>(orgPath(org), { signal });
}

/** The organisations the signed-in account belongs to. */
export function listMyOrganizations(signal?: AbortSignal): Promise<Organization[]> {
  return request<Organization[]>('/api/v1/user/orgs', { signal });
}

export function listMembers(org: string, signal?: AbortSignal): Promise<Member[]> {
  return request<Member[]>(`${orgPath(org)}/members?limit=50`, { signal });
}

/** The organisation's repositories the signed-in account may see (private ones to members). */
export function listOrgRepositories(org: string, signal?: AbortSignal): Promise<RepositorySettings[]> {
  return request<RepositorySettings[]>(`${orgPath(org)}/repos?limit=50`, { signal });
}

/** `GET /api/v1/users/{name}`, reduced to what tells an organisation from an account. */
export function getOwnerType(name: string, signal?: AbortSignal): Promise<'user' | 'organization'> {
  return request<{ type: 'user' | 'organization' }>(`/api/v1/users/${encodeURIComponent(name)}`, { signal }).then((owner) => owner.type);
}
