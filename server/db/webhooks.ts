import type { Db } from './index.js';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

export type WebhookType = 'gitea' | 'slack' | 'matrix';
export type WebhookContentType = 'json' | 'form';

/** A webhook row: of a repository (repo_id), of an organisation (org_id) or site-wide (both null). */
export interface WebhookRow {
  id: number;
  repo_id: number | null;
  org_id: number | null;
  type: WebhookType;
  url: string;
  /** Sealed with FORGE_SECRET; '' when the hook has no secret. */
  secret: string;
  content_type: WebhookContentType;
  /** JSON: {"mode", "events"}. */
  events: string;
  branch_filter: string;
  active: 0 | 1;
  failing_since: string | null;
  disabled_reason: string;
  created_at: string;
  updated_at: string;
}

/** Where a hook belongs. */
export type WebhookOwner = { repoId: number } | { orgId: number } | 'site';

export interface NewWebhook {
  type: WebhookType;
  url: string;
  secret: string;
  contentType: WebhookContentType;
  events: string;
  branchFilter: string;
  active: boolean;
}

export type WebhookChanges = Partial<NewWebhook>;

function ownerClause(owner: WebhookOwner): { sql: string; params: unknown[] } {
  if (owner === 'site') return { sql: 'repo_id IS NULL AND org_id IS NULL', params: [] };
  if ('repoId' in owner) return { sql: 'repo_id = ?', params: [owner.repoId] };
  return { sql: 'org_id = ?', params: [owner.orgId] };
}

export async function insertWebhook(db: Db, owner: WebhookOwner, hook: NewWebhook): Promise<WebhookRow> {
  const repoId = owner !== 'site' && 'repoId' in owner ? owner.repoId : null;
  const orgId = owner !== 'site' && 'orgId' in owner ? owner.orgId : null;
  return await db
    .prepare(
      `INSERT INTO webhooks (repo_id, org_id, type, url, secret, content_type, events, branch_filter, active)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(repoId, orgId, hook.type, hook.url, hook.secret, hook.contentType, hook.events, hook.branchFilter, hook.active ? 1 : 0) as WebhookRow;
}

/** The hooks of one owner, oldest first. */
export async function listWebhooks(db: Db, owner: WebhookOwner): Promise<WebhookRow[]> {
  const { sql, params } = ownerClause(owner);
  return await db.prepare(`SELECT * FROM webhooks WHERE ${sql} ORDER BY id`).all(...params) as WebhookRow[];
}

/** One hook of an owner, by id: another owner's hook is not found. */
export async function findWebhook(db: Db, owner: WebhookOwner, id: number): Promise<WebhookRow | undefined> {
  const { sql, params } = ownerClause(owner);
  return await db.prepare(`SELECT * FROM webhooks WHERE id = ? AND ${sql}`).get(id, ...params) as WebhookRow | undefined;
}

export async function findWebhookById(db: Db, id: number): Promise<WebhookRow | undefined> {
  return await db.prepare('SELECT * FROM webhooks WHERE id = ?').get(id) as WebhookRow | undefined;
}

/** The active hooks an event of a repository goes to: its own, its owner organisation's and the site's. */
export async function activeWebhooksFor(db: Db, repo: { id: number; owner_id: number }): Promise<WebhookRow[]> {
  return await db
    .prepare(
      `SELECT * FROM webhooks WHERE active = 1
          AND (repo_id = ? OR org_id = ? OR (repo_id IS NULL AND org_id IS NULL))
        ORDER BY id`,
    )
    .all(repo.id, repo.owner_id) as WebhookRow[];
}

export async function updateWebhook(db: Db, id: number, changes: WebhookChanges): Promise<WebhookRow> {
  const columns: Record<keyof NewWebhook, string> = {
    type: 'type',
    url: 'url',
    secret: 'secret',
    contentType: 'content_type',
    events: 'events',
    branchFilter: 'branch_filter',
    active: 'active',
  };
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const key of Object.keys(columns) as (keyof NewWebhook)[]) {
    const value = changes[key];
    if (value === undefined) continue;
    sets.push(`${columns[key]} = ?`);
    params.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
  // Turned on again by a person: the forge's reason for turning it off and the failure clock are cleared.
  if (changes.active === true) sets.push("disabled_reason = ''", 'failing_since = NULL');
  sets.push(`updated_at = ${NOW}`);
  return await db.prepare(`UPDATE webhooks SET ${sets.join(', ')} WHERE id = ? RETURNING *`).get(...params, id) as WebhookRow;
}

export async function deleteWebhook(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM webhooks WHERE id = ?').run(id);
}

/** A delivery succeeded: the hook is no longer failing. */
export async function markWebhookHealthy(db: Db, id: number): Promise<void> {
  await db.prepare('UPDATE webhooks SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL').run(id);
}

/** A delivery failed: starts the failure clock if it is not running; returns when it started. */
export async function markWebhookFailing(db: Db, id: number, now: string): Promise<string> {
  await db.prepare('UPDATE webhooks SET failing_since = ? WHERE id = ? AND failing_since IS NULL').run(now, id);
  return (await db.prepare('SELECT failing_since FROM webhooks WHERE id = ?').pluck().get(id) as string | null) ?? now;
}

/** Turns a hook off on the forge's own decision, with the reason shown to its owners. */
export async function disableWebhook(db: Db, id: number, reason: string): Promise<void> {
  await db.prepare(`UPDATE webhooks SET active = 0, disabled_reason = ?, updated_at = ${NOW} WHERE id = ?`).run(reason, id);
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A delivery row: the event's payload and what the last attempt sent and received. */
export interface DeliveryRow {
  id: number;
  uuid: string;
  hook_id: number;
  event: string;
  event_type: string;
  payload: string;
  is_test: 0 | 1;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  claimed_until: string | null;
  request_url: string;
  /** JSON object. */
  request_headers: string;
  response_status: number | null;
  /** JSON object. */
  response_headers: string;
  response_body: string;
  error: string;
  duration_ms: number | null;
  created_at: string;
  attempted_at: string | null;
}

export interface NewDelivery {
  uuid: string;
  hookId: number;
  event: string;
  eventType: string;
  payload: string;
  isTest: boolean;
}

/** Queues deliveries, due now. */
export async function insertDeliveries(db: Db, deliveries: NewDelivery[]): Promise<void> {
  const insert = db.prepare(
    `INSERT INTO webhook_deliveries (uuid, hook_id, event, event_type, payload, is_test, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?, ${NOW})`,
  );
  await db.transaction(async () => {
    for (const d of deliveries) await insert.run(d.uuid, d.hookId, d.event, d.eventType, d.payload, d.isTest ? 1 : 0);
  });
}

/** A hook's deliveries, newest first. */
export async function listDeliveries(db: Db, hookId: number, limit: number, offset: number): Promise<{ rows: DeliveryRow[]; total: number }> {
  const rows = await db.prepare('SELECT * FROM webhook_deliveries WHERE hook_id = ? ORDER BY id DESC LIMIT ? OFFSET ?').all(hookId, limit, offset) as DeliveryRow[];
  const total = await db.prepare('SELECT count(*) FROM webhook_deliveries WHERE hook_id = ?').pluck().get(hookId) as number;
  return { rows, total };
}

export async function findDelivery(db: Db, hookId: number, uuid: string): Promise<DeliveryRow | undefined> {
  return await db.prepare('SELECT * FROM webhook_deliveries WHERE hook_id = ? AND uuid = ?').get(hookId, uuid) as DeliveryRow | undefined;
}

/**
 * Claims up to `limit` pending deliveries whose time has come and that no worker holds, until
 * `claimedUntil`: the claim is a compare-and-set, so a second process never sends one twice.
 */
export async function claimDueDeliveries(db: Db, now: string, claimedUntil: string, limit: number): Promise<DeliveryRow[]> {
  return await db.transaction(async () => {
    const due = await db
      .prepare(
        `SELECT * FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
          ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .all(now, now, limit) as DeliveryRow[];
    // The condition again in the update: on PostgreSQL (read committed) another process's select may
    // have seen the same rows; its update then waits for this one and, re-reading the row, changes nothing.
    const claim = db.prepare(
      `UPDATE webhook_deliveries SET claimed_until = ?
        WHERE id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)`,
    );
    const claimed: DeliveryRow[] = [];
    for (const row of due) if ((await claim.run(claimedUntil, row.id, now)).changes === 1) claimed.push(row);
    return claimed;
  });
}

/** What one attempt sent and received. */
export interface AttemptRecord {
  status: DeliveryStatus;
  nextAttemptAt: string | null;
  requestUrl: string;
  requestHeaders: string;
  responseStatus: number | null;
  responseHeaders: string;
  responseBody: string;
  error: string;
  durationMs: number;
  attemptedAt: string;
}

/** Records an attempt and releases the claim. */
export async function recordAttempt(db: Db, id: number, attempt: AttemptRecord): Promise<void> {
  await db.prepare(
    `UPDATE webhook_deliveries SET status = @status, attempts = attempts + 1, next_attempt_at = @nextAttemptAt, claimed_until = NULL,
            request_url = @requestUrl, request_headers = @requestHeaders, response_status = @responseStatus,
            response_headers = @responseHeaders, response_body = @responseBody, error = @error, duration_ms = @durationMs,
            attempted_at = @attemptedAt
      WHERE id = @id`,
  ).run({ ...attempt, id });
}

/** Sends a delivery again, now, with a fresh count of attempts. */
export async function requeueDelivery(db: Db, id: number): Promise<void> {
  await db.prepare(`UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ${NOW}, claimed_until = NULL WHERE id = ?`).run(id);
}

/** Releases the claims a closing worker still holds, so that the next start sends them at once. */
export async function releaseClaims(db: Db, ids: number[]): Promise<void> {
  const release = db.prepare('UPDATE webhook_deliveries SET claimed_until = NULL WHERE id = ?');
  for (const id of ids) await release.run(id);
}

/** The earliest time a pending delivery that no worker holds is due, if any. */
export async function nextDueTime(db: Db, now: string): Promise<string | null> {
  return (
    (await db
      .prepare("SELECT min(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)")
      .pluck()
      .get(now) as string | null) ?? null
  );
}

/** How many deliveries wait to be sent or retried (the queue /metrics shows). */
export async function countPendingDeliveries(db: Db): Promise<number> {
  return await db.prepare("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'").pluck().get() as number;
}
