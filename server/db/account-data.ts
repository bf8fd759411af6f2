import type { Db } from './index.js';
import { GHOST_LOGIN } from '../../contract/account-data.js';

/**
 * The queries of an account's data export and deletion (issue #17, RGPD). The export reads
 * everything an account wrote or holds, wherever it is (private repositories included: it is
 * theirs); the deletion moves or erases it.
 */

/** The built-in account that keeps the authorship of deleted accounts' contributions (its name is reserved in lib/names.ts). */
export const GHOST_NAME = GHOST_LOGIN;

/** Where a contribution lives: the repository's full name and the or pull request's number. */
interface Located {
  repository: string;
  number: number;
}

export interface ExportToken {
  name: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
}

export interface ExportConversation extends Located {
  kind: 'issue' | 'pull';
  title: string;
  body: string;
  state: string;
  created_at: string;
  updated_at: string;
}

export interface ExportComment extends Located {
  kind: 'issue' | 'pull' | 'review';
  body: string;
  path: string | null;
  created_at: string;
  updated_at: string;
}

export interface ExportReview extends Located {
  state: string;
  body: string;
  commit_id: string;
  submitted_at: string | null;
}

export interface ExportReaction extends Located {
  content: string;
  on_comment: boolean;
  created_at: string;
}

export interface ExportMembership {
  organization: string;
  team: string;
  permission: string;
}

export interface ExportCollaboration {
  repository: string;
  permission: string;
}

export interface ExportSubscription extends Located {
  subscribed: boolean;
}

export interface ExportSession {
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string;
}

export interface ExportAuditEvent {
  action: string;
  target: string;
  data: string;
  ip: string | null;
  created_at: string;
}

const REPO_NAME = `(SELECT u.username || '/' || r.name FROM repositories r JOIN users u ON u.id = r.owner_id WHERE r.id = %s)`;
const repoName = (column: string) => REPO_NAME.replace('%s', column);

/** The account's tokens: names, scopes and dates only (never the hash nor any part of the value). */
export async function exportTokens(db: Db, userId: number): Promise<ExportToken[]> {
  return await db.prepare('SELECT name, scopes, created_at, last_used_at FROM access_tokens WHERE user_id = ? ORDER BY id').all(userId) as ExportToken[];
}

/** The issues and pull requests the account opened. */
export async function exportConversations(db: Db, userId: number): Promise<ExportConversation[]> {
  return await db
    .prepare(
      `SELECT 'issue' AS kind, ${repoName('i.repo_id')} AS repository, i.number, i.title, i.body, i.state, i.created_at, i.updated_at
         FROM issues i WHERE i.poster_id = @id
       UNION ALL
       SELECT 'pull', ${repoName('p.base_repo_id')}, p.number, p.title, p.body, CASE WHEN p.merged = 1 THEN 'merged' ELSE p.state END, p.created_at, p.updated_at
         FROM pull_requests p WHERE p.poster_id = @id
       ORDER BY 7`,
    )
    .all({ id: userId }) as ExportConversation[];
}

/** The account's comments: on issues, on pull requests, and on lines of a pull request's diff. */
export async function exportComments(db: Db, userId: number): Promise<ExportComment[]> {
  return await db
    .prepare(
      `SELECT CASE WHEN c.issue_id IS NULL THEN 'pull' ELSE 'issue' END AS kind,
              coalesce(${repoName('i.repo_id')}, ${repoName('p.base_repo_id')}) AS repository, coalesce(i.number, p.number) AS number,
              c.body, NULL AS path, c.created_at, c.updated_at
         FROM issue_comments c LEFT JOIN issues i ON i.id = c.issue_id LEFT JOIN pull_requests p ON p.id = c.pull_id
        WHERE c.poster_id = @id
       UNION ALL
       SELECT 'review', ${repoName('p.base_repo_id')}, p.number, rc.body, rc.path, rc.created_at, rc.updated_at
         FROM review_comments rc JOIN pull_requests p ON p.id = rc.pull_id WHERE rc.poster_id = @id
       ORDER BY 6`,
    )
    .all({ id: userId }) as ExportComment[];
}

/** The account's reviews of pull requests. */
export async function exportReviews(db: Db, userId: number): Promise<ExportReview[]> {
  return await db
    .prepare(
      `SELECT ${repoName('p.base_repo_id')} AS repository, p.number, r.state, r.body, r.commit_id, r.submitted_at
         FROM reviews r JOIN pull_requests p ON p.id = r.pull_id WHERE r.reviewer_id = ? ORDER BY r.id`,
    )
    .all(userId) as ExportReview[];
}

/** The account's reactions. */
export async function exportReactions(db: Db, userId: number): Promise<ExportReaction[]> {
  return (
    await db
      .prepare(`SELECT ${repoName('repo_id')} AS repository, number, content, comment_id IS NOT NULL AS on_comment, created_at FROM reactions WHERE user_id = ? ORDER BY id`)
      .all(userId) as Array<Omit<ExportReaction, 'on_comment'> & { on_comment: 0 | 1 | boolean }>
  ).map((row) => ({ ...row, on_comment: row.on_comment === 1 || row.on_comment === true })); // SQLite says 1, PostgreSQL true
}

/** The conversations the account subscribed to or muted, and the repositories it watches. */
export async function exportSubscriptions(db: Db, userId: number): Promise<{ conversations: ExportSubscription[]; watching: string[] }> {
  const conversations = (
    await db
      .prepare(`SELECT ${repoName('repo_id')} AS repository, number, subscribed FROM conversation_subscriptions WHERE user_id = ? ORDER BY repo_id, number`)
      .all(userId) as Array<Located & { subscribed: 0 | 1 }>
  ).map((row) => ({ ...row, subscribed: row.subscribed === 1 }));
  const watching = await db.prepare(`SELECT ${repoName('repo_id')} FROM repository_watches WHERE user_id = ? ORDER BY repo_id`).pluck().all(userId) as string[];
  return { conversations, watching };
}

/** The teams the account belongs to, and the repositories it collaborates on. */
export async function exportMemberships(db: Db, userId: number): Promise<{ teams: ExportMembership[]; collaborations: ExportCollaboration[] }> {
  const teams = await db
    .prepare(
      `SELECT o.username AS organization, t.name AS team, t.permission FROM team_members m JOIN teams t ON t.id = m.team_id
         JOIN users o ON o.id = t.org_id WHERE m.user_id = ? ORDER BY o.lower_name, t.lower_name`,
    )
    .all(userId) as ExportMembership[];
  const collaborations = await db
    .prepare(`SELECT ${repoName('repo_id')} AS repository, permission FROM collaborators WHERE user_id = ? ORDER BY repo_id`)
    .all(userId) as ExportCollaboration[];
  return { teams, collaborations };
}

/** The account's open sessions (never their identifiers), and the OpenID identities linked to it. */
export async function exportSignIns(db: Db, userId: number): Promise<{ sessions: ExportSession[]; identities: Array<{ issuer: string; subject: string; created_at: string }> }> {
  const sessions = await db
    .prepare('SELECT created_at, last_seen_at, expires_at, ip, user_agent FROM sessions WHERE user_id = ? ORDER BY created_at')
    .all(userId) as ExportSession[];
  const identities = await db.prepare('SELECT issuer, subject, created_at FROM oidc_identities WHERE user_id = ? ORDER BY created_at').all(userId) as Array<{
    issuer: string;
    subject: string;
    created_at: string;
  }>;
  return { sessions, identities };
}

/** The audit events the account did or that name it (its sign-ins, failed ones on its name included). */
export async function exportAuditEvents(db: Db, user: { id: number; username: string }): Promise<ExportAuditEvent[]> {
  return await db
    .prepare(
      // Only the addresses of what the account did: an administrator's or an attacker's are someone else's data.
      `SELECT action, target, data, CASE WHEN actor_id = @id THEN ip END AS ip, created_at FROM audit_events
        WHERE actor_id = @id OR lower(target) = lower(@target) ORDER BY id`,
    )
    .all({ id: user.id, target: `user:${user.username}` }) as ExportAuditEvent[];
}

/**
 * The ghost account's id, created the first time an account is deleted (its name is reserved, so
 * nobody else takes it); null when an account made before the name was reserved holds it.
 */
export async function ghostAccountId(db: Db): Promise<number | null> {
  await db.prepare(
    `INSERT INTO users (type, username, lower_name, full_name, prohibit_login, description)
     VALUES ('user', @name, @name, 'Deleted user', 1, 'The author of what deleted accounts wrote.') ON CONFLICT (lower_name) DO NOTHING`,
  ).run({ name: GHOST_NAME });
  const id = await db
    .prepare("SELECT id FROM users WHERE lower_name = ? AND type = 'user' AND password_hash IS NULL AND email IS NULL AND prohibit_login = 1")
    .pluck()
    .get(GHOST_NAME) as number | undefined;
  return id ?? null;
}

/** How many accounts (not suspended) are site administrators. */
export async function countActiveAdmins(db: Db): Promise<number> {
  return await db.prepare("SELECT count(*) FROM users WHERE type = 'user' AND is_admin = 1 AND prohibit_login = 0").pluck().get() as number;
}

/** Gives every issue, pull request, comment, review and timeline entry of an account to another (the ghost). */
export async function reassignContributions(db: Db, from: number, to: number): Promise<void> {
  const params = { from, to };
  await db.prepare('UPDATE issues SET poster_id = @to WHERE poster_id = @from').run(params);
  await db.prepare('UPDATE pull_requests SET poster_id = @to WHERE poster_id = @from').run(params);
  await db.prepare('UPDATE issue_comments SET poster_id = @to WHERE poster_id = @from').run(params);
  await db.prepare('UPDATE reviews SET reviewer_id = @to WHERE reviewer_id = @from').run(params);
  await db.prepare('UPDATE review_comments SET poster_id = @to WHERE poster_id = @from').run(params);
  await db.prepare('UPDATE timeline_events SET actor_id = @to WHERE actor_id = @from').run(params);
  await db.prepare('UPDATE content_history SET editor_id = @to WHERE editor_id = @from').run(params);
}

/**
 * Erases the text an account wrote, before its contributions go to the ghost: its comments go
 * (review comments that others answered keep their place, emptied, so the answers stay in their
 * thread); its issues', pull requests' and reviews' descriptions and the reasons it gave are
 * emptied; every earlier version of its text goes from the edit history.
 */
export async function eraseContributions(db: Db, userId: number): Promise<void> {
  const params = { id: userId };
  await db.prepare(
    `DELETE FROM content_history WHERE editor_id = @id
        OR (comment_id IS NULL AND (EXISTS (SELECT 1 FROM issues i WHERE i.poster_id = @id AND i.repo_id = content_history.repo_id AND i.number = content_history.number)
                                 OR EXISTS (SELECT 1 FROM pull_requests p WHERE p.poster_id = @id AND p.base_repo_id = content_history.repo_id AND p.number = content_history.number)))`,
  ).run(params);
  await db.prepare('DELETE FROM issue_comments WHERE poster_id = @id').run(params);
  await db.prepare(
    `DELETE FROM review_comments WHERE poster_id = @id
        AND NOT EXISTS (SELECT 1 FROM review_comments reply WHERE reply.thread_id = review_comments.id AND reply.poster_id != @id)`,
  ).run(params);
  await db.prepare("UPDATE review_comments SET body = '' WHERE poster_id = @id").run(params);
  await db.prepare("UPDATE issues SET body = '' WHERE poster_id = @id").run(params);
  await db.prepare("UPDATE pull_requests SET body = '' WHERE poster_id = @id").run(params);
  await db.prepare("UPDATE reviews SET body = '' WHERE reviewer_id = @id").run(params);
  await db.prepare("UPDATE timeline_events SET body = '' WHERE actor_id = @id AND type IN ('dismiss_review', 'lock')").run(params);
}

/**
 * Takes the personal data out of the audit trail about an account, keeping the events: its name
 * becomes the ghost's, its addresses and the event details that could name it go, and its
 * throttle counters are dropped.
 */
export async function pseudonymiseAuditTrail(db: Db, user: { id: number; username: string }): Promise<void> {
  const params = { id: user.id, target: `user:${user.username}`, ghost: GHOST_NAME, pseudonym: `user:#${user.id}` };
  await db.prepare('UPDATE audit_events SET actor_name = @ghost, ip = NULL WHERE actor_id = @id').run(params);
  await db.prepare("UPDATE audit_events SET target = @pseudonym, data = '{}', ip = NULL WHERE lower(target) = lower(@target)").run(params);
  // Events about something else that name the account in their details (a collaborator added, a review requested).
  await db.prepare("UPDATE audit_events SET data = json_set(data, '$.user', @ghost) WHERE json_valid(data) AND lower(json_extract(data, '$.user')) = lower(@name)").run({ ...params, name: user.username });
  await db.prepare("DELETE FROM login_attempts WHERE key = 'account:id:' || @id OR key LIKE '%|id:' || @id").run(params);
}

/** Whether an image file of data/avatars is still used, by an account, an organisation or the site's logo. */
export async function imageInUse(db: Db, file: string): Promise<boolean> {
  return (
    (await db.prepare("SELECT (SELECT count(*) FROM users WHERE avatar = @file) + (SELECT count(*) FROM site_settings WHERE key = 'logo' AND value = @file)").pluck().get({ file }) as number) > 0
  );
}
