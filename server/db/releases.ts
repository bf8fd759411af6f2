import type { Db } from './index.js';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** A release row. */
export interface ReleaseRow {
  id: number;
  repo_id: number;
  tag_name: string;
  target_commitish: string;
  title: string;
  note: string;
  is_draft: 0 | 1;
  is_prerelease: 0 | 1;
  publisher_id: number | null;
  sha: string;
  created_at: string;
  published_at: string | null;
}

/** A file attached to a release. */
export interface AttachmentRow {
  id: number;
  uuid: string;
  release_id: number;
  name: string;
  size: number;
  download_count: number;
  uploader_id: number | null;
  created_at: string;
}

/** What a new release holds. */
export interface NewRelease {
  repoId: number;
  tagName: string;
  targetCommitish: string;
  title: string;
  note: string;
  isDraft: boolean;
  isPrerelease: boolean;
  publisherId: number;
  sha: string;
}

export async function insertRelease(db: Db, r: NewRelease): Promise<ReleaseRow> {
  return await db
    .prepare(
      `INSERT INTO releases (repo_id, tag_name, target_commitish, title, note, is_draft, is_prerelease, publisher_id, sha, published_at)
       VALUES (@repoId, @tagName, @targetCommitish, @title, @note, @isDraft, @isPrerelease, @publisherId, @sha, CASE WHEN @isDraft = 0 THEN ${NOW} END)
       RETURNING *`,
    )
    .get({ ...r, isDraft: r.isDraft ? 1 : 0, isPrerelease: r.isPrerelease ? 1 : 0 }) as ReleaseRow;
}

/** Changes to a release; undefined keeps a field. */
export interface ReleaseChanges {
  tagName?: string;
  targetCommitish?: string;
  title?: string;
  note?: string;
  isDraft?: boolean;
  isPrerelease?: boolean;
  sha?: string;
}

/** Changes a release; publishing a draft for the first time records when. */
export async function updateReleaseRow(db: Db, id: number, c: ReleaseChanges): Promise<void> {
  const flag = (v: boolean | undefined) => (v === undefined ? null : v ? 1 : 0);
  await db.prepare(
    `UPDATE releases SET tag_name = coalesce(@tagName, tag_name), target_commitish = coalesce(@targetCommitish, target_commitish),
       title = coalesce(@title, title), note = coalesce(@note, note), sha = coalesce(@sha, sha),
       is_prerelease = coalesce(@isPrerelease, is_prerelease),
       published_at = CASE WHEN coalesce(@isDraft, is_draft) = 0 THEN coalesce(published_at, ${NOW}) ELSE published_at END,
       is_draft = coalesce(@isDraft, is_draft)
     WHERE id = @id`,
  ).run({
    id,
    tagName: c.tagName ?? null,
    targetCommitish: c.targetCommitish ?? null,
    title: c.title ?? null,
    note: c.note ?? null,
    sha: c.sha ?? null,
    isDraft: flag(c.isDraft),
    isPrerelease: flag(c.isPrerelease),
  });
}

export async function deleteReleaseRow(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM releases WHERE id = ?').run(id);
}

/** A repository's release by id. */
export async function findRelease(db: Db, repoId: number, id: number): Promise<ReleaseRow | undefined> {
  return await db.prepare('SELECT * FROM releases WHERE repo_id = ? AND id = ?').get(repoId, id) as ReleaseRow | undefined;
}

/** A repository's release by its tag. */
export async function findReleaseByTag(db: Db, repoId: number, tag: string): Promise<ReleaseRow | undefined> {
  return await db.prepare('SELECT * FROM releases WHERE repo_id = ? AND tag_name = ?').get(repoId, tag) as ReleaseRow | undefined;
}

/** Which releases a list shows. */
export interface ReleaseFilter {
  /** Whether drafts are listed (only to writers). */
  drafts: boolean;
  /** Gitea's `draft` and `pre-release` filters: only these (true) or none of these (false). */
  draft?: boolean;
  prerelease?: boolean;
}

/** A repository's releases, newest first, and how many match. */
export async function listReleases(db: Db, repoId: number, filter: ReleaseFilter, limit: number, offset: number): Promise<{ rows: ReleaseRow[]; total: number }> {
  const where = ['repo_id = @repoId'];
  if (!filter.drafts) where.push('is_draft = 0');
  if (filter.draft !== undefined) where.push(`is_draft = ${filter.draft ? 1 : 0}`);
  if (filter.prerelease !== undefined) where.push(`is_prerelease = ${filter.prerelease ? 1 : 0}`);
  const sql = where.join(' AND ');
  const rows = await db.prepare(`SELECT * FROM releases WHERE ${sql} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`).all({ repoId, limit, offset }) as ReleaseRow[];
  const total = await db.prepare(`SELECT count(*) FROM releases WHERE ${sql}`).pluck().get({ repoId }) as number;
  return { rows, total };
}

/** The newest published release that is not a pre-release (Gitea's "latest"). */
export async function latestRelease(db: Db, repoId: number): Promise<ReleaseRow | undefined> {
  return await db
    .prepare('SELECT * FROM releases WHERE repo_id = ? AND is_draft = 0 AND is_prerelease = 0 ORDER BY created_at DESC, id DESC LIMIT 1')
    .get(repoId) as ReleaseRow | undefined;
}

/** The newest published release of another tag than the given one (what generated notes start from). */
export async function previousRelease(db: Db, repoId: number, otherThan: string): Promise<ReleaseRow | undefined> {
  return await db
    .prepare('SELECT * FROM releases WHERE repo_id = ? AND is_draft = 0 AND tag_name <> ? ORDER BY created_at DESC, id DESC LIMIT 1')
    .get(repoId, otherThan) as ReleaseRow | undefined;
}

/** A merged pull request, as generated notes list it. */
export interface MergedPullLine {
  number: number;
  title: string;
  poster: string;
}

/** The pull requests merged into a repository after a time (all of them with null), oldest first. */
export async function pullsMergedSince(db: Db, repoId: number, since: string | null): Promise<MergedPullLine[]> {
  return await db
    .prepare(
      `SELECT p.number, p.title, u.username AS poster FROM pull_requests p JOIN users u ON u.id = p.poster_id
       WHERE p.base_repo_id = @repoId AND p.merged = 1 AND (CAST(@since AS TEXT) IS NULL OR p.merged_at > @since) ORDER BY p.merged_at, p.number`,
    )
    .all({ repoId, since }) as MergedPullLine[];
}

/** The attachments of some releases, oldest first. */
export async function attachmentsOf(db: Db, releaseIds: number[]): Promise<AttachmentRow[]> {
  return await db
    .prepare('SELECT * FROM release_attachments WHERE release_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY id')
    .all(JSON.stringify(releaseIds)) as AttachmentRow[];
}

/** The uuids of a release's attachments (for removing their files). */
export async function attachmentUuids(db: Db, releaseId: number): Promise<string[]> {
  return await db.prepare('SELECT uuid FROM release_attachments WHERE release_id = ?').pluck().all(releaseId) as string[];
}

export async function findAttachment(db: Db, releaseId: number, id: number): Promise<AttachmentRow | undefined> {
  return await db.prepare('SELECT * FROM release_attachments WHERE release_id = ? AND id = ?').get(releaseId, id) as AttachmentRow | undefined;
}

export async function findAttachmentByName(db: Db, releaseId: number, name: string): Promise<AttachmentRow | undefined> {
  return await db.prepare('SELECT * FROM release_attachments WHERE release_id = ? AND name = ?').get(releaseId, name) as AttachmentRow | undefined;
}

/** An attachment by uuid, with the repository of its release. */
export async function findAttachmentByUuid(db: Db, uuid: string): Promise<(AttachmentRow & { repo_id: number; is_draft: 0 | 1 }) | undefined> {
  return await db
    .prepare('SELECT a.*, r.repo_id, r.is_draft FROM release_attachments a JOIN releases r ON r.id = a.release_id WHERE a.uuid = ?')
    .get(uuid) as (AttachmentRow & { repo_id: number; is_draft: 0 | 1 }) | undefined;
}

export async function insertAttachment(db: Db, a: { uuid: string; releaseId: number; name: string; size: number; uploaderId: number }): Promise<AttachmentRow> {
  return await db
    .prepare('INSERT INTO release_attachments (uuid, release_id, name, size, uploader_id) VALUES (@uuid, @releaseId, @name, @size, @uploaderId) RETURNING *')
    .get(a) as AttachmentRow;
}

export async function renameAttachmentRow(db: Db, id: number, name: string): Promise<void> {
  await db.prepare('UPDATE release_attachments SET name = ? WHERE id = ?').run(name, id);
}

export async function deleteAttachmentRow(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM release_attachments WHERE id = ?').run(id);
}

export async function countDownload(db: Db, id: number): Promise<void> {
  await db.prepare('UPDATE release_attachments SET download_count = download_count + 1 WHERE id = ?').run(id);
}

/** Every attachment's uuid: what the start-up sweep keeps on disk. */
export async function allAttachmentUuids(db: Db): Promise<Set<string>> {
  return new Set(await db.prepare('SELECT uuid FROM release_attachments').pluck().all() as string[]);
}
