import type { NotificationRow } from '../db/notifications.js';
import { NotificationCount, NotificationThread, WatchInfo } from '../../contract/issues.js';

export { NotificationCount, NotificationThread, WatchInfo };

/**
 * A notification as Gitea's NotificationThread: the subject links to the pull request or issue
 * (`/pulls/{n}` or `/issues/{n}`) and to its latest comment, when the last event added one.
 */
export function presentNotification(row: NotificationRow, baseUrl: string): NotificationThread {
  const fullName = `${row.owner_name}/${row.repo_name}`;
  const path = `${fullName}/${row.kind === 'pull' ? 'pulls' : 'issues'}/${row.number}`;
  const htmlUrl = `${baseUrl}/${path}`;
  const comment = row.latest_comment_id;
  return {
    id: row.id,
    repository: { id: row.repo_id, name: row.repo_name, owner: row.owner_name, full_name: fullName },
    subject: {
      title: row.title,
      url: `${baseUrl}/api/v1/repos/${path}`,
      html_url: htmlUrl,
      latest_comment_url: comment === null ? '' : `${baseUrl}/api/v1/repos/${fullName}/issues/comments/${comment}`,
      latest_comment_html_url: comment === null ? '' : `${htmlUrl}#issuecomment-${comment}`,
      type: row.kind === 'pull' ? 'Pull' : 'Issue',
      state: row.state,
    },
    unread: row.status === 'unread',
    pinned: row.status === 'pinned',
    updated_at: row.updated_at,
    url: `${baseUrl}/api/v1/notifications/threads/${row.id}`,
    reason: row.reason,
  };
}

/**
 * Gitea's WatchInfo: `url` is the subscription's own address, `repository_url` the repository's
 * API address; `subscribed` and `ignored` say the user's choice.
 */
export function presentWatchInfo(choice: { subscribed: boolean; ignored: boolean; createdAt: string }, urls: { url: string; repositoryUrl: string }): WatchInfo {
  return { subscribed: choice.subscribed, ignored: choice.ignored, reason: null, created_at: choice.createdAt, url: urls.url, repository_url: urls.repositoryUrl };
}
