import type { Db } from './index.js';

/** A row of the sessions table; `id` is the SHA-256 of the cookie value, never the value itself. */
export interface SessionRow {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string;
}

export async function insertSession(
  db: Db,
  session: { id: string; userId: number; csrfToken: string; expiresAt: string; ip: string | null; userAgent: string },
): Promise<SessionRow> {
  return await db
    .prepare(
      `INSERT INTO sessions (id, user_id, csrf_token, expires_at, ip, user_agent)
       VALUES (@id, @userId, @csrfToken, @expiresAt, @ip, @userAgent) RETURNING *`,
    )
    .get(session) as SessionRow;
}

/** The session with this hash, if it has not expired. */
export async function findLiveSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return await db
    .prepare(`SELECT * FROM sessions WHERE id = ? AND expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`)
    .get(id) as SessionRow | undefined;
}

/** Records activity, at most once a minute per session to spare the write lock. */
export async function touchSession(db: Db, id: string): Promise<void> {
  await db.prepare(
    `UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = ? AND last_seen_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 seconds')`,
  ).run(id);
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
}

/** Ends every session of an account (suspension); returns how many were ended. */
export async function deleteUserSessions(db: Db, userId: number): Promise<number> {
  return (await db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId)).changes;
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  return (await db.prepare(`DELETE FROM sessions WHERE expires_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`).run()).changes;
}

/** The account linked to an OpenID provider's subject, if any. */
export async function findOidcIdentity(db: Db, issuer: string, subject: string): Promise<number | undefined> {
  return await db.prepare('SELECT user_id FROM oidc_identities WHERE issuer = ? AND subject = ?').pluck().get(issuer, subject) as
    | number
    | undefined;
}

export async function insertOidcIdentity(db: Db, identity: { issuer: string; subject: string; userId: number }): Promise<void> {
  await db.prepare('INSERT INTO oidc_identities (issuer, subject, user_id) VALUES (?, ?, ?)').run(identity.issuer, identity.subject, identity.userId);
}
