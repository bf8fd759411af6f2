import type { Db } from '../db/index.js';
import { findUserById, findUserByLogin, type UserRow } from '../db/users.js';
import { findTokenByHash, touchToken } from '../db/tokens.js';
import { verifyPassword } from './passwords.js';
import { hashToken, TOKEN_SHAPE } from './tokens.js';
import { SCOPES, type Actor, type Scope } from './policy.js';
import type { SignInThrottle } from './throttle.js';

/** Why credentials were refused; the route answers 401 (403 for a suspended account, 429 when throttled). */
export type CredentialFailure = 'invalid' | 'suspended';

export type CredentialResult =
  | { ok: true; actor: Actor }
  | { ok: false; reason: CredentialFailure; user?: UserRow }
  | { ok: false; reason: 'throttled'; message: string; retryAfter: number };

function parseScopes(list: string): ReadonlySet<Scope> {
  return new Set(list.split(',').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)));
}

/** Authenticates a personal access token value. */
export async function tokenActor(db: Db, value: string): Promise<CredentialResult> {
  if (!TOKEN_SHAPE.test(value)) return { ok: false, reason: 'invalid' };
  const token = await findTokenByHash(db, hashToken(value));
  if (!token) return { ok: false, reason: 'invalid' };
  const user = await findUserById(db, token.user_id);
  if (!user) return { ok: false, reason: 'invalid' };
  if (user.prohibit_login) return { ok: false, reason: 'suspended', user };
  await touchToken(db, token.id);
  return { ok: true, actor: { kind: 'user', user, via: 'token', scopes: parseScopes(token.scopes), tokenId: token.id } };
}

/** User names that CI systems and other forges pair with a token as the password (GitLab's `oauth2`, GitHub's `x-access-token`). */
const TOKEN_USER_NAMES: ReadonlySet<string> = new Set(['oauth2', 'x-access-token']);

/**
 * Authenticates Basic credentials: the secret is a token of that user, or the user's password (as in
 * Gitea), the user named by name or e-mail, `oauth2` or `x-access-token`; or a token as the user name with no password. A password attempt is reserved with the throttle from
 * `client` before the slow check.
 */
export async function basicActor(db: Db, throttle: SignInThrottle, client: string, username: string, secret: string): Promise<CredentialResult> {
  // Gitea reads a token from the user name when the password is empty or `x-oauth-basic` (`TOKEN:`, what Renovate sends).
  if (TOKEN_SHAPE.test(username) && (secret === '' || secret === 'x-oauth-basic')) return await tokenActor(db, username);
  if (TOKEN_SHAPE.test(secret)) {
    const byToken = await tokenActor(db, secret);
    const named = byToken.ok && byToken.actor.kind === 'user' && (TOKEN_USER_NAMES.has(username.toLowerCase()) || byToken.actor.user.lower_name === username.toLowerCase());
    if (named) return byToken;
    if (!byToken.ok && byToken.reason === 'suspended') return byToken;
  }
  const attempt = await throttle.reservePassword(username, client);
  const user = await findUserByLogin(db, username);
  if (!attempt.ok) return { ok: false, reason: 'throttled', message: attempt.message, retryAfter: attempt.retryAfter };
  if (!user || user.type !== 'user' || !(await verifyPassword(secret, user.password_hash))) return { ok: false, reason: 'invalid', user };
  await attempt.succeeded();
  if (user.prohibit_login) return { ok: false, reason: 'suspended', user };
  return { ok: true, actor: { kind: 'user', user, via: 'password', scopes: null } };
}

/** Splits an Authorization header into its scheme and credentials. */
export function parseAuthorization(header: string | undefined):
  | { scheme: 'token'; token: string }
  | { scheme: 'basic'; username: string; secret: string }
  | { scheme: 'none' }
  | { scheme: 'malformed' } {
  if (!header) return { scheme: 'none' };
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  switch (scheme.toLowerCase()) {
    case 'token':
    case 'bearer':
      return value ? { scheme: 'token', token: value } : { scheme: 'malformed' };
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return { scheme: 'malformed' };
      return { scheme: 'basic', username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    }
    default:
      return { scheme: 'malformed' };
  }
}

/** Why a password sign-in was refused. */
export type SignInFailure = 'invalid' | 'suspended';

/** Checks a username (or email) and password; suspended accounts and organisations cannot sign in. */
export async function verifyCredentials(db: Db, login: string, password: string): Promise<{ user: UserRow } | { failure: SignInFailure }> {
  const user = await findUserByLogin(db, login);
  if (!user || user.type !== 'user' || !(await verifyPassword(password, user.password_hash))) return { failure: 'invalid' };
  if (user.prohibit_login) return { failure: 'suspended' };
  return { user };
}
