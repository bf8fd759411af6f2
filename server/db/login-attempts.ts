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
export async function reserveLoginAttempts(db: Db, keys: readonly string[], now: number, windowMs: number): Promise<AttemptCount[]> {
  const upsert = db.prepare(
    `INSERT INTO login_attempts (key, attempts, window_start) VALUES (?, 1, ?)
     ON CONFLICT (key) DO UPDATE SET
       attempts     = CASE WHEN login_attempts.window_start <= excluded.window_start - ? THEN 1 ELSE login_attempts.attempts + 1 END,
       window_start = CASE WHEN login_attempts.window_start <= excluded.window_start - ? THEN excluded.window_start ELSE login_attempts.window_start END
     RETURNING attempts, window_start AS windowStart`,
  );
  return await db.transaction(async () => await Promise.all(keys.map(async (key) => await upsert.get(key, now, windowMs, windowMs) as AttemptCount)));
}

/** Gives back one reserved attempt under each key (a correct password is not a failure). */
export async function releaseLoginAttempts(db: Db, keys: readonly string[]): Promise<void> {
  const release = db.prepare('UPDATE login_attempts SET attempts = max(attempts - 1, 0) WHERE key = ?');
  await db.transaction(async () => {
    for (const key of keys) await release.run(key);
  });
}

/** Forgets the counts under these keys (a correct password clears its account's count). */
export async function clearLoginAttempts(db: Db, keys: readonly string[]): Promise<void> {
  const clear = db.prepare('DELETE FROM login_attempts WHERE key = ?');
  await db.transaction(async () => {
    for (const key of keys) await clear.run(key);
  });
}

/** Deletes counts whose window ended before `before`, so that the table does not grow forever. */
export async function pruneLoginAttempts(db: Db, before: number): Promise<number> {
  return (await db.prepare('DELETE FROM login_attempts WHERE window_start < ?').run(before)).changes;
}
