import type { DeliveryRow, WebhookRow } from '../db/webhooks.js';
import { Hook, HookDelivery, WEBHOOK_EVENTS } from '../../contract/webhooks.js';

export { Hook, HookDelivery };

/** What a hook listens to, as stored: push only, everything, or the chosen event types. */
export interface HookEvents {
  mode: 'push_only' | 'everything' | 'chosen';
  events: string[];
}

/** Reads the stored events column. */
export function parseHookEvents(raw: string): HookEvents {
  return JSON.parse(raw) as HookEvents;
}

/** A hook as Gitea's API shows it: never its secret. */
export function presentHook(hook: WebhookRow): Hook {
  const events = parseHookEvents(hook.events);
  return {
    id: hook.id,
    type: hook.type,
    branch_filter: hook.branch_filter,
    config: { url: hook.url, content_type: hook.content_type, http_method: 'post' },
    events: events.mode === 'everything' ? [...WEBHOOK_EVENTS] : events.mode === 'push_only' ? ['push'] : events.events,
    authorization_header: '',
    active: hook.active === 1,
    disabled_reason: hook.disabled_reason,
    updated_at: hook.updated_at,
    created_at: hook.created_at,
  };
}

/** A delivery with what its last attempt sent and received. */
export function presentDelivery(row: DeliveryRow): HookDelivery {
  return {
    uuid: row.uuid,
    event: row.event,
    event_type: row.event_type,
    is_test: row.is_test === 1,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null,
    request: { url: row.request_url, headers: JSON.parse(row.request_headers) as Record<string, string>, body: row.payload },
    response: { status: row.response_status, headers: JSON.parse(row.response_headers) as Record<string, string>, body: row.response_body },
    error: row.error,
    duration_ms: row.duration_ms,
    created_at: row.created_at,
    delivered_at: row.attempted_at,
  };
}
