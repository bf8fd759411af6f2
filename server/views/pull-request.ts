import { createHash } from 'node:crypto';
import { findPull, listPulls, type PullRow } from '../db/pulls.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import { countComments } from '../db/comments.js';
import { countPullReviewComments, viewedFiles } from '../db/reviews.js';
import { findUserById } from '../db/users.js';
import { listReviewRequests, listTeamReviewRequests } from '../db/timeline.js';
import { findTeamById } from '../db/teams.js';
import { presentTeam } from '../presenters/team.js';
import { labelsOf } from '../db/labels.js';
import { assigneesOf } from '../db/issues.js';
import { milestonesOf } from '../db/milestones.js';
import { presentLabelIn, presentMilestone } from '../presenters/issue.js';
import { git } from '../git/exec.js';
import { diffCommits, type FileDiff } from '../git/diff.js';
import type { Actor } from '../auth/policy.js';
import { presentPull, presentReviewRequest, type PullRequest, type RequestedReview } from '../presenters/pull.js';
import type { ReviewRequest } from '../services/review-requests.js';
import { presentUser, type UserSummary } from '../presenters/user.js';
import { RepoUrls, presentCommit, type Commit } from '../presenters/browse.js';
import { renderMarkdown } from '../services/render.js';
import { gitdirOf, headUnavailableReason } from '../services/pulls.js';
import { pullCommits } from '../services/reviews.js';
import { mergeState } from '../services/merge.js';
import type { ReadContext } from './context.js';
import type { ImageLinks } from '../lib/image-links.js';
import { presentRepos } from './repository.js';
import { remotePullSourcesOf } from '../db/remote-pulls.js';
import { presentRemoteSource } from './remote-pulls.js';

export type { PullRow };

/** A repository's pull request by its number, or undefined. */
export async function findPullRequest(ctx: ReadContext, base: RepoRow, index: number): Promise<PullRow | undefined> {
  return Number.isInteger(index) ? await findPull(ctx.db, base.id, index) : undefined;
}

/** Where a pull request's head and merge base are now, with a reader of the base repository. */
export function pullRequestCommits(ctx: ReadContext, base: RepoRow, pull: PullRow): ReturnType<typeof pullCommits> {
  return pullCommits({ reposDir: ctx.config.reposDir, gitCache: ctx.gitCache }, base, pull);
}

/** The signed-in account id of an actor, or null: what "mine" means for pending reviews and viewed marks. */
export function viewerId(actor: Actor): number | null {
  return actor.kind === 'user' ? actor.user.id : null;
}

/** Markdown of a pull request, a review or a comment, rendered and sanitised, cached by the text's hash. */
export function pullMarkdown(images: ImageLinks, base: RepoRow, branch: string, text: string): string {
  if (!text) return '';
  const id = createHash('sha1').update(text).digest('hex');
  return renderMarkdown(text, `text:${id}`, { owner: base.owner_name, repo: base.name, kind: 'branch', ref: branch, dir: '' }, images);
}

/** Accounts as Gitea's User, looked up once per response. */
export class UserCache {
  private readonly users = new Map<number, UserSummary | null>();
  constructor(private readonly ctx: ReadContext) {}
  /** The account, or null when there is none (a deleted resolver, no merger). */
  async get(id: number | null): Promise<UserSummary | null> {
    if (id === null) return null;
    if (!this.users.has(id)) {
      const user = await findUserById(this.ctx.db, id);
      this.users.set(id, user ? presentUser(user, this.ctx.config.baseUrl) : null);
    }
    return this.users.get(id) ?? null;
  }
  /** A user that must exist (posters are kept: users.id ON DELETE RESTRICT). */
  async must(id: number): Promise<UserSummary> {
    return await this.get(id) as UserSummary;
  }
}

/** Pull requests as Gitea shows them to the asking actor; a head repository it may not read is null. */
export async function presentPulls(ctx: ReadContext, actor: Actor, base: RepoRow, pulls: PullRow[]): Promise<PullRequest[]> {
  const users = new UserCache(ctx);
  const [baseJson] = await presentRepos(ctx, actor, [base]);
  // Labels, assignees and milestones are read once for the page, by number (one numbering with issues).
  const numbers = pulls.map((pull) => pull.number);
  const labels = await labelsOf(ctx.db, base.id, numbers);
  const assignees = await assigneesOf(ctx.db, base.id, numbers);
  const milestones = await milestonesOf(ctx.db, base.id, numbers);
  const remotes = await remotePullSourcesOf(ctx.db, pulls.map((pull) => pull.id));
  return await Promise.all(pulls.map(async (pull) => {
    const remote = remotes.get(pull.id);
    const milestone = milestones.get(pull.number);
    const head = pull.head_repo_id === null ? null : (await findRepoById(ctx.db, pull.head_repo_id) ?? null);
    const readable = head !== null && await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: head });
    const headJson = !readable ? null : head.id === base.id ? baseJson : (await presentRepos(ctx, actor, [head]))[0];
    return presentPull(ctx.config.baseUrl, pull, {
      base,
      baseJson,
      head: readable ? head : null,
      headJson,
      poster: await users.must(pull.poster_id),
      mergedBy: await users.get(pull.merged_by_id),
      bodyHtml: pullMarkdown(ctx.images, base, pull.base_branch, pull.body),
      comments: await countComments(ctx.db, pull.id),
      reviewComments: await countPullReviewComments(ctx.db, pull.id),
      // A pull request from another forge never had a head repository here: its head follows its source.
      headUnavailableReason: remote ? null : headUnavailableReason(pull, base, head ?? undefined),
      remote: remote ? presentRemoteSource(remote) : null,
      mergeState: await mergeState(ctx, base, pull, pull.head_sha),
      requestedReviewers: (await Promise.all((await listReviewRequests(ctx.db, pull.id)).map(async (r) => { const user = await users.get(r.user_id); return user ? [user] : []; }))).flat(),
      requestedTeams: (await Promise.all((await listTeamReviewRequests(ctx.db, pull.id)).map(async (id) => {
        const team = await findTeamById(ctx.db, id);
        return team ? [presentTeam(team, (await findUserById(ctx.db, team.org_id)) ?? null, ctx.config.baseUrl)] : [];
      }))).flat(),
      labels: (labels.get(pull.number) ?? []).map((label) => presentLabelIn(ctx.config.baseUrl, label, base)),
      milestone: milestone ? presentMilestone(milestone) : null,
      assignees: (await Promise.all((assignees.get(pull.number) ?? []).map(async (id) => { const user = await users.get(id); return user ? [user] : []; }))).flat(),
    });
  }));
}

/** One page of a repository's pull requests in a state, presented, and their total for Gitea's X-Total-Count. */
export async function pullRequestPage(
  ctx: ReadContext,
  actor: Actor,
  base: RepoRow,
  query: { state?: 'open' | 'closed' | 'all'; page?: number; limit?: number },
): Promise<{ items: PullRequest[]; total: number }> {
  const limit = query.limit ?? 30;
  const { rows, total } = await listPulls(ctx.db, base.id, query.state ?? 'open', limit, ((query.page ?? 1) - 1) * limit);
  return { items: await presentPulls(ctx, actor, base, rows), total };
}

/** A pull request's changes as text for git tools (`.diff` or `.patch`): git's own output, as Gitea serves it. */
export async function pullRequestDiffText(ctx: ReadContext, base: RepoRow, pull: PullRow, format: 'diff' | 'patch'): Promise<string> {
  const { head, mergeBase } = await pullRequestCommits(ctx, base, pull);
  const cwd = gitdirOf(ctx.config.reposDir, base);
  const from = mergeBase ?? head;
  const args = format === 'diff' ? ['diff', '--no-color', '--binary', from, head] : ['format-patch', '--stdout', '--no-color', '--binary', `${from}..${head}`];
  return (await git(args, { cwd })).stdout;
}

/** The first 250 commits of a pull request, as Gitea's Commit, and how many there are in all. */
export async function pullRequestCommitList(ctx: ReadContext, base: RepoRow, pull: PullRow): Promise<{ items: Commit[]; total: number }> {
  const { reader, head, mergeBase } = await pullRequestCommits(ctx, base, pull);
  const oids = mergeBase ? await reader.commitsBetween(mergeBase, head) : await reader.history(head);
  const urls = new RepoUrls(ctx.config.baseUrl, base);
  const items = await Promise.all(oids.slice(0, 250).map(async (oid) => presentCommit(urls, await reader.commit(oid))));
  return { items, total: oids.length };
}

/** A file of a pull request: Gitea's ChangedFile fields and Fabrique's hunks and viewed mark. */
export type ChangedFile = FileDiff & { previous_filename: string; changes: number; html_url: string; raw_url: string; viewed: boolean };

/**
 * One page of a pull request's changed files, each marked viewed when the actor marked it at the
 * version it has now; with the total and where the next page starts (null at the end).
 */
export async function pullRequestFiles(
  ctx: ReadContext,
  actor: Actor,
  base: RepoRow,
  pull: PullRow,
  limits: { offset?: number },
): Promise<{ files: ChangedFile[]; total: number; nextOffset: number | null }> {
  const { reader, head, mergeBase } = await pullRequestCommits(ctx, base, pull);
  const diff = await diffCommits(reader, mergeBase, head, limits);
  const viewer = viewerId(actor);
  const marks = viewer === null ? new Map<string, string>() : await viewedFiles(ctx.db, pull.id, viewer);
  const urls = new RepoUrls(ctx.config.baseUrl, base);
  const files = await Promise.all(
    diff.files.map(async (file) => {
      const mark = marks.get(file.filename);
      const current = mark === undefined ? undefined : ((await reader.entryAt(head, file.filename))?.oid ?? '');
      return {
        ...file,
        previous_filename: file.old_filename ?? '',
        changes: file.additions + file.deletions,
        html_url: `${urls.html}/src/commit/${head}/${file.filename}`,
        raw_url: `${urls.html}/raw/commit/${head}/${file.filename}`,
        viewed: mark !== undefined && mark === current,
      };
    }),
  );
  return { files, total: diff.total_files, nextOffset: diff.next_offset };
}

/** The paths a user marked as viewed and that have not changed since, sorted. */
export async function viewedPaths(ctx: ReadContext, base: RepoRow, pull: PullRow, userId: number): Promise<string[]> {
  const { reader, head } = await pullRequestCommits(ctx, base, pull);
  const viewed: string[] = [];
  for (const [path, blob] of await viewedFiles(ctx.db, pull.id, userId)) {
    if (((await reader.entryAt(head, path))?.oid ?? '') === blob) viewed.push(path);
  }
  return viewed.sort();
}

/** Review requests as Gitea answers a request for reviewers: PullReviews of state REQUEST_REVIEW. */
export function presentReviewRequests(ctx: ReadContext, base: RepoRow, pull: PullRow, requests: ReviewRequest[]): RequestedReview[] {
  return requests.map((r) =>
    presentReviewRequest(ctx.config.baseUrl, base, pull.number, { user: presentUser(r.reviewer, ctx.config.baseUrl), createdAt: r.createdAt, headSha: pull.head_sha }),
  );
}
