import type { Db } from '../db/index.js';
import { findUserByEmail, findUserById, findUserByName, insertUser, recordLogin, setAdmin, setProhibitLogin, type UserRow } from '../db/users.js';
import { deleteUserSessions, findOidcIdentity, insertOidcIdentity } from '../db/sessions.js';
import { deleteToken, insertToken, listTokens, type TokenRow } from '../db/tokens.js';
import { generateToken } from '../auth/tokens.js';
import { SCOPES, type Actor, type Scope } from '../auth/policy.js';
import { ownerNameProblem } from '../lib/names.js';
import { conflict, ForgeError, invalid, notFound } from '../errors.js';
import { recordAudit } from './audit.js';
import type { SignInFailure } from '../auth/credentials.js';
import type { OidcClaims } from '../auth/oidc.js';

// Defined beside the checks in auth/ (which imports nothing above db/); named here for the routes.
export type { SignInFailure, OidcClaims };

/** Who is calling, for the audit trail. */
export interface Caller {
  actor: Actor;
  ip: string;
}

/** Records a successful sign-in: last login time and the audit trail. */
export async function recordSignIn(db: Db, user: UserRow, ip: string, method: 'password' | 'oidc'): Promise<UserRow> {
  await recordLogin(db, user.id);
  await recordAudit(db, { actor: user, action: 'user.signin', target: `user:${user.username}`, ip, data: { method } });
  return await findUserById(db, user.id) ?? user;
}

export async function recordFailedSignIn(db: Db, login: string, ip: string, reason: SignInFailure): Promise<void> {
  await recordAudit(db, { actor: null, action: 'user.signin.failed', target: `user:${login.slice(0, 100)}`, ip, data: { reason } });
}

/** Suspends or restores an account; suspension ends its sessions at once (tokens are refused by credentials.ts). */
export async function setSuspended(db: Db, caller: Caller, user: UserRow, suspended: boolean): Promise<UserRow> {
  if (Boolean(user.prohibit_login) === suspended) return user;
  await db.transaction(async () => {
    await setProhibitLogin(db, user.id, suspended);
    const ended = suspended ? await deleteUserSessions(db, user.id) : 0;
    await recordAudit(db, {
      actor: caller.actor,
      action: suspended ? 'user.suspend' : 'user.unsuspend',
      target: `user:${user.username}`,
      ip: caller.ip,
      data: suspended ? { sessions_ended: ended } : {},
    });
  });
  return await findUserById(db, user.id) ?? user;
}

/** Grants or revokes the site administrator flag, recorded in the audit trail; an unchanged flag records nothing. */
export async function setSiteAdmin(db: Db, caller: Caller, user: UserRow, admin: boolean): Promise<UserRow> {
  if (Boolean(user.is_admin) === admin) return user;
  await setAdmin(db, user.id, admin);
  await recordAudit(db, { actor: caller.actor, action: admin ? 'user.admin.grant' : 'user.admin.revoke', target: `user:${user.username}`, ip: caller.ip });
  return await findUserById(db, user.id) ?? user;
}

/** Checks token scopes: Gitea's names, at least one, no repeats. */
function checkScopes(scopes: string[]): Scope[] {
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw invalid(`Unknown token scope: ${unknown.join(', ')}. Known scopes: ${SCOPES.join(', ')}.`, { field: 'scopes' });
  if (scopes.length === 0) throw invalid('A token needs at least one scope.', { field: 'scopes' });
  return [...new Set(scopes)] as Scope[];
}

/** Creates a personal access token; the value is in the result only, never stored. */
export async function createAccessToken(db: Db, caller: Caller, owner: UserRow, input: { name: string; scopes: string[] }): Promise<{ row: TokenRow; value: string }> {
  const name = input.name.trim();
  if (name === '' || name.length > 255) throw invalid('The token name must have 1 to 255 characters.', { field: 'name' });
  const scopes = checkScopes(input.scopes);
  if ((await listTokens(db, owner.id)).some((t) => t.name === name)) throw conflict(`A token named "${name}" already exists.`, { field: 'name' });
  const token = generateToken();
  const row = await db.transaction(async () => {
    const row = await insertToken(db, { userId: owner.id, name, hash: token.hash, lastEight: token.lastEight, scopes });
    await recordAudit(db, { actor: caller.actor, action: 'token.create', target: `user:${owner.username}`, ip: caller.ip, data: { token_id: row.id, name, scopes } });
    return row;
  });
  return { row, value: token.value };
}

/** Revokes a token by id or name; it is refused from the next request on. */
export async function revokeAccessToken(db: Db, caller: Caller, owner: UserRow, idOrName: string): Promise<void> {
  const token = (await listTokens(db, owner.id)).find((t) => String(t.id) === idOrName || t.name === idOrName);
  if (!token) throw notFound('The token');
  await db.transaction(async () => {
    await deleteToken(db, owner.id, String(token.id));
    await recordAudit(db, { actor: caller.actor, action: 'token.delete', target: `user:${owner.username}`, ip: caller.ip, data: { token_id: token.id, name: token.name } });
  });
}


function slug(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .replace(/\.{2,}/g, '.')
    .slice(0, 40);
}

/** A username not yet taken, derived from the claims, with a numeric suffix when needed. */
export async function freeUsername(db: Db, claims: OidcClaims): Promise<string> {
  const person = [claims.given_name, claims.usual_name ?? claims.family_name].filter(Boolean).join('.');
  const candidates = [claims.preferred_username, claims.email?.split('@')[0], person, 'user']
    .map((c) => slug(c ?? ''))
    .filter((c) => c !== '' && ownerNameProblem(c) === null);
  const base = candidates[0] ?? 'user';
  if (!await findUserByName(db, base) && candidates.length > 0) return base;
  for (let n = 2; ; n++) {
    const name = `${base}${n}`;
    if (ownerNameProblem(name) === null && !await findUserByName(db, name)) return name;
  }
}

/**
 * The account linked to an OpenID subject; on first sign-in, a new account with a free username.
 * Accounts are never linked by email: a provider asserting someone else's address must not take over their account.
 */
export async function accountForOidc(db: Db, issuer: string, claims: OidcClaims): Promise<UserRow> {
  const linked = await findOidcIdentity(db, issuer, claims.sub);
  if (linked !== undefined) {
    const user = await findUserById(db, linked);
    if (user) return user;
  }
  return db.transaction(async () => {
    const email = claims.email && !await findUserByEmail(db, claims.email) ? claims.email : null;
    const fullName = [claims.given_name, claims.usual_name ?? claims.family_name].filter(Boolean).join(' ') || claims.name || '';
    const user = await insertUser(db, { username: await freeUsername(db, claims), email, passwordHash: null, fullName: fullName.slice(0, 255) });
    await insertOidcIdentity(db, { issuer, subject: claims.sub, userId: user.id });
    await recordAudit(db, { actor: user, action: 'user.signup', target: `user:${user.username}`, data: { method: 'oidc', issuer } });
    return user;
  });
}

/** The account behind an actor, or a 401 for anonymous requests. */
export function requireAccount(actor: Actor): Extract<Actor, { kind: 'user' }> {
  if (actor.kind !== 'user') throw new ForgeError('unauthorized', 'Sign in or send a token to do this.');
  return actor;
}

/**
 * Managing tokens needs the password (Basic authentication) or a signed-in browser, as in Gitea:
 * a leaked token must not be able to mint more tokens.
 */
export function requirePasswordOrSession(actor: Actor): Extract<Actor, { kind: 'user' }> {
  const account = requireAccount(actor);
  if (account.via === 'token') throw new ForgeError('unauthorized', 'Managing tokens needs your password (Basic authentication), not a token.');
  return account;
}

/** Whether a token's scopes allow reading (or writing) the account's own profile; sessions and passwords allow all. */
export function allowsUserScope(actor: Extract<Actor, { kind: 'user' }>, level: 'read' | 'write'): boolean {
  if (actor.scopes === null || actor.scopes.has('all') || actor.scopes.has('write:user')) return true;
  return level === 'read' && actor.scopes.has('read:user');
}
