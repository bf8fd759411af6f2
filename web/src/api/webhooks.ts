import { request } from './client.js';
import type { CreateHookOption, EditHookOption, Hook, HookDelivery } from '../../../contract/webhooks.js';

export type { CreateHookOption, EditHookOption, Hook, HookDelivery };

const hooksPath = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/hooks`;

/** The repository's webhooks (administrators only). */
export function listHooks(owner: string, repo: string, signal?: AbortSignal): Promise<Hook[]> {
  return request<Hook[]>(hooksPath(owner, repo), { signal });
}

/** Adds a webhook. */
export function createHook(owner: string, repo: string, option: CreateHookOption): Promise<Hook> {
  return request<Hook>(hooksPath(owner, repo), { method: 'POST', body: option });
}

/** Changes a webhook; an absent secret is kept. */
export function editHook(owner: string, repo: string, id: number, option: EditHookOption): Promise<Hook> {
  return request<Hook>(`${hooksPath(owner, repo)}/${id}`, { method: 'PATCH', body: option });
}

/** Deletes a webhook and its deliveries. */
export function deleteHook(owner: string, repo: string, id: number): Promise<void> {
  return request<void>(`${hooksPath(owner, repo)}/${id}`, { method: 'DELETE' });
}

/** Queues a test delivery (a push of the default branch's last commit). */
export function testHook(owner: string, repo: string, id: number): Promise<void> {
  return request<void>(`${hooksPath(owner, repo)}/${id}/tests`, { method: 'POST' });
}

/** A webhook's latest deliveries, newest first. */
export function listDeliveries(owner: string, repo: string, id: number, signal?: AbortSignal): Promise<HookDelivery[]> {
  return request<HookDelivery[]>(`${hooksPath(owner, repo)}/${id}/deliveries?limit=20`, { signal });
}

/** Sends a delivery again, now. */
export function redeliver(owner: string, repo: string, id: number, uuid: string): Promise<void> {
  return request<void>(`${hooksPath(owner, repo)}/${id}/deliveries/${encodeURIComponent(uuid)}/redeliver`, { method: 'POST' });
}
