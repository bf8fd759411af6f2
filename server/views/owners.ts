import { findUserById, findUserByName, type UserRow } from '../db/users.js';
import type { Actor } from '../auth/policy.js';
import { forbidden, invalid } from '../errors.js';
import type { ReadContext } from './context.js';

export type { UserRow };

/** An account (a user or an organisation) named as the owner of a new repository, by name or id, or undefined. */
export function findOwnerAccount(ctx: ReadContext, ref: { name: string } | { id: number }): UserRow | undefined {
  return 'name' in ref ? findUserByName(ctx.db, ref.name) : findUserById(ctx.db, ref.id);
}

/**
 * Who a new fork belongs to: the signed-in user, or the organisation named, which must be one the
 * actor may see (else it "does not exist") and create repositories in.
 */
export function forkOwner(ctx: ReadContext, actor: Actor, user: UserRow, organization: string | undefined): UserRow {
  if (!organization) {
    if (!ctx.policy.can(actor, 'user:create-repo', { type: 'user', user })) throw forbidden('Your token may not create repositories.');
    return user;
  }
  const org = findUserByName(ctx.db, organization);
  if (!org || org.type !== 'org' || !ctx.policy.can(actor, 'org:read', { type: 'org', org })) {
    throw invalid(`The organisation "${organization}" does not exist.`, { field: 'organization' });
  }
  if (!ctx.policy.can(actor, 'org:create-repo', { type: 'org', org })) throw forbidden(`You may not create repositories in ${org.username}.`);
  return org;
}
