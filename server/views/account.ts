import { countAccounts, findUserById, findUserByName, type UserRow } from '../db/users.js';
import { listTokens, type TokenRow } from '../db/tokens.js';
import { listAuditEvents, type AuditFilter, type AuditRow } from '../db/audit.js';
import { pingDb } from '../db/index.js';
import type { Actor } from '../auth/policy.js';
import type { ReadContext } from './context.js';

export type { UserRow, TokenRow, AuditRow };

/** The account or organisation with this name, whoever asks (callers check what the actor may see). */
export async function findAccount(ctx: ReadContext, name: string): Promise<UserRow | undefined> {
  return await findUserByName(ctx.db, name);
}

/** The account or organisation with this id. */
export async function findAccountById(ctx: ReadContext, id: number): Promise<UserRow | undefined> {
  return await findUserById(ctx.db, id);
}

/** A personal account (not an organisation) the actor may see: a hidden one is `undefined`, like a missing one. */
export async function visibleUser(ctx: ReadContext, actor: Actor, name: string): Promise<UserRow | undefined> {
  const user = await findUserByName(ctx.db, name);
  return user && await ctx.policy.can(actor, 'user:read', { type: 'user', user }) ? user : undefined;
}

/** The owner behind `/users/{name}/repos` if the actor may see it: an account, or an organisation by its own rule. */
export async function visibleOwner(ctx: ReadContext, actor: Actor, name: string): Promise<UserRow | undefined> {
  const owner = await findUserByName(ctx.db, name);
  if (!owner) return undefined;
  const visible =
    owner.type === 'org'
      ? await ctx.policy.can(actor, 'org:read', { type: 'org', org: owner })
      : await ctx.policy.can(actor, 'user:read', { type: 'user', user: owner });
  return visible ? owner : undefined;
}

/** An account's personal access tokens (their hashes stay in the database). */
export async function accessTokensOf(ctx: ReadContext, user: UserRow): Promise<TokenRow[]> {
  return await listTokens(ctx.db, user.id);
}

/** Whether any account exists yet: first-start setup is offered only before the first one. */
export async function hasAccounts(ctx: ReadContext): Promise<boolean> {
  return await countAccounts(ctx.db) > 0;
}

/** One page of the audit trail, newest first, and its total for X-Total-Count. */
export async function auditPage(ctx: ReadContext, options: { limit: number; offset: number } & AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
  return await listAuditEvents(ctx.db, options);
}

/** Whether the database answers a query (the health check). */
export async function databaseAnswers(ctx: ReadContext): Promise<boolean> {
  try {
    await pingDb(ctx.db);
    return true;
  } catch {
    return false;
  }
}
