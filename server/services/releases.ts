import { randomUUID, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { isUniqueViolation, type Db } from '../db/index.js';
import type { RepoRow } from '../db/repos.js';
import { findUserById } from '../db/users.js';
import {
  allAttachmentUuids,
  attachmentsOf,
  attachmentUuids,
  countDownload,
  deleteAttachmentRow,
  deleteReleaseRow,
  findAttachment,
  findAttachmentByName,
  findRelease,
  findReleaseByTag,
  insertAttachment,
  insertRelease,
  previousRelease,
  pullsMergedSince,
  renameAttachmentRow,
  updateReleaseRow,
  type AttachmentRow,
  type ReleaseRow,
} from '../db/releases.js';
import { repoPath } from '../git/store.js';
import { isSafeRefName, RepoReader } from '../git/read.js';
import { readRef, RefMovedError, ZERO_OID } from '../git/write.js';
import type { GitCache } from '../git/cache.js';
import type { Actor, Policy } from '../auth/policy.js';
import { presentRelease } from '../presenters/release.js';
import { moveRefs } from './ref-gate.js';
import { recordRefUpdates } from './push.js';
import { renderMarkdown } from './render.js';
import type { EventBus } from './events.js';
import { conflict, ForgeError, forbidden, invalid, notFound, unauthorized } from '../errors.js';
import type { ImageLinks } from '../lib/image-links.js';
import type { CreateReleaseOption, EditReleaseOption, GeneratedNotes, Release } from '../../contract/releases.js';

/** What the release use cases need from the forge. */
export interface ReleaseContext {
  db: Db;
  policy: Policy;
  reposDir: string;
  /** Attachments live in `<dataDir>/attachments/<uuid>`, uploads in `attachments/.tmp` first. */
  dataDir: string;
  gitCache: GitCache;
  events: EventBus;
  baseUrl: string;
  /** Signs the image proxy's links in the rendered notes. */
  images: ImageLinks;
}

const attachmentsDir = (dataDir: string) => join(dataDir, 'attachments');
const uploadsDir = (dataDir: string) => join(dataDir, 'attachments', '.tmp');
const UUID = /^[0-9a-f-]{36}$/;

/** Where an attachment's bytes are on disk. */
export function attachmentFile(dataDir: string, uuid: string): string {
  if (!UUID.test(uuid)) throw new Error('attachmentFile: expected a uuid');
  return join(attachmentsDir(dataDir), uuid);
}

/** The notes as HTML, rendered and sanitised, relative links resolved against the release's tag. */
function notesHtml(images: ImageLinks, repo: RepoRow, row: ReleaseRow): string {
  if (!row.note) return '';
  const id = createHash('sha1').update(row.note).digest('hex');
  return renderMarkdown(row.note, `release:${id}`, { owner: repo.owner_name, repo: repo.name, kind: 'tag', ref: row.tag_name, dir: '' }, images);
}

/** Releases as the API answers them (Gitea's Release), their authors and assets looked up once. */
export async function releaseAnswers(ctx: Pick<ReleaseContext, 'db' | 'baseUrl' | 'images'>, repo: RepoRow, rows: ReleaseRow[]): Promise<Release[]> {
  const assets = await attachmentsOf(ctx.db, rows.map((r) => r.id));
  const users = new Map(await Promise.all(rows.map(async (r) => [r.publisher_id, r.publisher_id === null ? undefined : await findUserById(ctx.db, r.publisher_id)] as const)));
  return rows.map((row) =>
    presentRelease({
      row,
      repo,
      baseUrl: ctx.baseUrl,
      bodyHtml: notesHtml(ctx.images, repo, row),
      author: users.get(row.publisher_id) ?? null,
      assets: assets.filter((a) => a.release_id === row.id),
    }),
  );
}

/** Whether an actor may see drafts and change releases: write access. */
export async function mayWriteReleases(policy: Policy, actor: Actor, repo: RepoRow): Promise<boolean> {
  return await policy.can(actor, 'repo:write', { type: 'repo', repo });
}

/** The signed-in writer behind a change, refusing an archived repository (read-only, as Gitea). */
async function requireWriter(ctx: ReleaseContext, repo: RepoRow, actor: Actor): Promise<{ id: number; username: string }> {
  if (actor.kind !== 'user') throw unauthorized();
  if (!await mayWriteReleases(ctx.policy, actor, repo)) throw forbidden(`You need write access to ${repo.owner_name}/${repo.name} to change its releases.`);
  if (repo.is_archived) throw forbidden(`${repo.owner_name}/${repo.name} is archived: it is read-only.`);
  return { id: actor.user.id, username: actor.user.username };
}

/** A release the actor may see: drafts only to writers, else a 404 as for one that does not exist. */
export async function visibleRelease(ctx: Pick<ReleaseContext, 'policy'>, actor: Actor, repo: RepoRow, row: ReleaseRow | undefined): Promise<ReleaseRow> {
  if (!row || (row.is_draft && !await mayWriteReleases(ctx.policy, actor, repo))) throw notFound('The release');
  return row;
}

function checkTagName(tag: string): void {
  if (!isSafeRefName(tag) || tag.endsWith('.')) throw invalid(`"${tag}" is not a valid tag name.`, { field: 'tag_name' });
}

/** The commit an existing tag names, or null when there is no such tag. */
async function tagCommit(ctx: ReleaseContext, gitdir: string, tag: string): Promise<string | null> {
  const oid = await readRef(gitdir, `refs/tags/${tag}`);
  if (!oid) return null;
  return (await new RepoReader(gitdir, ctx.gitCache).resolve(oid))?.oid ?? null;
}

/** The commit a target (branch, tag or commit id) names; a 422 when it names none. */
async function targetCommit(ctx: ReleaseContext, gitdir: string, target: string): Promise<string> {
  const found = await new RepoReader(gitdir, ctx.gitCache).resolve(target);
  if (!found) throw invalid(`The target "${target}" is not a branch, tag or commit of this repository.`, { field: 'target_commitish' });
  return found.oid;
}

/**
 * Makes sure the release's tag exists: an existing tag is kept as it is; else a lightweight tag is
 * created at the target's commit through the one ref gate, and recorded and published as a push.
 * Returns the tag's commit.
 */
async function ensureTag(ctx: ReleaseContext, repo: RepoRow, actor: Actor, pusher: { id: number; username: string }, tag: string, target: string): Promise<string> {
  const gitdir = repoPath(ctx.reposDir, repo.owner_name, repo.name);
  const existing = await tagCommit(ctx, gitdir, tag);
  if (existing) return existing;
  const sha = await targetCommit(ctx, gitdir, target);
  const update = { ref: `refs/tags/${tag}`, oldId: ZERO_OID, newId: sha };
  try {
    await moveRefs({ db: ctx.db, repo, gitdir, actor, kind: 'push', updates: [update] });
  } catch (err) {
    if (err instanceof RefMovedError) throw conflict(`The tag "${tag}" was created meanwhile; try again.`, { field: 'tag_name' });
    throw err;
  }
  await recordRefUpdates(ctx.db, repo, gitdir, pusher, [update], ctx.events);
  return sha;
}

/** Tells the bus (webhooks) about a published release; drafts stay quiet, as in Gitea. */
async function publish(ctx: ReleaseContext, repo: RepoRow, actorId: number, action: 'published' | 'updated' | 'deleted', row: ReleaseRow): Promise<void> {
  if (row.is_draft) return;
  const [release] = await releaseAnswers(ctx, repo, [row]);
  await ctx.events.publish('release', { repoId: repo.id, actorId, action, release: release as unknown as Record<string, unknown> });
}

/**
 * Gitea's `POST /repos/{o}/{r}/releases`: a release on an existing tag, or on a new lightweight tag
 * at `target_commitish` (the default branch when not given). A draft creates no tag until it is
 * published, as in Gitea.
 */
export async function createRelease(ctx: ReleaseContext, repo: RepoRow, actor: Actor, option: CreateReleaseOption): Promise<ReleaseRow> {
  const pusher = await requireWriter(ctx, repo, actor);
  const tag = option.tag_name.trim();
  checkTagName(tag);
  if (repo.is_empty) throw invalid('The repository is empty: there is no commit to release.', { field: 'tag_name' });
  if (await findReleaseByTag(ctx.db, repo.id, tag)) throw conflict(`A release of the tag "${tag}" already exists.`, { field: 'tag_name' });
  const target = option.target_commitish?.trim() || repo.default_branch;
  const draft = option.draft === true;
  const gitdir = repoPath(ctx.reposDir, repo.owner_name, repo.name);
  const sha = draft ? ((await tagCommit(ctx, gitdir, tag)) ?? (await targetCommit(ctx, gitdir, target))) : await ensureTag(ctx, repo, actor, pusher, tag, target);
  let row: ReleaseRow;
  try {
    row = await insertRelease(ctx.db, {
      repoId: repo.id,
      tagName: tag,
      targetCommitish: target,
      title: option.name?.trim() || tag,
      note: option.body ?? '',
      isDraft: draft,
      isPrerelease: option.prerelease === true,
      publisherId: pusher.id,
      sha,
    });
  } catch (err) {
    // Two requests for one tag at once: the UNIQUE constraint decides.
    if (isUniqueViolation(err)) throw conflict(`A release of the tag "${tag}" already exists.`, { field: 'tag_name' });
    throw err;
  }
  await publish(ctx, repo, pusher.id, 'published', row);
  return row;
}

/** Gitea's `PATCH /releases/{id}`: title, notes, flags; a draft's tag and target; publishing a draft creates its tag. */
export async function editRelease(ctx: ReleaseContext, repo: RepoRow, actor: Actor, id: number, option: EditReleaseOption): Promise<ReleaseRow> {
  const pusher = await requireWriter(ctx, repo, actor);
  const before = await findRelease(ctx.db, repo.id, id);
  if (!before) throw notFound('The release');
  const tag = option.tag_name?.trim();
  if (tag !== undefined && tag !== before.tag_name) {
    checkTagName(tag);
    if (!before.is_draft) throw invalid('The tag of a published release cannot change.', { field: 'tag_name' });
    if (await findReleaseByTag(ctx.db, repo.id, tag)) throw conflict(`A release of the tag "${tag}" already exists.`, { field: 'tag_name' });
  }
  const tagName = tag ?? before.tag_name;
  const target = option.target_commitish?.trim() || before.target_commitish;
  const draft = option.draft ?? before.is_draft === 1;
  const gitdir = repoPath(ctx.reposDir, repo.owner_name, repo.name);
  const sha = draft ? ((await tagCommit(ctx, gitdir, tagName)) ?? (await targetCommit(ctx, gitdir, target))) : await ensureTag(ctx, repo, actor, pusher, tagName, target);
  await updateReleaseRow(ctx.db, id, {
    tagName,
    targetCommitish: target,
    title: option.name?.trim() || undefined,
    note: option.body,
    isDraft: draft,
    isPrerelease: option.prerelease,
    sha,
  });
  const after = await findRelease(ctx.db, repo.id, id) as ReleaseRow;
  await publish(ctx, repo, pusher.id, before.is_draft && !after.is_draft ? 'published' : 'updated', after);
  return after;
}

/** Gitea's `DELETE /releases/{id}`: the release and its files go, its tag stays. */
export async function deleteRelease(ctx: ReleaseContext, repo: RepoRow, actor: Actor, row: ReleaseRow | undefined): Promise<void> {
  const pusher = await requireWriter(ctx, repo, actor);
  if (!row) throw notFound('The release');
  // Answered before the row goes, so that a webhook carries the release as it was.
  const [answer] = await releaseAnswers(ctx, repo, [row]);
  const uuids = await attachmentUuids(ctx.db, row.id);
  await deleteReleaseRow(ctx.db, row.id);
  // After the commit: a crash in between leaves files no row names, which the start-up sweep removes.
  for (const uuid of uuids) rmSync(attachmentFile(ctx.dataDir, uuid), { force: true });
  if (!row.is_draft) await ctx.events.publish('release', { repoId: repo.id, actorId: pusher.id, action: 'deleted', release: answer as unknown as Record<string, unknown> });
}

/**
 * Notes for a new release: the pull requests merged since the previous release (the named one, or
 * the newest published one of another tag), one line each with its number and author.
 */
export async function generateNotes(ctx: ReleaseContext, repo: RepoRow, actor: Actor, tag: string, previousTag: string | undefined): Promise<GeneratedNotes> {
  await requireWriter(ctx, repo, actor);
  const previous = previousTag ? await findReleaseByTag(ctx.db, repo.id, previousTag) : await previousRelease(ctx.db, repo.id, tag);
  if (previousTag && !previous) throw notFound(`The release of the tag "${previousTag}"`);
  const pulls = await pullsMergedSince(ctx.db, repo.id, previous ? (previous.published_at ?? previous.created_at) : null);
  const lines = pulls.map((p) => `* ${p.title.replace(/[\r\n]+/g, ' ')} (#${p.number}) @${p.poster}`);
  const changes = lines.length > 0 ? `## What's Changed\n\n${lines.join('\n')}\n` : '';
  const since = previous ? `\n**Full Changelog**: ${previous.tag_name}...${tag}\n` : '';
  return { name: tag, body: changes + since };
}

/** An attachment's name checked: one path segment a download URL and a file system can carry. */
function attachmentName(name: string): string {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  if (!trimmed || trimmed.length > 255 || /[/\\\x00-\x1f\x7f]/.test(trimmed) || trimmed === '.' || trimmed === '..') {
    throw invalid(`"${name.slice(0, 80)}" is not a usable file name: it may not be empty, hold a slash or a control character.`, { field: 'name' });
  }
  return trimmed;
}

/** The release an attachment is added to or changed on, by id: a 404 for one the writer cannot find. */
async function releaseForAssets(ctx: ReleaseContext, repo: RepoRow, releaseId: number): Promise<ReleaseRow> {
  const row = await findRelease(ctx.db, repo.id, releaseId);
  if (!row) throw notFound('The release');
  return row;
}

/** Checks, before any byte is read, that the actor may attach a file to the release and under that name. */
export async function checkUpload(ctx: ReleaseContext, repo: RepoRow, actor: Actor, releaseId: number, name: string | undefined): Promise<void> {
  await requireWriter(ctx, repo, actor);
  const release = await releaseForAssets(ctx, repo, releaseId);
  if (name !== undefined && await findAttachmentByName(ctx.db, release.id, attachmentName(name))) throw conflict(`The release already has a file named "${name}".`, { field: 'name' });
}

/**
 * Gitea's `POST /releases/{id}/assets`: streams the upload into a temporary file of the data
 * folder (never whole in memory), then records it and renames it into place in one transaction.
 * `tooLarge()` says whether the stream was cut at the size limit: then nothing is kept, a 413.
 */
export async function addAttachment(
  ctx: ReleaseContext,
  repo: RepoRow,
  actor: Actor,
  input: { releaseId: number; name: string; stream: Readable; limit: number; tooLarge: () => boolean },
): Promise<AttachmentRow> {
  let uploader: { id: number };
  let release: ReleaseRow;
  let name: string;
  try {
    uploader = await requireWriter(ctx, repo, actor);
    release = await releaseForAssets(ctx, repo, input.releaseId);
    name = attachmentName(input.name);
  } catch (err) {
    // Refused before reading: let the rest of the upload flow past, so the client gets the answer.
    input.stream.resume();
    throw err;
  }
  const uuid = randomUUID();
  mkdirSync(uploadsDir(ctx.dataDir), { recursive: true });
  const temp = join(uploadsDir(ctx.dataDir), uuid);
  try {
    await pipeline(input.stream, createWriteStream(temp, { flags: 'wx' }));
    if (input.tooLarge()) throw tooLargeError(input.limit);
    const size = statSync(temp).size;
    return await ctx.db.transaction(async () => {
      if (await findAttachmentByName(ctx.db, release.id, name)) throw conflict(`The release already has a file named "${name}".`, { field: 'name' });
      const row = await insertAttachment(ctx.db, { uuid, releaseId: release.id, name, size, uploaderId: uploader.id });
      // Inside the transaction: if the rename fails, the row is rolled back.
      renameSync(temp, attachmentFile(ctx.dataDir, uuid));
      return row;
    });
  } catch (err) {
    rmSync(temp, { force: true });
    if (input.tooLarge()) throw tooLargeError(input.limit);
    throw err;
  }
}

function tooLargeError(limit: number): ForgeError {
  return new ForgeError('payload_too_large', `The file is larger than the ${formatBytes(limit)} a release attachment may have (FORGE_MAX_ATTACHMENT_BYTES).`);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 2 ? `${Math.floor(bytes / 1024 ** 2)} MiB` : `${bytes} bytes`;
}

/** Gitea's `PATCH /releases/{id}/assets/{attachment_id}`: renames the file. */
export async function editAttachment(ctx: ReleaseContext, repo: RepoRow, actor: Actor, releaseId: number, id: number, newName: string | undefined): Promise<AttachmentRow> {
  await requireWriter(ctx, repo, actor);
  const release = await releaseForAssets(ctx, repo, releaseId);
  const row = await findAttachment(ctx.db, release.id, id);
  if (!row) throw notFound('The attachment');
  if (newName !== undefined) {
    const name = attachmentName(newName);
    const other = await findAttachmentByName(ctx.db, release.id, name);
    if (other && other.id !== id) throw conflict(`The release already has a file named "${name}".`, { field: 'name' });
    await renameAttachmentRow(ctx.db, id, name);
  }
  return await findAttachment(ctx.db, release.id, id) as AttachmentRow;
}

/** Gitea's `DELETE /releases/{id}/assets/{attachment_id}`: the row, then the file. */
export async function deleteAttachment(ctx: ReleaseContext, repo: RepoRow, actor: Actor, releaseId: number, id: number): Promise<void> {
  await requireWriter(ctx, repo, actor);
  const release = await releaseForAssets(ctx, repo, releaseId);
  const row = await findAttachment(ctx.db, release.id, id);
  if (!row) throw notFound('The attachment');
  await deleteAttachmentRow(ctx.db, id);
  rmSync(attachmentFile(ctx.dataDir, row.uuid), { force: true });
}

/** A download: counts it and opens the file as a stream (the route sends it with its length). */
export async function downloadAttachment(ctx: Pick<ReleaseContext, 'db' | 'dataDir'>, row: AttachmentRow): Promise<{ stream: Readable; size: number }> {
  const file = attachmentFile(ctx.dataDir, row.uuid);
  const size = statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined) throw notFound('The file');
  await countDownload(ctx.db, row.id);
  return { stream: createReadStream(file), size };
}

/**
 * At start-up: removes uploads a crash interrupted (`attachments/.tmp`) and files no attachment
 * row names (a release deleted just before a crash), when last written before `cutoff` (ms since
 * the epoch): an upload of another replica still running is newer. Returns how many files went.
 */
export async function sweepAttachments(db: Db, dataDir: string, cutoff: number): Promise<number> {
  const stale = (path: string) => (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < cutoff;
  const uploads = uploadsDir(dataDir);
  for (const name of existsSync(uploads) ? readdirSync(uploads) : []) {
    if (stale(join(uploads, name))) rmSync(join(uploads, name), { recursive: true, force: true });
  }
  let removed = 0;
  const dir = attachmentsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const known = await allAttachmentUuids(db);
  for (const name of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile())) {
    if (UUID.test(name.name) && !known.has(name.name) && stale(join(dir, name.name))) {
      rmSync(join(dir, name.name), { force: true });
      removed++;
    }
  }
  return removed;
}
