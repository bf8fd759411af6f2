import { request } from './client.js';
import type { NotificationCount, NotificationThread, WatchInfo } from '../../../contract/issues.js';

export type { NotificationThread } from '../../../contract/issues.js';

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;

/** Which notifications a list shows: unread (and pinned), or those already read. */
export type NotificationTab = 'unread' | 'read';

/**
 * Tells the header's badge that the unread count may have changed (a thread marked read). The
 * notifications page fires it after each change; the user menu listens on `window`.
 */
export const NOTIFICATIONS_CHANGED = 'fab-notifications-changed';

/** `GET /notifications/new`: how many unread notifications the signed-in user has. */
export async function unreadNotificationCount(signal?: AbortSignal): Promise<number> {
  return (await request<NotificationCount>('/api/v1/notifications/new', { signal })).new;
}

/** `GET /notifications`: a page of the unread (and pinned) or read notifications, most recent first. */
export function listNotifications(tab: NotificationTab, page: number, signal?: AbortSignal): Promise<NotificationThread[]> {
  const statuses = tab === 'unread' ? 'status-types=unread&status-types=pinned' : 'status-types=read';
  return request<NotificationThread[]>(`/api/v1/notifications?${statuses}&page=${page}&limit=30`, { signal });
}

/** `PATCH /notifications/threads/{id}`: marks one notification read. */
export async function markNotificationRead(id: number): Promise<void> {
  await request(`/api/v1/notifications/threads/${id}?to-status=read`, { method: 'PATCH' });
}

/** `PUT /notifications`: marks every unread notification read. */
export async function markAllNotificationsRead(): Promise<void> {
  await request('/api/v1/notifications', { method: 'PUT' });
}

/** `GET /repos/{o}/{r}/subscription/check` (Fabrique's): whether the signed-in user watches the repository. */
export async function isWatching(owner: string, repo: string, signal?: AbortSignal): Promise<boolean> {
  return (await request<WatchInfo>(`${repoApi(owner, repo)}/subscription/check`, { signal })).subscribed;
}

/** `PUT` or `DELETE /repos/{o}/{r}/subscription`: watches the repository, or stops. */
export async function setWatching(owner: string, repo: string, watching: boolean): Promise<void> {
  await request(`${repoApi(owner, repo)}/subscription`, { method: watching ? 'PUT' : 'DELETE' });
}

/** `GET /repos/{o}/{r}/issues/{n}/subscriptions/check`: whether the signed-in user follows the conversation. */
export async function isSubscribed(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<boolean> {
  return (await request<WatchInfo>(`${repoApi(owner, repo)}/issues/${number}/subscriptions/check`, { signal })).subscribed;
}

/** `PUT` or `DELETE /repos/{o}/{r}/issues/{n}/subscriptions/{user}`: follows the conversation, or stops. */
export async function setSubscribed(owner: string, repo: string, number: number, user: string, subscribed: boolean): Promise<void> {
  await request(`${repoApi(owner, repo)}/issues/${number}/subscriptions/${encodeURIComponent(user)}`, { method: subscribed ? 'PUT' : 'DELETE' });
}
