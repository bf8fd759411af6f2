import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/index.js';
import { findUserById, type UserRow } from '../db/users.js';
import { deleteSession, findLiveSession, insertSession, touchSession, type SessionRow } from '../db/sessions.js';

export const SESSION_COOKIE = 'fabrique_session';
/** Sessions end 14 days after sign-in, whatever the activity. */
export const SESSION_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** A live session and its (unsuspended) account. */
export interface ActiveSession {
  row: SessionRow;
  user: UserRow;
}

function hashSessionValue(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Opens a session for an account; returns the cookie value (shown only to the browser) and the row. */
export async function openSession(db: Db, user: UserRow, client: { ip: string | null; userAgent: string }): Promise<{ value: string; row: SessionRow }> {
  const value = randomBytes(32).toString('base64url');
  const row = await insertSession(db, {
    id: hashSessionValue(value),
    userId: user.id,
    csrfToken: randomBytes(32).toString('base64url'),
    expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS).toISOString(),
    ip: client.ip,
    userAgent: client.userAgent.slice(0, 512),
  });
  return { value, row };
}

/** The live session a cookie value names, or null when it is unknown, expired or its account is suspended. */
export async function resumeSession(db: Db, value: string | undefined): Promise<ActiveSession | null> {
  if (!value || !COOKIE_VALUE.test(value)) return null;
  const row = await findLiveSession(db, hashSessionValue(value));
  if (!row) return null;
  const user = await findUserById(db, row.user_id);
  if (!user || user.prohibit_login) return null;
  await touchSession(db, row.id);
  return { row, user };
}

/** Ends a session (sign-out). */
export async function closeSession(db: Db, session: ActiveSession): Promise<void> {
  await deleteSession(db, session.row.id);
}

/** Compares a submitted CSRF token with the session's in constant time. */
export function csrfMatches(session: ActiveSession, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.row.csrf_token);
  return a.length === b.length && timingSafeEqual(a, b);
}
