import type { Db } from './index.js';

/** What a one-time link sent by e-mail is for. */
export type AccountTokenPurpose = 'password_reset' | 'email_confirm';

/** A row of account_tokens: only the token's SHA-256 is kept. */
export interface AccountTokenRow {
  id: number;
  user_id: number;
  purpose: AccountTokenPurpose;
  token_hash: string;
  email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Stores a new one-time token, after voiding the account's unspent ones of the same purpose (only the newest link works). */
export async function insertAccountToken(db: Db, token: { userId: number; purpose: AccountTokenPurpose; tokenHash: string; email: string; expiresAt: string }): Promise<void> {
  await db.transaction(async () => {
    await db.prepare(`UPDATE account_tokens SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE user_id = ? AND purpose = ? AND used_at IS NULL`).run(token.userId, token.purpose);
    await db.prepare('INSERT INTO account_tokens (user_id, purpose, token_hash, email, expires_at) VALUES (?, ?, ?, ?, ?)').run(
      token.userId,
      token.purpose,
      token.tokenHash,
      token.email,
      token.expiresAt,
    );
  });
}

/** The unspent, unexpired token with this hash and purpose. */
export async function findLiveAccountToken(db: Db, tokenHash: string, purpose: AccountTokenPurpose, now: string): Promise<AccountTokenRow | undefined> {
  return await db
    .prepare('SELECT * FROM account_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?')
    .get(tokenHash, purpose, now) as AccountTokenRow | undefined;
}

/** Spends a live token in one statement, so that two uses racing each other cannot both succeed; undefined when it is spent, expired or unknown. */
export async function spendAccountToken(db: Db, tokenHash: string, purpose: AccountTokenPurpose, now: string): Promise<AccountTokenRow | undefined> {
  return await db
    .prepare('UPDATE account_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? RETURNING *')
    .get(now, tokenHash, purpose, now) as AccountTokenRow | undefined;
}

/** Deletes tokens that expired before `before`: they can never be used again. */
export async function pruneAccountTokens(db: Db, before: string): Promise<number> {
  return (await db.prepare('DELETE FROM account_tokens WHERE expires_at < ?').run(before)).changes;
}
