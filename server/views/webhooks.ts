import type { Db } from '../db/index.js';
import { findDelivery, listDeliveries, listWebhooks, type WebhookOwner } from '../db/webhooks.js';
import { presentDelivery, presentHook, type Hook, type HookDelivery } from '../presenters/webhook.js';

export type { WebhookOwner };

/** The hooks of a repository, an organisation or the site, as the API shows them. */
export async function hooksOf(db: Db, owner: WebhookOwner): Promise<Hook[]> {
  return (await listWebhooks(db, owner)).map(presentHook);
}

/** A page of a hook's deliveries, newest first. */
export async function deliveriesOf(db: Db, hookId: number, page: { limit: number; offset: number }): Promise<{ items: HookDelivery[]; total: number }> {
  const { rows, total } = await listDeliveries(db, hookId, page.limit, page.offset);
  return { items: rows.map(presentDelivery), total };
}

/** One delivery of a hook, or undefined. */
export async function deliveryOf(db: Db, hookId: number, uuid: string): Promise<HookDelivery | undefined> {
  const row = await findDelivery(db, hookId, uuid);
  return row ? presentDelivery(row) : undefined;
}
