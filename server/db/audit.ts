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

export function insertAuditEvent(
  db: Db,
  event: { actorId: number | null; actorName: string; action: string; target: string; data: string; ip: string | null },
): AuditRow {
  return db
    .prepare(
      `INSERT INTO audit_events (actor_id, actor_name, action, target, data, ip)
       VALUES (@actorId, @actorName, @action, @target, @data, @ip) RETURNING *`,
    )
    .get(event) as AuditRow;
}

/** Newest first, with an optional action filter. */
export function listAuditEvents(db: Db, options: { limit: number; offset: number; action?: string }): { rows: AuditRow[]; total: number } {
  const where = options.action ? 'WHERE action = @action' : '';
  const params = { limit: options.limit, offset: options.offset, action: options.action ?? null };
  const rows = db
    .prepare(`SELECT * FROM audit_events ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
    .all(params) as AuditRow[];
  const total = db.prepare(`SELECT count(*) FROM audit_events ${where}`).pluck().get(params) as number;
  return { rows, total };
}

/** Erases the IP address of events older than the retention period; returns how many were erased. */
export function eraseAuditIps(db: Db, olderThanDays: number): number {
  return db
    .prepare(`UPDATE audit_events SET ip = NULL WHERE ip IS NOT NULL AND created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)`)
    .run(`-${olderThanDays} days`).changes;
}
