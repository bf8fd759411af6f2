import { findUserByLogin, setPasswordHash, type UserRow } from '../db/users.js';
import { findUserById } from '../db/users.js';
import { findLiveAccountToken, spendAccountToken } from '../db/account-tokens.js';
import { deleteUserSessions } from '../db/sessions.js';
import { reserveLoginAttempts } from '../db/login-attempts.js';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { ForgeError, invalid } from '../errors.js';
import { recordAudit } from './audit.js';
import { ACCOUNT_TOKEN, hashAccountToken, mailAccountLink, type AccountMailContext } from './account-tokens.js';

/** A reset link is valid for one hour. */
const RESET_HOURS = 1;

/**
 * Reset requests allowed per address asked for and per client in a window. The window is the
 * sign-in throttle's, whose counts share the table and are pruned after it.
 */
const RESET_LIMITS = { perLogin: 3, perClient: 10, windowMs: 15 * 60 * 1000 };

const SPENT = 'This reset link has expired or has already been used. Ask for a new one from the sign-in page.';

/**
 * "Forgot password?": mails a one-time reset link to the account that `login` (an e-mail address or
 * a username) names, if there is one that may sign in. The caller answers the same whatever
 * happened, and the mail leaves in the background, so neither the answer nor its timing tells
 * whether an account exists. Limited per address asked for (existing or not) and per client.
 */
export async function requestPasswordReset(ctx: AccountMailContext, login: string, ip: string): Promise<void> {
  if (!ctx.mailer.enabled) {
    // A 4xx: the request is understood and refused on this instance (no mail), nothing broke.
    throw new ForgeError('not_allowed', 'This forge cannot send e-mail: ask an administrator to reset your password.');
  }
  const key = login.trim().toLowerCase();
  const [perLogin, perClient] = await reserveLoginAttempts(ctx.db, [`reset:login:${key}`, `reset:client:${ip}`], Date.now(), RESET_LIMITS.windowMs);
  if (perLogin.attempts > RESET_LIMITS.perLogin || perClient.attempts > RESET_LIMITS.perClient) {
    throw new ForgeError('too_many_requests', 'Too many reset requests. Wait a quarter of an hour, then try again.');
  }
  const user = await findUserByLogin(ctx.db, key);
  if (!user || user.type !== 'user' || user.prohibit_login === 1 || user.email === null) return;
  await mailAccountLink(ctx, { ...user, email: user.email }, 'password_reset', RESET_HOURS);
  await recordAudit(ctx.db, { actor: null, action: 'user.password_reset.request', target: `user:${user.username}`, ip });
}

/** The account a live reset token opens, so the page can name it; refused once spent or expired. */
export async function resetTokenAccount(ctx: AccountMailContext, token: string): Promise<UserRow> {
  const row = ACCOUNT_TOKEN.test(token) ? await findLiveAccountToken(ctx.db, hashAccountToken(token), 'password_reset', new Date().toISOString()) : undefined;
  const user = row && await findUserById(ctx.db, row.user_id);
  if (!user || user.prohibit_login === 1) throw invalid(SPENT, { field: 'token' });
  return user;
}

/**
 * Sets a new password with a reset token: the token is spent (a second use is refused), every
 * session of the account ends (whoever had the old password is signed out), and the audit trail
 * records it. The password is hashed before the transaction; the token is spent inside it, so two
 * uses racing each other cannot both succeed.
 */
export async function completePasswordReset(ctx: AccountMailContext, token: string, password: string, ip: string): Promise<UserRow> {
  const user = await resetTokenAccount(ctx, token);
  const problem = passwordProblem(password);
  if (problem) throw invalid(`The password ${problem}.`, { field: 'password' });
  const passwordHash = await hashPassword(password, ctx.config.passwordHashCost);
  const ended = await ctx.db.transaction(async () => {
    const spent = await spendAccountToken(ctx.db, hashAccountToken(token), 'password_reset', new Date().toISOString());
    if (!spent || spent.user_id !== user.id) throw invalid(SPENT, { field: 'token' });
    await setPasswordHash(ctx.db, user.id, passwordHash);
    return await deleteUserSessions(ctx.db, user.id);
  });
  await recordAudit(ctx.db, { actor: user, action: 'user.password_reset', target: `user:${user.username}`, ip, data: { sessions_ended: ended } });
  return user;
}
