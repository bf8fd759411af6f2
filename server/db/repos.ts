import type { Db } from './index.js';
import type { TeamRow } from './teams.js';
import type { MergeStyleName } from '../../contract/merge-styles.js';

/** A repository row joined with its owner's name and type. */
export interface RepoRow {
  id: number;
  owner_id: number;
  owner_name: string;
  owner_type: 'user' | 'org';
  /** The owner's visibility: a private organisation hides even its public repositories from outsiders. */
  owner_visibility: 'public' | 'limited' | 'private';
  name: string;
  lower_name: string;
  description: string;
  website: string;
  is_private: 0 | 1;
  is_archived: 0 | 1;
  is_empty: 0 | 1;
  is_mirror: 0 | 1;
  /** Whether the issue tracker is on (Gitea's has_issues). */
  has_issues: 0 | 1;
  default_branch: string;
  fork_id: number | null;
  size_kb: number;
  created_at: string;
  updated_at: string;
  /** Where an imported repository came from (without credentials); null for one created here. */
  original_url: string | null;
  /** A mirror's sync interval in seconds (0: on demand only) and its last successful sync. */
  mirror_interval_s: number | null;
  mirror_updated: string | null;
  /** The merge styles the repository allows (Gitea's settings), and the one offered first. */
  allow_merge_commits: 0 | 1;
  allow_rebase: 0 | 1;
  allow_rebase_explicit: 0 | 1;
  allow_squash_merge: 0 | 1;
  allow_fast_forward_only_merge: 0 | 1;
  default_merge_style: MergeStyleName;
}

const SELECT = `SELECT r.*, u.username AS owner_name, u.type AS owner_type, u.visibility AS owner_visibility,
    s.clone_addr AS original_url, s.interval_s AS mirror_interval_s, s.last_sync_at AS mirror_updated
  FROM repositories r JOIN users u ON u.id = r.owner_id LEFT JOIN repository_sources s ON s.repo_id = r.id`;

export async function findRepo(db: Db, owner: string, name: string): Promise<RepoRow | undefined> {
  return await db.prepare(`${SELECT} WHERE u.lower_name = ? AND r.lower_name = ?`).get(owner.toLowerCase(), name.toLowerCase()) as
    | RepoRow
    | undefined;
}

export async function findRepoById(db: Db, id: number): Promise<RepoRow | undefined> {
  return await db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as RepoRow | undefined;
}

/** The repository an old owner/name now points to after a rename or transfer, if any. */
export async function findRepoRedirect(db: Db, owner: string, name: string): Promise<RepoRow | undefined> {
  const id = await db
    .prepare('SELECT repo_id FROM repository_redirects WHERE owner_lower_name = ? AND lower_name = ?')
    .pluck()
    .get(owner.toLowerCase(), name.toLowerCase()) as number | undefined;
  return id === undefined ? undefined : await findRepoById(db, id);
}

export interface NewRepo {
  ownerId: number;
  name: string;
  description: string;
  website?: string;
  isPrivate: boolean;
  defaultBranch: string;
  isEmpty: boolean;
  forkId?: number | null;
  isMirror?: boolean;
}

export async function insertRepo(db: Db, repo: NewRepo): Promise<RepoRow> {
  const { id } = await db
    .prepare(
      `INSERT INTO repositories (owner_id, name, lower_name, description, website, is_private, default_branch, is_empty, fork_id, is_mirror)
       VALUES (@ownerId, @name, lower(@name), @description, @website, @isPrivate, @defaultBranch, @isEmpty, @forkId, @isMirror)
       RETURNING id`,
    )
    .get({
      ...repo,
      website: repo.website ?? '',
      isPrivate: repo.isPrivate ? 1 : 0,
      isEmpty: repo.isEmpty ? 1 : 0,
      forkId: repo.forkId ?? null,
      isMirror: repo.isMirror ? 1 : 0,
    }) as { id: number };
  return await findRepoById(db, id) as RepoRow;
}

/** Every repository, oldest first (start-up recovery checks each against its folder). */
export async function listAllRepos(db: Db): Promise<RepoRow[]> {
  return await db.prepare(`${SELECT} ORDER BY r.id`).all() as RepoRow[];
}

/** The forks of a repository (any visibility: callers filter what the viewer may read), oldest first. */
export async function listForks(db: Db, repoId: number): Promise<RepoRow[]> {
  return await db.prepare(`${SELECT} WHERE r.fork_id = ? ORDER BY r.id`).all(repoId) as RepoRow[];
}

/**
 * Unlinks a repository's public forks from it (GitHub's rule when a parent goes private): they stay
 * public, as what they hold was already published, but stop being its forks. Returns how many.
 */
export async function detachPublicForks(db: Db, repoId: number): Promise<number> {
  return (await db.prepare('UPDATE repositories SET fork_id = NULL WHERE fork_id = ? AND is_private = 0').run(repoId)).changes;
}

/** How many forks of each repository the viewer may read: the same rule as the fork list. */
export async function countReadableForks(db: Db, repoIds: number[], viewer: RepoViewer): Promise<Map<number, number>> {
  if (repoIds.length === 0) return new Map();
  const rows = await db
    .prepare(
      `SELECT r.fork_id AS id, count(*) AS n FROM repositories r JOIN users u ON u.id = r.owner_id
        WHERE r.fork_id IN (SELECT CAST(value AS INTEGER) FROM json_each(@ids)) AND ${READABLE} GROUP BY r.fork_id`,
    )
    .all({ ids: JSON.stringify(repoIds), ...viewerParams(viewer) }) as Array<{ id: number; n: number }>;
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** Records that a push or an in-process write changed the repository: size, emptiness, time. */
export async function touchRepo(db: Db, id: number, changes: { sizeKb?: number; isEmpty?: boolean; defaultBranch?: string }): Promise<void> {
  await db.prepare(
    `UPDATE repositories SET
       size_kb = coalesce(@sizeKb, size_kb),
       is_empty = coalesce(@isEmpty, is_empty),
       default_branch = coalesce(@defaultBranch, default_branch),
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = @id`,
  ).run({
    id,
    sizeKb: changes.sizeKb ?? null,
    isEmpty: changes.isEmpty === undefined ? null : changes.isEmpty ? 1 : 0,
    defaultBranch: changes.defaultBranch ?? null,
  });
}

export async function deleteRepoRow(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM repositories WHERE id = ?').run(id);
}

/** The strongest permission a user holds on a repository through collaboration or teams (not ownership). */
export async function grantedPermission(db: Db, repoId: number, userId: number): Promise<'read' | 'write' | 'admin' | 'owner' | null> {
  const rows = await db
    .prepare(
      `SELECT permission FROM collaborators WHERE repo_id = @repoId AND user_id = @userId
       UNION ALL
       SELECT t.permission FROM teams t
         JOIN team_members m ON m.team_id = t.id AND m.user_id = @userId
         JOIN repositories r ON r.id = @repoId AND r.owner_id = t.org_id
        WHERE t.includes_all_repositories = 1 OR t.permission = 'owner'
           OR EXISTS (SELECT 1 FROM team_repositories tr WHERE tr.team_id = t.id AND tr.repo_id = @repoId)`,
    )
    .pluck()
    .all({ repoId, userId }) as Array<'read' | 'write' | 'admin' | 'owner'>;
  const order = ['read', 'write', 'admin', 'owner'] as const;
  let best = -1;
  for (const p of rows) best = Math.max(best, order.indexOf(p));
  return best < 0 ? null : order[best];
}

/** Whether the user belongs to any team of the organisation. */
export async function isOrgMember(db: Db, orgId: number, userId: number): Promise<boolean> {
  return (
    await db
      .prepare('SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = ? AND m.user_id = ? LIMIT 1')
      .get(orgId, userId) !== undefined
  );
}

/** Whether the user is in the organisation's owners team. */
export async function isOrgOwner(db: Db, orgId: number, userId: number): Promise<boolean> {
  return (
    await db
      .prepare(
        "SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = ? AND m.user_id = ? AND t.permission = 'owner' LIMIT 1",
      )
      .get(orgId, userId) !== undefined
  );
}

/** Who is listing: the SQL twin of Policy.repoAccess, for listings and search. */
export interface RepoViewer {
  userId: number | null;
  isAdmin: boolean;
  /** False for a token without a repository scope: it sees public repositories only. */
  privateAllowed: boolean;
}

/** Grants that give a viewer access whatever the repository's visibility (mirrors Policy.repoAccess). */
const GRANTED = `(@viewerAdmin = 1 OR r.owner_id = @viewerId
  OR EXISTS (SELECT 1 FROM collaborators c WHERE c.repo_id = r.id AND c.user_id = @viewerId)
  OR EXISTS (SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id AND m.user_id = @viewerId
              WHERE t.org_id = r.owner_id AND (t.includes_all_repositories = 1 OR t.permission = 'owner'
                OR EXISTS (SELECT 1 FROM team_repositories tr WHERE tr.team_id = t.id AND tr.repo_id = r.id))))`;

/** A public repository is readable when its owner is visible to the viewer (aliases: r the repository, u its owner). */
export const READABLE = `((r.is_private = 0 AND (u.visibility = 'public'
    OR (u.visibility = 'limited' AND CAST(@viewerId AS INTEGER) IS NOT NULL)
    OR EXISTS (SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = r.owner_id AND m.user_id = @viewerId)
    OR ${GRANTED}))
  OR (@privateAllowed = 1 AND ${GRANTED}))`;

/** The named parameters READABLE and GRANTED take. */
export function viewerParams(viewer: RepoViewer) {
  return { viewerId: viewer.userId, viewerAdmin: viewer.isAdmin ? 1 : 0, privateAllowed: viewer.privateAllowed ? 1 : 0 };
}

/** Ids of the repositories the viewer may read that have their issue tracker on (issue search). */
export async function readableRepoIdsWithIssues(db: Db, viewer: RepoViewer): Promise<number[]> {
  return await db
    .prepare(`SELECT r.id FROM repositories r JOIN users u ON u.id = r.owner_id WHERE r.has_issues = 1 AND ${READABLE}`)
    .pluck()
    .all(viewerParams(viewer)) as number[];
}

export interface RepoListFilter {
  viewer: RepoViewer;
  ownerId?: number;
  /** Only repositories this user owns or was granted (GET /user/repos). */
  accessibleTo?: number;
  /** Only repositories this user owns, personally or in an organisation whose owners team they are in (GitLab's `owned`). */
  ownedBy?: number;
  archived?: boolean;
  /** Only repositories anyone may read: not private, of a public owner. */
  publicOnly?: boolean;
  /** Keyset bounds on the id (GitLab's `id_before`/`id_after`), each end excluded. */
  idBefore?: number;
  idAfter?: number;
  q?: string;
  /** `q` names a topic, matched exactly (Gitea's `topic=true`), not a word of the name or description. */
  topicOnly?: boolean;
  isPrivate?: boolean;
  /** Only forks (true) or only sources (false), as Gitea's `mode=fork|source`. */
  fork?: boolean;
  /** Sources before forks, then the sort (the explore page's default). */
  forksLast?: boolean;
  sort?: 'alpha' | 'created' | 'updated' | 'size' | 'id';
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A LIKE pattern (with ESCAPE '\\') that finds the text anywhere, case-insensitively. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const SORT_COLUMN = { alpha: 'r.lower_name', created: 'r.created_at', updated: 'r.updated_at', size: 'r.size_kb', id: 'r.id' } as const;

/** Repositories the viewer may read, filtered and paged, with the total before paging. */
export async function listRepos(db: Db, filter: RepoListFilter): Promise<{ rows: RepoRow[]; total: number }> {
  const where = [READABLE];
  if (filter.ownerId !== undefined) where.push('r.owner_id = @ownerId');
  if (filter.accessibleTo !== undefined) {
    where.push(GRANTED.replaceAll('@viewerId', '@accessibleTo').replace('@viewerAdmin = 1 OR ', ''));
  }
  if (filter.ownedBy !== undefined) {
    where.push(`(r.owner_id = @ownedBy OR EXISTS (SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id
      WHERE t.org_id = r.owner_id AND m.user_id = @ownedBy AND t.permission = 'owner'))`);
  }
  if (filter.archived !== undefined) where.push('r.is_archived = @archived');
  if (filter.publicOnly) where.push("r.is_private = 0 AND u.visibility = 'public'");
  if (filter.idBefore !== undefined) where.push('r.id < @idBefore');
  if (filter.idAfter !== undefined) where.push('r.id > @idAfter');
  if (filter.q && filter.topicOnly) where.push('EXISTS (SELECT 1 FROM repository_topics t WHERE t.repo_id = r.id AND t.topic = @topic)');
  else if (filter.q) where.push("(r.lower_name LIKE @q ESCAPE '\\' OR lower(r.description) LIKE @q ESCAPE '\\')");
  if (filter.isPrivate !== undefined) where.push('r.is_private = @isPrivate');
  if (filter.fork !== undefined) where.push(filter.fork ? 'r.fork_id IS NOT NULL' : 'r.fork_id IS NULL');
  const params = {
    ...viewerParams(filter.viewer),
    ownerId: filter.ownerId ?? null,
    accessibleTo: filter.accessibleTo ?? null,
    ownedBy: filter.ownedBy ?? null,
    archived: filter.archived === undefined ? null : filter.archived ? 1 : 0,
    idBefore: filter.idBefore ?? null,
    idAfter: filter.idAfter ?? null,
    q: filter.q ? likePattern(filter.q) : null,
    topic: filter.q ? filter.q.trim().toLowerCase() : null,
    isPrivate: filter.isPrivate === undefined ? null : filter.isPrivate ? 1 : 0,
  };
  const condition = where.join(' AND ');
  const total = await db.prepare(`SELECT count(*) FROM repositories r JOIN users u ON u.id = r.owner_id WHERE ${condition}`).pluck().get(params) as number;
  const column = SORT_COLUMN[filter.sort ?? 'alpha'];
  const direction = filter.order === 'desc' ? 'DESC' : 'ASC';
  const rows = await db
    .prepare(`${SELECT} WHERE ${condition} ORDER BY ${filter.forksLast ? 'r.fork_id IS NOT NULL, ' : ''}${column} ${direction}, r.id ${direction} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: filter.limit, offset: filter.offset }) as RepoRow[];
  return { rows, total };
}

export interface RepoChanges {
  description?: string;
  website?: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  defaultBranch?: string;
  hasIssues?: boolean;
  allowMergeCommits?: boolean;
  allowRebase?: boolean;
  allowRebaseExplicit?: boolean;
  allowSquashMerge?: boolean;
  allowFastForwardOnlyMerge?: boolean;
  defaultMergeStyle?: MergeStyleName;
}

const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);

/** Updates a repository's settings; absent fields keep their value. */
export async function updateRepoRow(db: Db, id: number, changes: RepoChanges): Promise<void> {
  await db.prepare(
    `UPDATE repositories SET
       description = coalesce(@description, description),
       website = coalesce(@website, website),
       is_private = coalesce(@isPrivate, is_private),
       is_archived = coalesce(@isArchived, is_archived),
       default_branch = coalesce(@defaultBranch, default_branch),
       has_issues = coalesce(@hasIssues, has_issues),
       allow_merge_commits = coalesce(@allowMergeCommits, allow_merge_commits),
       allow_rebase = coalesce(@allowRebase, allow_rebase),
       allow_rebase_explicit = coalesce(@allowRebaseExplicit, allow_rebase_explicit),
       allow_squash_merge = coalesce(@allowSquashMerge, allow_squash_merge),
       allow_fast_forward_only_merge = coalesce(@allowFastForwardOnlyMerge, allow_fast_forward_only_merge),
       default_merge_style = coalesce(@defaultMergeStyle, default_merge_style),
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = @id`,
  ).run({
    id,
    description: changes.description ?? null,
    website: changes.website ?? null,
    isPrivate: flag(changes.isPrivate),
    isArchived: flag(changes.isArchived),
    defaultBranch: changes.defaultBranch ?? null,
    hasIssues: changes.hasIssues === undefined ? null : changes.hasIssues ? 1 : 0,
    allowMergeCommits: flag(changes.allowMergeCommits),
    allowRebase: flag(changes.allowRebase),
    allowRebaseExplicit: flag(changes.allowRebaseExplicit),
    allowSquashMerge: flag(changes.allowSquashMerge),
    allowFastForwardOnlyMerge: flag(changes.allowFastForwardOnlyMerge),
    defaultMergeStyle: changes.defaultMergeStyle ?? null,
  });
}

/** Renames a repository row and leaves a redirect from the old name; a redirect squatting the new name goes. */
export async function renameRepoRow(db: Db, repo: RepoRow, newName: string): Promise<void> {
  const ownerLower = repo.owner_name.toLowerCase();
  await db.prepare('DELETE FROM repository_redirects WHERE owner_lower_name = ? AND lower_name = ?').run(ownerLower, newName.toLowerCase());
  await db.prepare(
    "UPDATE repositories SET name = ?, lower_name = lower(?), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
  ).run(newName, newName, repo.id);
  if (repo.lower_name !== newName.toLowerCase()) {
    await db.prepare('INSERT INTO repository_redirects (owner_lower_name, lower_name, repo_id) VALUES (?, ?, ?) ON CONFLICT (owner_lower_name, lower_name) DO UPDATE SET repo_id = excluded.repo_id').run(
      ownerLower,
      repo.lower_name,
      repo.id,
    );
  }
}

/** A topic as Gitea's topic search lists it: its first use stands for its id. */
export interface TopicCountRow {
  id: number;
  topic: string;
  repo_count: number;
}

/**
 * Topics containing `q`, with how many repositories the viewer may read carry each, most used
 * first; a topic only unreadable repositories carry is not listed. One page, and the total.
 */
export async function searchTopics(db: Db, viewer: RepoViewer, q: string, limit: number, offset: number): Promise<{ rows: TopicCountRow[]; total: number }> {
  const from = `FROM repository_topics t JOIN repositories r ON r.id = t.repo_id JOIN users u ON u.id = r.owner_id
    WHERE ${READABLE} AND t.topic LIKE @q ESCAPE '\\'`;
  const params = { ...viewerParams(viewer), q: likePattern(q.trim()) };
  const total = await db.prepare(`SELECT count(DISTINCT t.topic) ${from}`).pluck().get(params) as number;
  const counts = await db
    .prepare(
      `SELECT t.topic, count(*) AS repo_count ${from}
        GROUP BY t.topic ORDER BY repo_count DESC, t.topic LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit, offset }) as Array<Omit<TopicCountRow, 'id'>>;
  return { rows: counts.map((row) => ({ ...row, id: topicId(row.topic) })), total };
}

/** The teams of the repository's organisation that reach it: all its repositories, or this one added to them. */
export async function listRepoTeams(db: Db, repo: RepoRow): Promise<TeamRow[]> {
  return await db
    .prepare(
      `SELECT t.* FROM teams t WHERE t.org_id = @orgId AND (t.includes_all_repositories = 1 OR t.permission = 'owner'
         OR EXISTS (SELECT 1 FROM team_repositories tr WHERE tr.team_id = t.id AND tr.repo_id = @repoId))
       ORDER BY t.lower_name`,
    )
    .all({ orgId: repo.owner_id, repoId: repo.id }) as TeamRow[];
}

/** The repositories an account or organisation owns, by name. */
export async function listReposOwnedBy(db: Db, ownerId: number): Promise<RepoRow[]> {
  return await db.prepare(`${SELECT} WHERE r.owner_id = ? ORDER BY r.lower_name`).all(ownerId) as RepoRow[];
}

/** A repository as the administrators list it: with its last push and its mirror's last error. */
export interface AdminRepoRow extends RepoRow {
  last_push_at: string | null;
  mirror_error: string | null;
}

/** Every repository, private ones too, by full name (`q` searches owner and name), with the total before paging. */
export async function listReposForAdmin(db: Db, options: { q: string; limit: number; offset: number }): Promise<{ rows: AdminRepoRow[]; total: number }> {
  const where = "(@q = '' OR (u.lower_name || '/' || r.lower_name) LIKE @pattern ESCAPE '\\')";
  const params = { q: options.q, pattern: likePattern(options.q) };
  const total = await db.prepare(`SELECT count(*) FROM repositories r JOIN users u ON u.id = r.owner_id WHERE ${where}`).pluck().get(params) as number;
  const rows = await db
    .prepare(
      `SELECT x.*, (SELECT max(created_at) FROM ref_updates WHERE repo_id = x.id) AS last_push_at,
         (SELECT last_error FROM repository_sources WHERE repo_id = x.id) AS mirror_error
       FROM (${SELECT} WHERE ${where} ORDER BY u.lower_name, r.lower_name LIMIT @limit OFFSET @offset) x`,
    )
    .all({ ...params, limit: options.limit, offset: options.offset }) as AdminRepoRow[];
  return { rows, total };
}

/**
 * Gives a repository to another owner and leaves a redirect from its old full name. The new owner
 * stops being a collaborator (an owner is not one); the old organisation's teams lose it.
 */
export async function transferRepoRow(db: Db, repo: RepoRow, newOwner: { id: number; username: string }): Promise<void> {
  const newOwnerLower = newOwner.username.toLowerCase();
  await db.prepare('DELETE FROM repository_redirects WHERE owner_lower_name = ? AND lower_name = ?').run(newOwnerLower, repo.lower_name);
  await db.prepare("UPDATE repositories SET owner_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(newOwner.id, repo.id);
  await db.prepare('INSERT INTO repository_redirects (owner_lower_name, lower_name, repo_id) VALUES (?, ?, ?) ON CONFLICT (owner_lower_name, lower_name) DO UPDATE SET repo_id = excluded.repo_id').run(
    repo.owner_name.toLowerCase(),
    repo.lower_name,
    repo.id,
  );
  await db.prepare('DELETE FROM collaborators WHERE repo_id = ? AND user_id = ?').run(repo.id, newOwner.id);
  await db.prepare('DELETE FROM team_repositories WHERE repo_id = ?').run(repo.id);
}

/**
 * A topic's id (Gitea's topics have one): derived from its name (FNV-1a, 31 bits), so that it is the
 * same on every engine and after a copy, with no table of topics to keep.
 */
function topicId(topic: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(topic, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return (hash & 0x7fffffff) || 1;
}
