import type { Db } from '../db/index.js';
import { findUserByLogin } from '../db/users.js';
import { clearLoginAttempts, pruneLoginAttempts, releaseLoginAttempts, reserveLoginAttempts } from '../db/login-attempts.js';

/** How many failed password attempts are allowed per account and per client address in a window. */
export interface ThrottleLimits {
  perAccount: number;
  perClient: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS: ThrottleLimits = { perAccount: 5, perClient: 20, windowMs: 15 * 60 * 1000 };

/** A reserved password attempt, or why it is refused before the password is even checked. */
export type Reservation =
  | { ok: true; /** The password was right: the attempt was not a guess. */ succeeded(): Promise<void> }
  | { ok: false; message: string; /** Seconds until the window ends, for Retry-After. */ retryAfter: number };

/**
 * Limits password guessing on every path that checks a password (sign-in form, Basic on the API and
 * on git), counting in the database so that replicas share the counts.
 *
 * - Per account (by id, whatever name or e-mail was typed): after `perAccount` failures, every
 *   attempt on it is refused until the window ends, the right password included.
 * - Per client address: after `perClient` failures, the client may still try an account it has
 *   not failed on yet, once; any account it has already failed on is refused. So one client's
 *   failures (or everyone's, behind a proxy not trusted) do not lock out a person typing the
 *   right password for an account that is not under attack, while the client's guessing drops to
 *   one attempt per account per window.
 *
 * An attempt is counted before the slow password check, in one statement per key, so concurrent
 * guesses cannot all slip under the limit; a right password gives its count back.
 * Names that no account has are counted like accounts, so the answers do not tell which exist.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Db,
    private readonly limits: ThrottleLimits = SIGN_IN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reserves one password attempt from `client` on the account `login` names (by name or e-mail), or on that name when none has it. */
  async reservePassword(login: string, client: string): Promise<Reservation> {
    const now = this.now();
    const account = await findUserByLogin(this.db, login);
    await pruneLoginAttempts(this.db, now - this.limits.windowMs);
    const subject = account ? `id:${account.id}` : `login:${login.toLowerCase()}`;
    const keys = [`account:${subject}`, `client:${client}`, `pair:${client}|${subject}`] as const;
    const [onAccount, fromClient, pair] = await reserveLoginAttempts(this.db, keys, now, this.limits.windowMs);
    const secondsLeft = (windowStart: number) => Math.max(1, Math.ceil((windowStart + this.limits.windowMs - now) / 1000));
    const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
    if (onAccount.attempts > this.limits.perAccount) {
      const retryAfter = secondsLeft(onAccount.windowStart);
      return { ok: false, retryAfter, message: `Too many failed sign-ins for this account. Try again in ${minutes(retryAfter)} minutes.` };
    }
    if (fromClient.attempts > this.limits.perClient && pair.attempts > 1) {
      const retryAfter = secondsLeft(fromClient.windowStart);
      return { ok: false, retryAfter, message: `Too many failed sign-ins from your address. Try again in ${minutes(retryAfter)} minutes.` };
    }
    return {
      ok: true,
      succeeded: async () => {
        await clearLoginAttempts(this.db, [keys[0], keys[2]]);
        await releaseLoginAttempts(this.db, [keys[1]]);
      },
    };
  }

  /** Counts a wrong token against its client only: a token is not a password of any account, and cannot be guessed. */
  async failedToken(client: string): Promise<void> {
    await reserveLoginAttempts(this.db, [`client:${client}`], this.now(), this.limits.windowMs);
  }
}
