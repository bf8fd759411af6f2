import type { FastifyInstance } from 'fastify';
import type { UserRow } from '../../../views/account.js';
import type { Actor, OrgAction } from '../../../auth/policy.js';
import { forbidden, notFound, unauthorized } from '../../../errors.js';

/**
 * The organisation, if the actor may act on it: a 404 when it may not even see it (or it does not
 * exist), a 403 when it may see it but not do this.
 */
export async function requireOrgAccess(fastify: FastifyInstance, actor: Actor, org: UserRow | undefined, action: OrgAction): Promise<UserRow> {
  if (!org || org.type !== 'org' || !await fastify.policy.can(actor, 'org:read', { type: 'org', org })) throw notFound('The organisation');
  if (action !== 'org:read' && !await fastify.policy.can(actor, action, { type: 'org', org })) {
    if (actor.kind === 'anonymous') throw unauthorized();
    throw forbidden(action === 'org:member' ? 'Only members of the organisation may see this.' : 'You need to be an owner of the organisation.');
  }
  return org;
}
