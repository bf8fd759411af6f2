import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { serialiseOn, type Db } from '../db/index.js';
import { OWNERS_LOCK } from './orgs.js';
import type { UserRow } from '../db/users.js';
import { deleteAccountRow } from '../db/users.js';
import { listReposOwnedBy } from '../db/repos.js';
import { orgsOwnedOnlyBy } from '../db/admin.js';
import { GHOST_NAME, countActiveAdmins, eraseContributions, ghostAccountId, imageInUse, pseudonymiseAuditTrail, reassignContributions } from '../db/account-data.js';
import { verifyPassword } from '../auth/passwords.js';
import { ForgeError, conflict, invalid } from '../errors.js';
import type { ContentChoice } from '../../contract/account-data.js';
import { recordAudit } from './audit.js';
import { imagesDir } from './images.js';
import { deleteRepository, type AuditContext } from './repos.js';
import type { EventBus } from './events.js';

/** How recent a sign-in must be to delete an account that has no password (signed in through OpenID Connect). */
export const FRESH_SIGN_IN_MS = 10 * 60 * 1000;

/** What deleting an account touches: the database, the repositories (an administrator's purge) and the avatars' folder. */
export interface AccountDeletionContext {
  db: Db;
  reposDir: string;
  dataDir: string;
  events: EventBus;
}

/** How the account proves it is really them: its password, or a sign-in of the last minutes for an account without one. */
export interface DeletionConfirmation {
  password?: string;
  /** When the browser session making the request was opened; null for a token or a password sent with the request. */
  signedInAt: string | null;
}

/**
 * An account deletes itself (Gitea's "Delete your account", GitLab's ghost user). Refused while it
 * owns repositories or is the last owner of an organisation or the last administrator (Gitea's
 * behaviour: nothing of value goes by surprise), with a 409 naming them.
 */
export async function deleteOwnAccount(ctx: AccountDeletionContext, caller: AuditContext, user: UserRow, confirmation: DeletionConfirmation, content: ContentChoice): Promise<void> {
  if (user.password_hash !== null) {
    if (!(await verifyPassword(confirmation.password ?? '', user.password_hash))) {
      throw invalid('The password is not correct: type your current password to delete your account.', { field: 'password' });
    }
  } else if (confirmation.signedInAt === null || Date.now() - new Date(confirmation.signedInAt).getTime() > FRESH_SIGN_IN_MS) {
    throw new ForgeError('forbidden', 'Your account has no password: sign out, sign in again, then delete your account within 10 minutes.');
  }
  await removeAccount(ctx, caller, user, { content, purge: false, self: true });
}

/**
 * An administrator deletes an account (Gitea's `DELETE /admin/users/{username}`): the same
 * deletion, where `purge` deletes its repositories first instead of refusing.
 */
export async function deleteAccountAsAdmin(ctx: AccountDeletionContext, caller: AuditContext, user: UserRow, options: { content: ContentChoice; purge: boolean }): Promise<void> {
  if (caller.actor.kind === 'user' && caller.actor.user.id === user.id) throw invalid('You cannot delete your own account here.');
  await removeAccount(ctx, caller, user, { ...options, self: false });
}

/** The refusals, checked before the repositories go and again inside the transaction (another request may have created one since). */
async function refusals(db: Db, user: UserRow, options: { purge: boolean; self: boolean }): Promise<void> {
  const who = options.self ? 'You' : user.username;
  const repos = (await listReposOwnedBy(db, user.id)).map((r) => `${r.owner_name}/${r.name}`);
  if (repos.length > 0 && !options.purge) {
    const message = options.self
      ? `You still own repositories: ${repos.join(', ')}. Transfer them to another account or organisation, or delete them, first.`
      : `${who} still owns repositories: ${repos.join(', ')}. Transfer or delete them first, or delete with purge=true.`;
    throw conflict(message, { repositories: repos });
  }
  const orgs = await orgsOwnedOnlyBy(db, user.id);
  if (orgs.length > 0) throw conflict(`${who} ${options.self ? 'are' : 'is'} the only owner of ${orgs.join(', ')}: add another owner first.`, { organisations: orgs });
  if (options.self && user.is_admin === 1 && user.prohibit_login === 0 && await countActiveAdmins(db) <= 1) {
    throw conflict('You are the only site administrator: make another account administrator first.');
  }
}

async function removeAccount(ctx: AccountDeletionContext, caller: AuditContext, user: UserRow, options: { content: ContentChoice; purge: boolean; self: boolean }): Promise<void> {
  const { db } = ctx;
  if (user.type !== 'user') throw invalid(`${user.username} is an organisation, not an account.`);
  if (user.lower_name === GHOST_NAME) throw invalid('The "deleted user" account keeps what deleted accounts wrote: it cannot be deleted.');
  await refusals(db, user, options);
  for (const repo of options.purge ? await listReposOwnedBy(db, user.id) : []) await deleteRepository(db, ctx.reposDir, repo, caller, ctx.events);
  // One transaction: a crash leaves the account whole or gone, never half moved to the ghost.
  await db.transaction(async () => {
    await serialiseOn(db, OWNERS_LOCK);
    await refusals(db, user, { ...options, purge: false });
    const ghost = await ghostAccountId(db);
    if (ghost === null) throw conflict(`An account named "${GHOST_NAME}" exists from before the name was reserved: rename it before deleting accounts.`);
    if (options.content === 'remove') await eraseContributions(db, user.id);
    await reassignContributions(db, user.id, ghost);
    await pseudonymiseAuditTrail(db, user);
    // Sessions, tokens, mail links, memberships, subscriptions and reactions go with the row (ON DELETE CASCADE).
    await deleteAccountRow(db, user.id);
    // Kept without personal data: the account is named by its former id only; a self-deletion records no address.
    await recordAudit(db, {
      actor: options.self ? null : caller.actor,
      action: 'user.delete',
      target: `user:#${user.id}`,
      ip: options.self ? null : caller.ip,
      data: { by: options.self ? 'self' : 'admin', content: options.content },
    });
  });
  // After the commit: the file is named by its content, so another account or the logo may share it.
  if (user.avatar !== '' && !await imageInUse(db, user.avatar)) rmSync(join(imagesDir(ctx.dataDir), user.avatar), { force: true });
}
