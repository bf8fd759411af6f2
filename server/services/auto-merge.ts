import { autoMergesForHead, deleteAutoMerge, findAutoMerge, insertAutoMerge } from '../db/statuses.js';
import { findPull, findPullById, openPullsFromHead, type PullRow } from '../db/pulls.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import { findUserById } from '../db/users.js';
import type { Actor } from '../auth/policy.js';
import { conflict, forbidden, notAllowed, notFound } from '../errors.js';
import type { CommitStatusEvent, ConversationEvent } from './events.js';
import type { JobLock } from './jobs.js';
import { mergePullRequest, mergeState, type MergeOptions } from './merge.js';
import type { PushedEvent } from './push.js';
import type { PullContext } from './pulls.js';
import { ZERO_OID } from '../git/write.js';
import { notePullEvent } from './timeline.js';
import { MERGE_STYLE_SETTINGS } from '../../contract/merge-styles.js';

/** The pull request services' context and the instance's job lock, which keeps one merge attempt per pull request at a time. */
export interface AutoMergeContext extends PullContext {
  jobs: JobLock;
}

/** What the head's statuses still lack: the required checks, or without a rule any context not green yet. */
async function checksGreen(ctx: PullContext, base: RepoRow, pull: PullRow): Promise<boolean> {
  const { checks } = await mergeState(ctx, base, pull, pull.head_sha);
  if (checks.required.length > 0) return checks.required_passed;
  return checks.state === null || checks.state === 'success';
}

/**
 * Gitea's `merge_when_checks_succeed` (the caller checked write access): merges now when the
 * head's checks are already green, else stores the request, made as the actor with these options,
 * for when they turn green. Other rules (approvals) are checked when it merges, as Gitea does.
 * Answers whether it was scheduled (false: merged now).
 */
export async function mergeWhenChecksSucceed(ctx: PullContext, base: RepoRow, pullIn: PullRow, actor: Actor, options: MergeOptions): Promise<boolean> {
  const doer = ctx.policy.signedIn(actor);
  const pull = await findPullById(ctx.db, pullIn.id) as PullRow;
  if (pull.merged) throw notAllowed('The pull request has already been merged.');
  if (pull.state !== 'open') throw notAllowed('The pull request is closed: reopen it before merging.');
  if (base[MERGE_STYLE_SETTINGS[options.style]] !== 1) throw notAllowed(`${options.style} is not allowed an allowed merge style for this repository`);
  if (options.headCommitId && options.headCommitId !== pull.head_sha) {
    throw conflict(`The pull request's head changed: it is now ${pull.head_sha}, not ${options.headCommitId}. Review the new commits, then merge again.`, {
      head_sha: pull.head_sha,
    });
  }
  if (await checksGreen(ctx, base, pull)) {
    await mergePullRequest(ctx, base, pull, actor, options);
    return false;
  }
  const stored = await ctx.db.transaction(async () => {
    const inserted = await insertAutoMerge(ctx.db, {
      pullId: pull.id,
      doerId: doer.id,
      style: options.style,
      title: options.title ?? '',
      message: options.message ?? '',
      deleteBranch: options.deleteBranch === true,
      headSha: pull.head_sha,
    });
    if (inserted) await notePullEvent(ctx.db, pull, 'pull_scheduled_merge', doer.id);
    return inserted;
  });
  if (!stored) throw conflict('This pull request is already set to merge when its checks succeed.');
  return true;
}

/** Drops a pull request's request and notes on its timeline who cancelled it (a person, or the pusher of new commits). */
async function dropAutoMerge(ctx: PullContext, pull: PullRow, actorId: number): Promise<void> {
  await ctx.db.transaction(async () => {
    if (await deleteAutoMerge(ctx.db, pull.id)) await notePullEvent(ctx.db, pull, 'pull_cancel_scheduled_merge', actorId);
  });
}

/** Gitea's CancelScheduledAutoMerge: the user who asked, or a repository administrator, drops the request. */
export async function cancelAutoMerge(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor): Promise<void> {
  const user = ctx.policy.signedIn(actor);
  const request = await findAutoMerge(ctx.db, pull.id);
  if (!request) throw notFound('A merge scheduled for when checks succeed');
  if (request.doer_id !== user.id && await ctx.policy.repoAccess(actor, base) !== 'admin') {
    throw forbidden('Only the person who set the automatic merge, or an administrator of the repository, may cancel it.');
  }
  await dropAutoMerge(ctx, pull, user.id);
}

/**
 * Merges a pull request by itself if its request stands, its head is still the one asked for, the
 * person who asked may still write, its checks are green and nothing else blocks; else waits (or
 * drops a request that can never be carried out).
 */
export async function attemptAutoMerge(ctx: PullContext, pullId: number): Promise<void> {
  const request = await findAutoMerge(ctx.db, pullId);
  const pull = await findPullById(ctx.db, pullId);
  if (!request || !pull) return;
  const base = await findRepoById(ctx.db, pull.base_repo_id);
  const doer = await findUserById(ctx.db, request.doer_id);
  if (pull.state !== 'open' || !base || !doer || pull.head_sha !== request.head_sha) {
    await deleteAutoMerge(ctx.db, pullId);
    return;
  }
  const actor: Actor = { kind: 'user', user: doer, via: 'session', scopes: null };
  const access = await ctx.policy.repoAccess(actor, base);
  if (access !== 'write' && access !== 'admin') {
    await deleteAutoMerge(ctx.db, pullId);
    return;
  }
  if (!await checksGreen(ctx, base, pull)) return;
  // Approvals and the other rules: the merge would be refused, so wait for them (a review re-checks).
  const blockers = (await mergeState(ctx, base, pull, pull.head_sha)).blockers.filter((b) => b.code !== 'conflict' && b.code !== 'empty');
  if (blockers.length > 0) return;
  await mergePullRequest(ctx, base, pull, actor, {
    style: request.merge_style,
    title: request.title || undefined,
    message: request.message || undefined,
    deleteBranch: request.delete_branch === 1,
    headCommitId: request.head_sha,
  });
}

/** Plans an attempt in the background, one at a time per pull request: a status post never waits for a merge. */
export function scheduleAutoMergeAttempt(ctx: AutoMergeContext, pullId: number): void {
  ctx.jobs.run(`auto-merge:${pullId}`, () => attemptAutoMerge(ctx, pullId)).catch((err) => ctx.onListenerError(err));
}

/** After a status was posted: pull requests of that repository whose head it is and that wait for their checks. */
export async function autoMergeAfterStatus(ctx: AutoMergeContext, event: CommitStatusEvent): Promise<void> {
  for (const request of await autoMergesForHead(ctx.db, event.repoId, event.sha)) scheduleAutoMergeAttempt(ctx, request.pull_id);
}

/** After a review (or any comment) on a pull request that waits: an approval may be what it lacked. */
export async function autoMergeAfterConversation(ctx: AutoMergeContext, event: ConversationEvent): Promise<void> {
  if (event.kind !== 'pull' || event.action !== 'commented') return;
  const pull = await findPull(ctx.db, event.repoId, event.index);
  if (pull && await findAutoMerge(ctx.db, pull.id)) scheduleAutoMergeAttempt(ctx, pull.id);
}

/** After a push: a request whose pull request's head branch moved is dropped (the new commits were not checked). */
export async function autoMergeAfterPush(ctx: AutoMergeContext, event: PushedEvent): Promise<void> {
  for (const update of event.updates) {
    if (!update.ref.startsWith('refs/heads/') || update.newId === ZERO_OID) continue;
    for (const pull of await openPullsFromHead(ctx.db, event.repo.id, update.ref.slice('refs/heads/'.length))) {
      const request = await findAutoMerge(ctx.db, pull.id);
      if (request && request.head_sha !== update.newId) await dropAutoMerge(ctx, pull, event.pusher.id);
    }
  }
}
