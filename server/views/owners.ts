import { findUserById, findUserByName, type UserRow } from '../db/users.js';
import type { Actor } from '../auth/policy.js';
import { forbidden, invalid } from '../errors.js';
import type { ReadContext } from './context.js';

export type { UserRow };

/**
 * Who an imported repository belongs to: the signed-in user, or the account named by `repo_owner`
 * or `uid`, which the actor must be able to see (an organisation it may not see "does not exist",
 * as one that does not) and create repositories for.
 */
export async function migrationOwner(ctx: ReadContext, actor: Actor, user: UserRow, named: { repo_owner?: string; uid?: number }): Promise<UserRow> {
  let owner: UserRow | undefined = user;
  if (named.repo_owner) owner = await findUserByName(ctx.db, named.repo_owner);
  else if (named.uid !== undefined) owner = await findUserById(ctx.db, named.uid);
  if (!owner || !await ctx.policy.can(actor, 'user:read', { type: 'user', user: owner })) {
    throw invalid(`The owner "${named.repo_owner ?? named.uid}" does not exist.`, { field: 'repo_owner' });
  }
  const allowed =
    owner.type === 'org' ? await ctx.policy.can(actor, 'org:create-repo', { type: 'org', org: owner }) : await ctx.policy.can(actor, 'user:create-repo', { type: 'user', user: owner });
  if (!allowed) throw forbidden(`You may not create repositories for ${owner.username}.`);
  return owner;
}

/**
 * Who a new fork belongs to: the signed-in user, or the organisation named, which must be one the
 * actor may see (else it "does not exist") and create repositories in.
 */
export async function forkOwner(ctx: ReadContext, actor: Actor, user: UserRow, organization: string | undefined): Promise<UserRow> {
  if (!organization) {
    if (!await ctx.policy.can(actor, 'user:create-repo', { type: 'user', user })) throw forbidden('Your token may not create repositories.');
    return user;
  }
  const org = await findUserByName(ctx.db, organization);
  if (!org || org.type !== 'org' || !await ctx.policy.can(actor, 'org:read', { type: 'org', org })) {
    throw invalid(`The organisation "${organization}" does not exist.`, { field: 'organization' });
  }
  if (!await ctx.policy.can(actor, 'org:create-repo', { type: 'org', org })) throw forbidden(`You may not create repositories in ${org.username}.`);
  return org;
}
