import type { Db } from './index.js';

/** The count under one key after a reservation, and when its window started (ms since the epoch). */
export interface AttemptCount {
  attempts: number;
  windowStart: number;
}

/**
 * Counts one more attempt under each key, atomically (one UPSERT each, in one transaction), and
 * returns the counts in the keys' order. A key whose window of `windowMs` is over starts again at 1.
 */
export function reserveLoginAttempts(db: Db, keys: readonly string[], now: number, windowMs: number): AttemptCount[] {
  const upsert = db.prepare(
    `INSERT INTO login_attempts (key, attempts, window_start) VALUES (?, 1, ?)
     ON CONFLICT (key) DO UPDATE SET
       attempts     = CASE WHEN login_attempts.window_start <= excluded.window_start - ? THEN 1 ELSE login_attempts.attempts + 1 END,
       window_start = CASE WHEN login_attempts.window_start <= excluded.window_start - ? THEN excluded.window_start ELSE login_attempts.window_start END
     RETURNING attempts, window_start AS windowStart`,
  );
  return db.transaction(() => keys.map((key) => upsert.get(key, now, windowMs, windowMs) as AttemptCount)).immediate();
}

/** Gives back one reserved attempt under each key (a correct password is not a failure). */
export function releaseLoginAttempts(db: Db, keys: readonly string[]): void {
  const release = db.prepare('UPDATE login_attempts SET attempts = max(attempts - 1, 0) WHERE key = ?');
  db.transaction(() => keys.forEach((key) => release.run(key))).immediate();
}

/** Forgets the counts under these keys (a correct password clears its account's count). */
export function clearLoginAttempts(db: Db, keys: readonly string[]): void {
  const clear = db.prepare('DELETE FROM login_attempts WHERE key = ?');
  db.transaction(() => keys.forEach((key) => clear.run(key))).immediate();
}

/** Deletes counts whose window ended before `before`, so that the table does not grow forever. */
export function pruneLoginAttempts(db: Db, before: number): number {
  return db.prepare('DELETE FROM login_attempts WHERE window_start < ?').run(before).changes;
}
