import type { Db } from './index.js';

/** A row of the audit_events table; `data` is JSON. */
export interface AuditRow {
  id: number;
  actor_id: number | null;
  actor_name: string;
  action: string;
  target: string;
  data: string;
  ip: string | null;
  created_at: string;
}

export async function insertAuditEvent(
  db: Db,
  event: { actorId: number | null; actorName: string; action: string; target: string; data: string; ip: string | null },
): Promise<AuditRow> {
  return await db
    .prepare(
      `INSERT INTO audit_events (actor_id, actor_name, action, target, data, ip)
       VALUES (@actorId, @actorName, @action, @target, @data, @ip) RETURNING *`,
    )
    .get(event) as AuditRow;
}

/** What the audit trail can be filtered on: exact action, actor name, a repository's target, a date range (ISO, inclusive). */
export interface AuditFilter {
  action?: string;
  actor?: string;
  /** `owner/name`: the events whose target is that repository. */
  repo?: string;
  since?: string;
  until?: string;
}

/** Newest first, with optional filters. */
export async function listAuditEvents(db: Db, options: { limit: number; offset: number } & AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
  const clauses = [
    options.action ? 'action = @action' : '',
    options.actor ? 'lower(actor_name) = lower(@actor)' : '',
    options.repo ? 'lower(target) = lower(@target)' : '',
    options.since ? 'created_at >= @since' : '',
    options.until ? 'created_at <= @until' : '',
  ].filter(Boolean);
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  const params = {
    limit: options.limit,
    offset: options.offset,
    action: options.action ?? null,
    actor: options.actor ?? null,
    target: options.repo ? `repo:${options.repo}` : null,
    since: options.since ?? null,
    until: options.until ?? null,
  };
  const rows = await db
    .prepare(`SELECT * FROM audit_events ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
    .all(params) as AuditRow[];
  const total = await db.prepare(`SELECT count(*) FROM audit_events ${where}`).pluck().get(params) as number;
  return { rows, total };
}

/** Erases the IP address of events older than the retention period; returns how many were erased. */
export async function eraseAuditIps(db: Db, olderThanDays: number): Promise<number> {
  return (await db
    .prepare(`UPDATE audit_events SET ip = NULL WHERE ip IS NOT NULL AND created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)`)
    .run(`-${olderThanDays} days`)).changes;
}
