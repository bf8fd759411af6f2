import type { RepoRow } from '../db/repos.js';
import { findAttachment, findAttachmentByName, findAttachmentByUuid, findRelease, findReleaseByTag, latestRelease, listReleases, type AttachmentRow } from '../db/releases.js';
import { findRepoById } from '../db/repos.js';
import type { Actor } from '../auth/policy.js';
import { presentAttachment, presentGitlabRelease } from '../presenters/release.js';
import { presentGitlabUser } from '../presenters/gitlab.js';
import { findUserById } from '../db/users.js';
import { ANONYMOUS } from '../auth/policy.js';
import { gitlabNotFound, type GitlabPaging } from './gitlab.js';
import type { ReleaseRow } from '../db/releases.js';
import { mayWriteReleases, releaseAnswers, visibleRelease } from '../services/releases.js';
import { notFound } from '../errors.js';
import type { ReadContext } from './context.js';
import type { Attachment, Release } from '../../contract/releases.js';

export type { AttachmentRow };

const answer = (ctx: ReadContext) => ({ db: ctx.db, baseUrl: ctx.config.baseUrl, images: ctx.images });

/** Gitea's release list filters. */
export interface ReleaseListQuery {
  draft?: boolean;
  'pre-release'?: boolean;
  page?: number;
  limit?: number;
}

/** A repository's releases as the viewer may see them (drafts to writers only), newest first. */
export async function releasesPage(ctx: ReadContext, actor: Actor, repo: RepoRow, query: ReleaseListQuery): Promise<{ items: Release[]; total: number }> {
  const limit = query.limit ?? 30;
  const offset = ((query.page ?? 1) - 1) * limit;
  const filter = { drafts: await mayWriteReleases(ctx.policy, actor, repo), draft: query.draft, prerelease: query['pre-release'] };
  const { rows, total } = await listReleases(ctx.db, repo.id, filter, limit, offset);
  return { items: await releaseAnswers(answer(ctx), repo, rows), total };
}

/** One release by id, or a 404 (also for a draft the viewer may not see). */
export async function releaseById(ctx: ReadContext, actor: Actor, repo: RepoRow, id: number): Promise<Release> {
  const row = await visibleRelease(ctx, actor, repo, await findRelease(ctx.db, repo.id, id));
  return (await releaseAnswers(answer(ctx), repo, [row]))[0];
}

/** One release by its tag, or a 404. */
export async function releaseByTag(ctx: ReadContext, actor: Actor, repo: RepoRow, tag: string): Promise<Release> {
  const row = await visibleRelease(ctx, actor, repo, await findReleaseByTag(ctx.db, repo.id, tag));
  return (await releaseAnswers(answer(ctx), repo, [row]))[0];
}

/** The row of a release by id or tag, for a write that the service checks (drafts are the writer's). */
export async function releaseRow(ctx: ReadContext, actor: Actor, repo: RepoRow, key: { id: number } | { tag: string }) {
  return await visibleRelease(ctx, actor, repo, 'id' in key ? await findRelease(ctx.db, repo.id, key.id) : await findReleaseByTag(ctx.db, repo.id, key.tag));
}

/** Gitea's latest release: the newest published one that is not a pre-release; null when none. */
export async function latestReleaseOf(ctx: ReadContext, repo: RepoRow): Promise<Release | null> {
  const row = await latestRelease(ctx.db, repo.id);
  return row ? (await releaseAnswers(answer(ctx), repo, [row]))[0] : null;
}

/** A release's files, or one of them. */
export async function releaseAssets(ctx: ReadContext, actor: Actor, repo: RepoRow, releaseId: number): Promise<Attachment[]> {
  return (await releaseById(ctx, actor, repo, releaseId)).assets;
}

/** One file of a release by id, or a 404. */
export async function releaseAsset(ctx: ReadContext, actor: Actor, repo: RepoRow, releaseId: number, id: number): Promise<Attachment> {
  const release = await visibleRelease(ctx, actor, repo, await findRelease(ctx.db, repo.id, releaseId));
  const row = await findAttachment(ctx.db, release.id, id);
  if (!row) throw notFound('The attachment');
  return presentAttachment(row, ctx.config.baseUrl);
}

/** A file by the release's tag and its name (Gitea's `/releases/download/{tag}/{name}`), or a 404. */
export async function attachmentByTag(ctx: ReadContext, actor: Actor, repo: RepoRow, tag: string, name: string): Promise<AttachmentRow> {
  const release = await visibleRelease(ctx, actor, repo, await findReleaseByTag(ctx.db, repo.id, tag));
  const row = await findAttachmentByName(ctx.db, release.id, name);
  if (!row) throw notFound('The file');
  return row;
}

/**
 * A file by uuid (`/attachments/{uuid}`), checked as its repository is: a 404 when the viewer may
 * not read the repository, or the release is a draft they may not see.
 */
export async function attachmentByUuid(ctx: ReadContext, actor: Actor, uuid: string): Promise<AttachmentRow> {
  const row = await findAttachmentByUuid(ctx.db, uuid);
  const repo = row ? await findRepoById(ctx.db, row.repo_id) : undefined;
  if (!row || !repo || !await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo })) throw notFound('The file');
  if (row.is_draft && !await mayWriteReleases(ctx.policy, actor, repo)) throw notFound('The file');
  return row;
}

/** Releases as GitLab shows them: published ones only (GitLab's API is read anonymously here). */
async function gitlabAnswers(ctx: ReadContext, repo: RepoRow, rows: ReleaseRow[]) {
  const answers = await releaseAnswers(answer(ctx), repo, rows);
  return await Promise.all(rows.map(async (row, i) => {
    const user = row.publisher_id === null ? undefined : await findUserById(ctx.db, row.publisher_id);
    return presentGitlabRelease(answers[i], user ? presentGitlabUser(user, ctx.config.baseUrl) : null, row.sha);
  }));
}

/** GitLab v4's `GET /projects/:id/releases`: a page of published releases, newest first. */
export async function gitlabReleasePage(ctx: ReadContext, repo: RepoRow, paging: GitlabPaging) {
  const { rows, total } = await listReleases(ctx.db, repo.id, { drafts: false }, paging.perPage, (paging.page - 1) * paging.perPage);
  return { items: await gitlabAnswers(ctx, repo, rows), total };
}

/** GitLab v4's `GET /projects/:id/releases/:tag_name`, or GitLab's 404. */
export async function gitlabReleaseByTag(ctx: ReadContext, repo: RepoRow, tag: string) {
  const row = await findReleaseByTag(ctx.db, repo.id, tag);
  if (!row || row.is_draft || !await ctx.policy.can(ANONYMOUS, 'repo:read', { type: 'repo', repo })) throw gitlabNotFound('Release');
  return (await gitlabAnswers(ctx, repo, [row]))[0];
}
