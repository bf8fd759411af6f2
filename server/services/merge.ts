import { findRepoById, type RepoRow } from '../db/repos.js';
import { findPullById, markMerged, type PullRow } from '../db/pulls.js';
import { latestVerdicts } from '../db/reviews.js';
import { findUserById, type UserRow } from '../db/users.js';
import { commitsToReplay, mergeBase, mergeTree, rebaseCommits } from '../git/merge.js';
import { commitTree, isAncestor, readRef, RefMovedError, ZERO_OID } from '../git/write.js';
import type { GitCache } from '../git/cache.js';
import { RepoReader } from '../git/read.js';
import { protectionFor } from './branch-protections.js';
import { recordRefUpdates } from './push.js';
import { moveRefs } from './ref-gate.js';
import { commitSignature, gitdirOf, pullHeadRef, type PullContext } from './pulls.js';
import type { Actor } from '../auth/policy.js';
import { conflict, ForgeError, notAllowed } from '../errors.js';
import type { Language } from '../../contract/languages.js';
import { commitMessages } from './commit-messages.js';
import { notePullEvent } from './timeline.js';
import type { MergeReason, MergeState } from '../../contract/pulls.js';
import { MERGE_STYLE_SETTINGS } from '../../contract/merge-styles.js';
import { deleteAutoMerge, findAutoMerge } from '../db/statuses.js';
import { combinedState, commitStatuses, unmetChecks, unmetChecksText } from './statuses.js';
import { isDraftTitle } from '../../contract/drafts.js';
import { filterAsync } from '../lib/async.js';

export const MERGE_STYLES = ['merge', 'squash', 'fast-forward-only', 'rebase'] as const;
export type MergeStyle = (typeof MERGE_STYLES)[number];

export interface MergeOptions {
  style: MergeStyle;
  title?: string;
  message?: string;
  deleteBranch?: boolean;
  /** The head the merger saw: the merge is refused if the pull request moved on since. */
  headCommitId?: string;
  /** The merger's interface language: the default merge commit message is written in it. */
  language?: Language;
}

const headLabel = (pull: PullRow, headRepo: RepoRow | undefined) =>
  headRepo && headRepo.id !== pull.base_repo_id ? `${headRepo.owner_name}:${pull.head_branch}` : pull.head_branch;

/**
 * Whether a reviewer may write to the base repository now: what makes a review official and an
 * approval count. The account's own access, as a session would have it: the token a review was
 * sent with does not matter, and a suspended account has only public access.
 */
export async function reviewerMayWrite(ctx: Pick<PullContext, 'db' | 'policy'>, userId: number, base: RepoRow): Promise<boolean> {
  const user = await findUserById(ctx.db, userId);
  const access = user ? await ctx.policy.repoAccess({ kind: 'user', user, via: 'session', scopes: null }, base) : 'none';
  return access === 'write' || access === 'admin';
}

type MergeContext = Pick<PullContext, 'db' | 'policy'>;

const reason = (code: MergeReason['code'], message: string, names: string[] = [], required = 0, count = 0): MergeReason => ({
  code,
  message,
  names,
  required,
  count,
});

/**
 * What the merge box shows and the merge service enforces, for the head `headSha`. A branch
 * protection rule's requirements (approvals by people who may write, no requested changes, status
 * checks) block; without a rule, requested changes and a missing approval are advice a writer may
 * merge past after confirming. Conflicts and an empty pull request block (the merge itself checks
 * them again against git).
 */
export async function mergeState(ctx: MergeContext, base: RepoRow, pull: PullRow, headSha: string): Promise<MergeState> {
  const blockers: MergeReason[] = [];
  const advice: MergeReason[] = [];
  const verdicts = await latestVerdicts(ctx.db, pull.id);
  const login = async (userId: number) => (await findUserById(ctx.db, userId))?.username ?? '';
  const approvedBy = await Promise.all(verdicts.filter((v) => v.state === 'APPROVED').map(async (v) => await login(v.reviewer_id)));
  const rule = await protectionFor(ctx.db, base.id, pull.base_branch);
  const statuses = await commitStatuses(ctx.db, base.id, headSha);
  const required = rule?.enable_status_check ? rule.status_check_contexts : [];
  const unmet = unmetChecks(statuses, required);
  const autoMerge = await findAutoMerge(ctx.db, pull.id);
  const checks = {
    state: combinedState(statuses.map((s) => s.state)),
    required,
    required_passed: unmet.length === 0,
    auto_merge: autoMerge ? { doer: await login(autoMerge.doer_id), merge_style: autoMerge.merge_style, created_at: autoMerge.created_at } : null,
  };
  const state = { protection: rule?.ruleName ?? null, approved_by: approvedBy, checks };
  if (pull.merged || pull.state !== 'open') {
    return { status: 'blocked', blockers: [reason('closed', 'The pull request is closed.')], advice, ...state };
  }
  if (isDraftTitle(pull.title)) blockers.push(reason('draft', 'The pull request is a draft (work in progress): mark it as ready before merging.'));
  if (pull.mergeable_state === 'conflict') {
    const files = JSON.parse(pull.conflicted_files) as string[];
    blockers.push(reason('conflict', `The pull request has conflicts with "${pull.base_branch}".`, files));
  }
  if (pull.mergeable_state === 'empty') blockers.push(reason('empty', `There is nothing to merge: "${pull.base_branch}" already has these commits.`));

  const mayWrite = async (userId: number) => await reviewerMayWrite(ctx, userId, base);
  const requests = verdicts.filter((v) => v.state === 'REQUEST_CHANGES');
  if (requests.length > 0) {
    // Only an official change request (from someone who may write, as Gitea's) can block: anyone may
    // review, and a passer-by's "no" must not hold a merge hostage.
    const official = rule?.block_on_rejected_reviews === true ? await filterAsync(requests, async (v) => await mayWrite(v.reviewer_id)) : [];
    const requesters = await Promise.all(requests.map(async (v) => await login(v.reviewer_id)));
    if (official.length > 0) {
      const message = 'Changes were requested in a review: the branch protection blocks the merge until that reviewer approves.';
      blockers.push(reason('changes_requested', message, await Promise.all(official.map(async (v) => await login(v.reviewer_id)))));
    } else {
      advice.push(reason('changes_requested', `Changes were requested by ${requesters.join(', ')}.`, requesters));
    }
  }
  if (rule && rule.required_approvals > 0) {
    // Without "dismiss stale approvals", an approval of an earlier head still counts, as in Gitea.
    const counted = await filterAsync(verdicts, async (v) => v.state === 'APPROVED' && (!rule.dismiss_stale_approvals || v.commit_id === headSha) && (await mayWrite(v.reviewer_id)));
    if (counted.length < rule.required_approvals) {
      const which = rule.dismiss_stale_approvals ? 'of the current head ' : '';
      const message = `The branch "${pull.base_branch}" needs ${rule.required_approvals} approval(s) ${which}by people with write access; it has ${counted.length}.`;
      blockers.push(reason('approvals', message, [], rule.required_approvals, counted.length));
    }
  } else if (approvedBy.length === 0) {
    advice.push(reason('approvals', 'Nobody has approved these changes yet.'));
  }
  if (unmet.length > 0) {
    // Named: the failing contexts, or the pattern that nothing reported matches yet.
    const names = unmet.flatMap((check) => (check.failing.length > 0 ? check.failing.map((s) => s.context) : [check.pattern]));
    blockers.push(reason('status_checks', unmetChecksText(unmet), names));
  }
  const status = blockers.length > 0 ? 'blocked' : advice.length > 0 ? 'advice' : 'allowed';
  return { status, blockers, advice, ...state };
}

/** The commit messages of the pull request's commits, as a squash commit lists them. */
async function commitList(objects: GitCache, gitdir: string, baseSha: string, headSha: string): Promise<string> {
  const reader = new RepoReader(gitdir, objects);
  const oids = await reader.commitsBetween(baseSha, headSha);
  const lines: string[] = [];
  for (const oid of oids.reverse()) lines.push(`* ${(await reader.commit(oid)).message.split('\n')[0]}`);
  return lines.join('\n');
}

/**
 * Merges a pull request (the caller checked write access to the base): checks its state, the head
 * the merger saw and branch protection, builds the result (a merge commit or a squash from
 * merge-tree's tree, the head itself for a fast-forward, replayed commits for a rebase), then
 * moves the base branch only if it still points where the check read it. Records who merged it,
 * tells the push listeners (other pull requests into the branch are checked again), and deletes
 * the head branch when asked and allowed.
 */
export async function mergePullRequest(ctx: PullContext, base: RepoRow, pullIn: PullRow, actor: Actor, options: MergeOptions): Promise<PullRow> {
  const merger: UserRow = ctx.policy.signedIn(actor);
  const pull = await findPullById(ctx.db, pullIn.id) as PullRow;
  if (pull.merged) throw notAllowed('The pull request has already been merged.');
  if (pull.state !== 'open') throw notAllowed('The pull request is closed: reopen it before merging.');
  // Gitea's own words (and status) for a style the repository's settings turn off.
  if (base[MERGE_STYLE_SETTINGS[options.style]] !== 1) throw notAllowed(`${options.style} is not allowed an allowed merge style for this repository`);
  const gitdir = gitdirOf(ctx.reposDir, base);
  const baseRef = `refs/heads/${pull.base_branch}`;
  const baseSha = await readRef(gitdir, baseRef);
  if (!baseSha) throw conflict(`The base branch "${pull.base_branch}" no longer exists.`);
  const headSha = (await readRef(gitdir, pullHeadRef(pull))) ?? pull.head_sha;
  if (options.headCommitId && options.headCommitId !== headSha) {
    throw conflict(`The pull request's head changed: it is now ${headSha}, not ${options.headCommitId}. Review the new commits, then merge again.`, {
      head_sha: headSha,
    });
  }
  // Conflicts and emptiness are checked against git below (409); the rest of what blocks the box is refused here.
  const refusals = (await mergeState(ctx, base, pull, headSha)).blockers.filter((b) => b.code !== 'conflict' && b.code !== 'empty');
  if (refusals.length > 0) throw notAllowed(refusals.map((b) => b.message).join(' '));
  if (await isAncestor(gitdir, headSha, baseSha)) throw conflict(`There is nothing to merge: "${pull.base_branch}" already has these commits.`);

  const headRepo = pull.head_repo_id === null ? undefined : await findRepoById(ctx.db, pull.head_repo_id);
  const signature = commitSignature(merger, ctx.baseUrl);
  const title = options.title?.trim();
  let newSha: string;
  switch (options.style) {
    case 'fast-forward-only':
      if (!(await isAncestor(gitdir, baseSha, headSha))) {
        throw conflict(`"${pull.base_branch}" has commits the head does not have: it cannot be fast-forwarded. Merge, squash or rebase instead.`);
      }
      newSha = headSha;
      break;
    case 'rebase': {
      if ((await commitsToReplay(gitdir, baseSha, headSha)).hasMerges) throw conflict('The head has merge commits: it cannot be rebased. Merge or squash instead.');
      const result = await rebaseCommits(gitdir, baseSha, headSha, signature);
      if ('conflicts' in result) throw conflict('The commits do not apply cleanly on the base branch.', { files: result.conflicts });
      newSha = result.tip;
      break;
    }
    case 'merge':
    case 'squash': {
      const merged = await mergeTree(gitdir, baseSha, headSha);
      if (!merged.clean) throw conflict('The pull request has conflicts with the base branch.', { files: merged.conflicts });
      const body = options.message?.trim() ?? '';
      if (options.style === 'merge') {
        const subject = title || commitMessages(options.language).mergePull(pull.title, pull.number, headLabel(pull, headRepo), pull.base_branch);
        newSha = await commitTree(gitdir, merged.tree, [baseSha, headSha], body ? `${subject}\n\n${body}` : subject, signature);
      } else {
        const subject = title || `${pull.title} (#${pull.number})`;
        const details = body || (await commitList(ctx.gitCache, gitdir, baseSha, headSha));
        // The contributor stays the author of a squashed change; the merger commits it.
        const poster = await findUserById(ctx.db, pull.poster_id);
        const author = poster ? commitSignature(poster, ctx.baseUrl) : signature;
        newSha = await commitTree(gitdir, merged.tree, [baseSha], details ? `${subject}\n\n${details}` : subject, author, signature);
      }
      break;
    }
  }

  try {
    await moveRefs({ db: ctx.db, repo: base, gitdir, actor, kind: 'merge', updates: [{ ref: baseRef, oldId: baseSha, newId: newSha }] });
  } catch (err) {
    if (err instanceof RefMovedError) {
      ctx.checker.schedule(pull.id);
      throw conflict(`The branch "${pull.base_branch}" moved while merging; its mergeability is being checked again. Try again.`);
    }
    // A branch rule refusing the merge (a protected file) is Gitea's 405, as for the rules checked above.
    if (err instanceof ForgeError && err.kind === 'forbidden') throw notAllowed(err.message);
    throw err;
  }
  const found = await mergeBase(gitdir, baseSha, headSha);
  await ctx.db.transaction(async () => {
    await markMerged(ctx.db, pull.id, merger.id, newSha, found);
    await notePullEvent(ctx.db, pull, 'merge_pull', merger.id, { commit_sha: newSha, new_ref: pull.base_branch });
    await deleteAutoMerge(ctx.db, pull.id);
  });
  const pusher = { id: merger.id, username: merger.username };
  await recordRefUpdates(ctx.db, base, gitdir, pusher, [{ ref: baseRef, oldId: baseSha, newId: newSha }], ctx.events);
  if (options.deleteBranch && headRepo) await deleteHeadBranch(ctx, actor, headRepo, pull, headSha, pusher);
  // The issues the pull request closes with a keyword, and notifications, follow this event.
  await ctx.events.publish('conversation', {
    repoId: base.id,
    index: pull.number,
    kind: 'pull',
    title: pull.title,
    action: 'merged',
    actorId: merger.id,
    text: '',
    targetUserIds: [],
    commentId: null,
  });
  return await findPullById(ctx.db, pull.id) as PullRow;
}

/** Deletes a merged pull request's head branch if the merger may push there and the branch is neither default nor protected. */
async function deleteHeadBranch(ctx: PullContext, actor: Actor, headRepo: RepoRow, pull: PullRow, headSha: string, pusher: { id: number; username: string }): Promise<void> {
  const gitdir = gitdirOf(ctx.reposDir, headRepo);
  const ref = `refs/heads/${pull.head_branch}`;
  try {
    // Only if nobody pushed to it since (new commits there are not merged) and the gate allows it.
    await moveRefs({ db: ctx.db, repo: headRepo, gitdir, actor, kind: 'push', updates: [{ ref, oldId: headSha, newId: ZERO_OID }] });
  } catch (err) {
    // Kept when moved, protected, the default branch, or not the merger's to delete: the merge itself stands.
    if (err instanceof RefMovedError || (err instanceof ForgeError && err.kind === 'forbidden')) return;
    throw err;
  }
  await recordRefUpdates(ctx.db, headRepo, gitdir, pusher, [{ ref, oldId: headSha, newId: ZERO_OID }], ctx.events);
}
