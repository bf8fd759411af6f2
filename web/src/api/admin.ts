import { request } from './client.js';
import type { AdminRepository, AuditEvent, CronTask, SystemInfo } from '../../../contract/admin.js';
import type { User } from '../../../contract/users.js';
import type { Organization } from '../../../contract/organisations.js';

export type { AdminRepository, AuditEvent, CronTask, SystemInfo, User, Organization };

/** One page of a list and the total the server counted. */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Page size of the admin lists. */
export const ADMIN_PAGE_SIZE = 20;

async function listPage<T>(path: string, query: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<Page<T>> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  let total = 0;
  const items = await request<T[]>(`${path}?${params.toString()}`, { signal, onHeaders: (headers) => (total = Number(headers.get('x-total-count')) || 0) });
  return { items, total };
}

/** `GET /api/v1/admin/users`: accounts searched by `q`. */
export function listAdminUsers(q: string, page: number, signal?: AbortSignal): Promise<Page<User>> {
  return listPage<User>('/api/v1/admin/users', { q, page, limit: ADMIN_PAGE_SIZE }, signal);
}

/** `POST /api/v1/admin/users`. */
export function createAdminUser(input: { username: string; email: string; password: string; full_name?: string }): Promise<User> {
  return request<User>('/api/v1/admin/users', { method: 'POST', body: input });
}

/** `PATCH /api/v1/admin/users/{username}`: suspension, administrator flag. */
export function editAdminUser(username: string, changes: { prohibit_login?: boolean; admin?: boolean }): Promise<User> {
  return request<User>(`/api/v1/admin/users/${encodeURIComponent(username)}`, { method: 'PATCH', body: changes });
}

/** `DELETE /api/v1/admin/users/{username}`, with `purge` deleting the account's repositories too. */
export async function deleteAdminUser(username: string, purge: boolean): Promise<void> {
  await request<null>(`/api/v1/admin/users/${encodeURIComponent(username)}?purge=${purge}`, { method: 'DELETE' });
}

/** `POST /api/v1/repos/{owner}/{repo}/transfer` (an administrator's transfer is done at once). */
export async function transferRepository(fullName: string, newOwner: string): Promise<void> {
  await request<unknown>(`/api/v1/repos/${fullName.split('/').map(encodeURIComponent).join('/')}/transfer`, { method: 'POST', body: { new_owner: newOwner } });
}

/** `GET /api/v1/admin/orgs`. */
export function listAdminOrgs(q: string, page: number, signal?: AbortSignal): Promise<Page<Organization>> {
  return listPage<Organization>('/api/v1/admin/orgs', { q, page, limit: ADMIN_PAGE_SIZE }, signal);
}

/** `GET /api/v1/admin/repos`: every repository, with size, last push and mirror state. */
export function listAdminRepos(q: string, page: number, signal?: AbortSignal): Promise<Page<AdminRepository>> {
  return listPage<AdminRepository>('/api/v1/admin/repos', { q, page, limit: ADMIN_PAGE_SIZE }, signal);
}

/** `POST /api/v1/admin/repos/{owner}/{repo}/maintenance`: repacks now; resolves when done. */
export async function runRepositoryMaintenance(fullName: string): Promise<void> {
  await request<null>(`/api/v1/admin/repos/${fullName.split('/').map(encodeURIComponent).join('/')}/maintenance`, { method: 'POST' });
}

/** The audit trail's filters, as the page's query string carries them. */
export interface AuditFilters {
  actor?: string;
  action?: string;
  repo?: string;
  since?: string;
  until?: string;
}

/** `GET /api/v1/admin/audit` with filters. */
export function listAuditEvents(filters: AuditFilters, page: number, signal?: AbortSignal): Promise<Page<AuditEvent>> {
  return listPage<AuditEvent>('/api/v1/admin/audit', { ...filters, page, limit: ADMIN_PAGE_SIZE }, signal);
}

/** `GET /api/v1/admin/system`. */
export function systemInfo(signal?: AbortSignal): Promise<SystemInfo> {
  return request<SystemInfo>('/api/v1/admin/system', { signal });
}

/** `POST /api/v1/admin/cron/{task}`: starts a background task now. */
export async function runCronTask(name: string): Promise<void> {
  await request<null>(`/api/v1/admin/cron/${encodeURIComponent(name)}`, { method: 'POST' });
}
