import type { Db } from './index.js';

export interface TokenRow {
  id: number;
  user_id: number;
  name: string;
  token_hash: string;
  token_last_eight: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
}

export async function findTokenByHash(db: Db, hash: string): Promise<TokenRow | undefined> {
  return await db.prepare('SELECT * FROM access_tokens WHERE token_hash = ?').get(hash) as TokenRow | undefined;
}

export async function listTokens(db: Db, userId: number): Promise<TokenRow[]> {
  return await db.prepare('SELECT * FROM access_tokens WHERE user_id = ? ORDER BY id').all(userId) as TokenRow[];
}

export async function insertToken(db: Db, token: { userId: number; name: string; hash: string; lastEight: string; scopes: string[] }): Promise<TokenRow> {
  return await db
    .prepare(
      `INSERT INTO access_tokens (user_id, name, token_hash, token_last_eight, scopes)
       VALUES (?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(token.userId, token.name, token.hash, token.lastEight, token.scopes.join(',')) as TokenRow;
}

/** Deletes a token of the user by id or name; returns whether one was deleted. */
export async function deleteToken(db: Db, userId: number, idOrName: string): Promise<boolean> {
  const result = /^\d+$/.test(idOrName)
    ? await db.prepare('DELETE FROM access_tokens WHERE user_id = ? AND id = ?').run(userId, Number(idOrName))
    : await db.prepare('DELETE FROM access_tokens WHERE user_id = ? AND name = ?').run(userId, idOrName);
  return result.changes > 0;
}

/** Records the last use, at most once a minute per token to spare the write lock. */
export async function touchToken(db: Db, id: number): Promise<void> {
  await db.prepare(
    `UPDATE access_tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = ? AND (last_used_at IS NULL OR last_used_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 seconds'))`,
  ).run(id);
}
