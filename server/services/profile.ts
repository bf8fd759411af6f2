import { isUniqueViolation, type Db } from '../db/index.js';
import { findUserByEmail, setAvatar, setEmail, updateProfile, type ProfileChange, type UserRow } from '../db/users.js';
import { conflict, invalid } from '../errors.js';
import { recordAudit } from './audit.js';
import { storeImage } from './images.js';
import { startEmailConfirmation } from './email-confirm.js';
import type { AccountMailContext } from './account-tokens.js';
import { EMAIL } from './users.js';
import type { Caller } from './auth.js';

/** What an account changes on its settings page (Gitea's `PATCH /user/settings`, plus the address). */
export interface SettingsChange {
  full_name?: string;
  description?: string;
  website?: string;
  location?: string;
  email?: string;
}

/** A website is an http or https URL, or nothing: any other scheme (javascript:, data:) could run in a visitor's browser. */
function websiteProblem(website: string): string | null {
  if (website === '') return null;
  try {
    const url = new URL(website);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must start with http:// or https://';
  } catch {
    return 'is not a web address (e.g. https://example.org)';
  }
}

/**
 * Saves an account's profile. A new address is checked like a sign-up's and, when the forge sends
 * mail, starts unconfirmed with a confirmation link sent to it.
 */
export async function updateSettings(ctx: AccountMailContext, caller: Caller, user: UserRow, change: SettingsChange): Promise<UserRow> {
  const website = change.website?.trim();
  const issue = website === undefined ? null : websiteProblem(website);
  if (issue) throw invalid(`The website ${issue}.`, { field: 'website' });
  const profile: ProfileChange = { fullName: change.full_name?.trim(), description: change.description, website, location: change.location?.trim() };
  const email = change.email?.trim();
  if (email !== undefined && !(EMAIL.test(email) && email.length <= 254)) throw invalid('The email address is not valid.', { field: 'email' });
  const changesEmail = email !== undefined && email.toLowerCase() !== (user.email ?? '').toLowerCase();
  if (changesEmail && await findUserByEmail(ctx.db, email)) throw conflict('An account already uses this email address.', { field: 'email' });
  let saved: UserRow;
  try {
    saved = await ctx.db.transaction(async () => {
      const updated = await updateProfile(ctx.db, user.id, profile);
      return changesEmail ? await setEmail(ctx.db, user.id, email, true) : updated;
    });
  } catch (err) {
    // Another writer took the address between the check and the update.
    if (isUniqueViolation(err)) throw conflict('An account already uses this email address.', { field: 'email' });
    throw err;
  }
  if (changesEmail) {
    await recordAudit(ctx.db, { actor: caller.actor, action: 'user.email_change', target: `user:${user.username}`, ip: caller.ip });
    saved = await startEmailConfirmation(ctx, saved);
  }
  return saved;
}

/** Stores an uploaded avatar (PNG, JPEG or WebP of at most 1 MB) as the account's or organisation's. */
export async function uploadAvatar(db: Db, dataDir: string, owner: UserRow, base64: string): Promise<UserRow> {
  return await setAvatar(db, owner.id, storeImage(dataDir, base64));
}

/** Goes back to the generated identicon. The file stays: another account may have uploaded the same image. */
export async function removeAvatar(db: Db, owner: UserRow): Promise<UserRow> {
  return await setAvatar(db, owner.id, '');
}
