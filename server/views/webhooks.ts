import type { Db } from '../db/index.js';
import { findDelivery, listDeliveries, listWebhooks, type WebhookOwner } from '../db/webhooks.js';
import { presentDelivery, presentHook, type Hook, type HookDelivery } from '../presenters/webhook.js';

export type { WebhookOwner };

/** The hooks of a repository, an organisation or the site, as the API shows them. */
export function hooksOf(db: Db, owner: WebhookOwner): Hook[] {
  return listWebhooks(db, owner).map(presentHook);
}

/** A page of a hook's deliveries, newest first. */
export function deliveriesOf(db: Db, hookId: number, page: { limit: number; offset: number }): { items: HookDelivery[]; total: number } {
  const { rows, total } = listDeliveries(db, hookId, page.limit, page.offset);
  return { items: rows.map(presentDelivery), total };
}

/** One delivery of a hook, or undefined. */
export function deliveryOf(db: Db, hookId: number, uuid: string): HookDelivery | undefined {
  const row = findDelivery(db, hookId, uuid);
  return row ? presentDelivery(row) : undefined;
}
