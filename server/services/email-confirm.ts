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
export async function startEmailConfirmation(ctx: AccountMailContext, user: UserRow): Promise<UserRow> {
  if (!ctx.mailer.enabled || user.email === null) return user;
  const unconfirmed = await setEmail(ctx.db, user.id, user.email, false);
  await mailAccountLink(ctx, { ...unconfirmed, email: user.email }, 'email_confirm', CONFIRM_HOURS);
  return unconfirmed;
}

/** Sends the confirmation link again ("resend"); nothing to do when the address is already confirmed. */
export async function resendEmailConfirmation(ctx: AccountMailContext, user: UserRow): Promise<void> {
  if (user.email_confirmed === 1 || user.email === null) return;
  if (!ctx.mailer.enabled) return;
  await mailAccountLink(ctx, { ...user, email: user.email }, 'email_confirm', CONFIRM_HOURS);
}

/** Follows a confirmation link: spends its token and confirms the address it was sent to, if that is still the account's. */
export async function confirmEmailToken(ctx: AccountMailContext, token: string, ip: string): Promise<UserRow> {
  const spent = ACCOUNT_TOKEN.test(token) ? await spendAccountToken(ctx.db, hashAccountToken(token), 'email_confirm', new Date().toISOString()) : undefined;
  if (!spent) throw invalid('This confirmation link has expired or has already been used. Send a new one from your settings.', { field: 'token' });
  if (!await confirmEmail(ctx.db, spent.user_id, spent.email)) throw invalid('This link confirms an address your account no longer uses.', { field: 'token' });
  const user = await findUserById(ctx.db, spent.user_id) as UserRow;
  await recordAudit(ctx.db, { actor: user, action: 'user.email_confirm', target: `user:${user.username}`, ip });
  return user;
}
