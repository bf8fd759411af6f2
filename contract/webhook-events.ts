// Plain data, no TypeBox: the web app imports these values without pulling the schema library in.

/**
 * The event types a hook may choose, in Gitea's names. `issues` and `pull_request` also stand for
 * their whole family (as Gitea's API reads them): every issue or pull request sub-event.
 */
export const WEBHOOK_EVENTS = [
  'push',
  'create',
  'delete',
  'fork',
  'repository',
  'release',
  'status',
  'issues',
  'issue_assign',
  'issue_comment',
  'pull_request',
  'pull_request_assign',
  'pull_request_review_request',
  'pull_request_sync',
  'pull_request_comment',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Hook types: Gitea's own payloads, or a short text for a Slack-compatible or Matrix chat. */
export const WEBHOOK_TYPES = ['gitea', 'slack', 'matrix'] as const;

