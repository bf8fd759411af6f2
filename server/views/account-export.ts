import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UserRow } from '../db/users.js';
import {
  exportAuditEvents,
  exportComments,
  exportConversations,
  exportMemberships,
  exportReactions,
  exportReviews,
  exportSignIns,
  exportSubscriptions,
  exportTokens,
} from '../db/account-data.js';
import { IMAGE_CONTENT_TYPES, IMAGE_FILE, type ImageType } from '../lib/avatars.js';
import { ACCOUNT_EXPORT_FORMAT, type AccountExport } from '../../contract/account-data.js';
import type { ReadContext } from './context.js';

/** The uploaded avatar as a `data:` URI (null for the identicon, or when its file is gone). */
function avatarDataUri(dataDir: string, file: string): string | null {
  const match = IMAGE_FILE.exec(file);
  if (!match) return null;
  try {
    const bytes = readFileSync(join(dataDir, 'avatars', file));
    return `data:${IMAGE_CONTENT_TYPES[match[1] as ImageType]};base64,${bytes.toString('base64')}`;
  } catch {
    return null;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Everything the forge holds about an account (RGPD articles 15 and 20), as GitHub's export does:
 * its own contributions wherever they are, in repositories that became private to it too (they
 * are its own text); nobody else's comments, only the place (repository and number) of its own.
 */
export async function accountExport(ctx: ReadContext, user: UserRow): Promise<AccountExport> {
  const { db } = ctx;
  const signIns = await exportSignIns(db, user.id);
  return {
    format: ACCOUNT_EXPORT_FORMAT,
    exported_at: new Date().toISOString(),
    account: {
      username: user.username,
      full_name: user.full_name,
      emails: user.email === null ? [] : [{ email: user.email, verified: user.email_confirmed === 1, primary: true }],
      description: user.description,
      website: user.website,
      location: user.location,
      language: user.language,
      visibility: user.visibility,
      is_admin: user.is_admin === 1,
      created_at: user.created_at,
      updated_at: user.updated_at,
      last_login_at: user.last_login_at,
      avatar: user.avatar === '' ? null : avatarDataUri(ctx.config.dataDir, user.avatar),
    },
    tokens: (await exportTokens(db, user.id)).map((token) => ({ ...token, scopes: token.scopes.split(',').filter(Boolean) })),
    sessions: signIns.sessions,
    openid_identities: signIns.identities,
    ssh_keys: [],
    gpg_keys: [],
    issues_and_pull_requests: await exportConversations(db, user.id),
    comments: await exportComments(db, user.id),
    reviews: await exportReviews(db, user.id),
    reactions: await exportReactions(db, user.id),
    subscriptions: await exportSubscriptions(db, user.id),
    memberships: await exportMemberships(db, user.id),
    audit_events: (await exportAuditEvents(db, user)).map((event) => ({ ...event, data: parseJson(event.data) })),
  };
}
