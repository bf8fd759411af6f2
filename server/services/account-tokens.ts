import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { Config } from '../config.js';
import type { UserRow } from '../db/users.js';
import { insertAccountToken, pruneAccountTokens, type AccountTokenPurpose } from '../db/account-tokens.js';
import { accountMail, type AccountMail, type Mailer } from './mail.js';

/** What the account mail use cases need: the database, the mailer and the configuration. */
export interface AccountMailContext {
  db: Db;
  mailer: Mailer;
  config: Config;
}

/** The SHA-256 a token is stored and looked up as. */
export const hashAccountToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A token as a link carries it: 32 random bytes, base64url. */
export const ACCOUNT_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const PAGES: Record<AccountMail, string> = { password_reset: '/user/reset_password', email_confirm: '/user/confirm_email' };

/** Issues a one-time token for the account (voiding its earlier ones of the same purpose) and mails its link. */
export async function mailAccountLink(ctx: AccountMailContext, user: UserRow & { email: string }, purpose: AccountTokenPurpose, hours: number): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  await pruneAccountTokens(ctx.db, new Date(now).toISOString());
  await insertAccountToken(ctx.db, { userId: user.id, purpose, tokenHash: hashAccountToken(token), email: user.email, expiresAt: new Date(now + hours * 3600_000).toISOString() });
  const link = `${ctx.config.baseUrl}${PAGES[purpose]}?token=${token}`;
  ctx.mailer.send(accountMail(purpose, { to: user.email, language: user.language, site: ctx.config.siteName, login: user.username, link, hours }));
}
