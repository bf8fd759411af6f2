import { confirmEmail, findUserById, setEmail, type UserRow } from '../db/users.js';
import { spendAccountToken } from '../db/account-tokens.js';
import { invalid } from '../errors.js';
import { recordAudit } from './audit.js';
import { ACCOUNT_TOKEN, hashAccountToken, mailAccountLink, type AccountMailContext } from './account-tokens.js';

/** A confirmation link is valid for two days. */
const CONFIRM_HOURS = 48;

/**
 * Marks the account's address unconfirmed and mails it a confirmation link, when the forge sends
 * mail; without mail every address counts as confirmed, as before. Sign-in is never blocked on it.
 */
export function startEmailConfirmation(ctx: AccountMailContext, user: UserRow): UserRow {
  if (!ctx.mailer.enabled || user.email === null) return user;
  const unconfirmed = setEmail(ctx.db, user.id, user.email, false);
  mailAccountLink(ctx, { ...unconfirmed, email: user.email }, 'email_confirm', CONFIRM_HOURS);
  return unconfirmed;
}

/** Sends the confirmation link again ("resend"); nothing to do when the address is already confirmed. */
export function resendEmailConfirmation(ctx: AccountMailContext, user: UserRow): void {
  if (user.email_confirmed === 1 || user.email === null) return;
  if (!ctx.mailer.enabled) return;
  mailAccountLink(ctx, { ...user, email: user.email }, 'email_confirm', CONFIRM_HOURS);
}

/** Follows a confirmation link: spends its token and confirms the address it was sent to, if that is still the account's. */
export function confirmEmailToken(ctx: AccountMailContext, token: string, ip: string): UserRow {
  const spent = ACCOUNT_TOKEN.test(token) ? spendAccountToken(ctx.db, hashAccountToken(token), 'email_confirm', new Date().toISOString()) : undefined;
  if (!spent) throw invalid('This confirmation link has expired or has already been used. Send a new one from your settings.', { field: 'token' });
  if (!confirmEmail(ctx.db, spent.user_id, spent.email)) throw invalid('This link confirms an address your account no longer uses.', { field: 'token' });
  const user = findUserById(ctx.db, spent.user_id) as UserRow;
  recordAudit(ctx.db, { actor: user, action: 'user.email_confirm', target: `user:${user.username}`, ip });
  return user;
}
