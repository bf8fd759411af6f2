import { findRepoById, type RepoRow } from '../db/repos.js';
import { findPullById, markMerged, type PullRow } from '../db/pulls.js';
import { latestVerdicts } from '../db/reviews.js';
import { findUserById, type UserRow } from '../db/users.js';
import { commitsToReplay, mergeBase, mergeTree, rebaseCommits } from '../git/merge.js';
import { commitTree, isAncestor, readRef, RefMovedError, ZERO_OID } from '../git/write.js';
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
export function reviewerMayWrite(ctx: Pick<PullContext, 'db' | 'policy'>, userId: number, base: RepoRow): boolean {
  const user = findUserById(ctx.db, userId);
  const access = user ? ctx.policy.repoAccess({ kind: 'user', user, via: 'session', scopes: null }, base) : 'none';
  return access === 'write' || access === 'admin';
}

/** Why branch protection refuses merging this head now, or null. Approvals count only from people who may write. */
export function protectionRefusal(ctx: PullContext, base: RepoRow, pull: PullRow, headSha: string): string | null {
  const rule = protectionFor(ctx.db, base.id, pull.base_branch);
  if (!rule) return null;
  const verdicts = latestVerdicts(ctx.db, pull.id);
  if (rule.block_on_rejected_reviews && verdicts.some((v) => v.state === 'REQUEST_CHANGES')) {
    return 'Changes were requested in a review: the branch protection blocks the merge until that reviewer approves.';
  }
  if (rule.required_approvals > 0) {
    const approvals = verdicts.filter((v) => v.state === 'APPROVED' && v.commit_id === headSha && reviewerMayWrite(ctx, v.reviewer_id, base)).length;
    if (approvals < rule.required_approvals) {
      return `The branch "${pull.base_branch}" needs ${rule.required_approvals} approval(s) of the current head by people with write access; it has ${approvals}.`;
    }
  }
  return null;
}

/** The commit messages of the pull request's commits, as a squash commit lists them. */
async function commitList(gitdir: string, baseSha: string, headSha: string): Promise<string> {
  const reader = new RepoReader(gitdir);
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
  const pull = findPullById(ctx.db, pullIn.id) as PullRow;
  if (pull.merged) throw notAllowed('The pull request has already been merged.');
  if (pull.state !== 'open') throw notAllowed('The pull request is closed: reopen it before merging.');
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
  const refusal = protectionRefusal(ctx, base, pull, headSha);
  if (refusal) throw notAllowed(refusal);
  if (await isAncestor(gitdir, headSha, baseSha)) throw conflict(`There is nothing to merge: "${pull.base_branch}" already has these commits.`);

  const headRepo = pull.head_repo_id === null ? undefined : findRepoById(ctx.db, pull.head_repo_id);
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
        const details = body || (await commitList(gitdir, baseSha, headSha));
        // The contributor stays the author of a squashed change; the merger commits it.
        const poster = findUserById(ctx.db, pull.poster_id);
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
    throw err;
  }
  const found = await mergeBase(gitdir, baseSha, headSha);
  ctx.db.transaction(() => {
    markMerged(ctx.db, pull.id, merger.id, newSha, found);
    notePullEvent(ctx.db, pull, 'merge_pull', merger.id, { commit_sha: newSha, new_ref: pull.base_branch });
  })();
  const pusher = { id: merger.id, username: merger.username };
  await recordRefUpdates(ctx.db, base, gitdir, pusher, [{ ref: baseRef, oldId: baseSha, newId: newSha }], ctx.events);
  if (options.deleteBranch && headRepo) await deleteHeadBranch(ctx, actor, headRepo, pull, headSha, pusher);
  return findPullById(ctx.db, pull.id) as PullRow;
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
