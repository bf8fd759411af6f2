import { findRemotePullSource } from '../db/remote-pulls.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import { findPullById, type PullRow } from '../db/pulls.js';
import {
  clearViewed,
  deleteReview,
  findPendingReview,
  findReview,
  findReviewComment,
  insertReview,
  insertReviewComment,
  lastSubmittedReview,
  listReviewComments,
  markSuggestionApplied,
  setReviewDismissed,
  setThreadResolved,
  setViewed,
  submitReviewRow,
  type ReviewCommentRow,
  type ReviewRow,
  type ReviewState,
  type Side,
} from '../db/reviews.js';
import type { UserRow } from '../db/users.js';
import { RepoReader } from '../git/read.js';
import { diffCommits, type Diff } from '../git/diff.js';
import { highlightDiff } from './diff-highlight.js';
import { readRef, RefMovedError, writeCommit } from '../git/write.js';
import { recordRefUpdates } from './push.js';
import { checkRefWrite, moveRefs } from './ref-gate.js';
import { commitSignature, gitdirOf, pullHeadRef, type PullContext } from './pulls.js';
import type { Actor } from '../auth/policy.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { Language } from '../../contract/languages.js';
import { commitMessages } from './commit-messages.js';
import { notePullEvent } from './timeline.js';
import { publishPullConversation } from './notifications.js';

/** A line comment as a review or a thread carries it: Gitea's positions, or a range of lines on one side. */
export interface LineCommentInput {
  path: string;
  body: string;
  /** Gitea: a line of the new file (RIGHT side). */
  new_position?: number;
  /** Gitea: a line of the old file (LEFT side). */
  old_position?: number;
  /** Fabrique: the first line of a range ending at the position's line. */
  start_line?: number;
}

/** Where a pull request's head and merge base are now, with a reader of the base repository. */
export async function pullCommits(ctx: Pick<PullContext, 'reposDir' | 'gitCache'>, base: RepoRow, pull: PullRow): Promise<{ reader: RepoReader; head: string; mergeBase: string | null }> {
  const gitdir = gitdirOf(ctx.reposDir, base);
  const reader = new RepoReader(gitdir, ctx.gitCache);
  const head = pull.merged ? pull.head_sha : ((await readRef(gitdir, pullHeadRef(pull))) ?? pull.head_sha);
  let mergeBase = pull.merge_base;
  if (!pull.merged || !mergeBase) {
    const baseSha = await readRef(gitdir, `refs/heads/${pull.base_branch}`);
    mergeBase = baseSha ? await reader.mergeBase(baseSha, head) : mergeBase;
  }
  return { reader, head, mergeBase };
}

/**
 * Whether a commit is one of the pull request's own (after the merge base, up to its head). Only
 * these may be named by a review: any other id, a commit force-pushed away from some branch above
 * all, would be shown to the reviewer through the review's diffs and line comments.
 */
async function inPull(commits: { reader: RepoReader; head: string; mergeBase: string | null }, commit: string): Promise<boolean> {
  const own = commits.mergeBase ? await commits.reader.commitsBetween(commits.mergeBase, commits.head) : await commits.reader.history(commits.head);
  return own.includes(commit);
}

/** A file's lines at a commit (without the final newline's empty line), or null when the file is absent or binary. */
async function fileLines(reader: RepoReader, commit: string | null, path: string): Promise<string[] | null> {
  if (!commit) return null;
  const entry = await reader.entryAt(commit, path);
  if (!entry || entry.type !== 'blob') return null;
  const text = new TextDecoder().decode(await reader.blob(entry.oid));
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

function sideAndLines(input: LineCommentInput): { side: Side; start: number; line: number } {
  const right = input.new_position ?? 0;
  const left = input.old_position ?? 0;
  const line = right > 0 ? right : left;
  if (line <= 0) throw invalid(`A comment on ${input.path} needs new_position or old_position (a line number).`, { field: 'new_position' });
  const start = input.start_line ?? line;
  if (start < 1 || start > line) throw invalid('start_line must be between 1 and the comment\'s line.', { field: 'start_line' });
  return { side: right > 0 ? 'RIGHT' : 'LEFT', start, line };
}

/** Checks a line comment against the file it names and returns the row to insert, with the commented lines' text. */
type CheckedComment = { path: string; side: Side; startLine: number; line: number; commitId: string; originalLines: string[]; body: string };

async function lineComment(reader: RepoReader, commits: { head: string; mergeBase: string | null }, input: LineCommentInput): Promise<CheckedComment> {
  if (!input.body.trim()) throw invalid('A line comment needs a body.', { field: 'body' });
  const { side, start, line } = sideAndLines(input);
  const commitId = side === 'RIGHT' ? commits.head : commits.mergeBase;
  const lines = commitId ? await fileLines(reader, commitId, input.path) : null;
  if (!commitId || !lines) throw invalid(`The file "${input.path}" is not on the ${side === 'RIGHT' ? 'new' : 'old'} side of the diff.`, { field: 'path' });
  if (line > lines.length) throw invalid(`"${input.path}" has ${lines.length} lines; line ${line} does not exist.`, { field: 'new_position' });
  return { path: input.path, side, startLine: start, line, commitId, originalLines: lines.slice(start - 1, line), body: input.body };
}

export interface ReviewInput {
  event: ReviewState;
  body: string;
  commitId?: string;
  comments: LineCommentInput[];
}

const isVerdict = (state: ReviewState) => state === 'APPROVED' || state === 'REQUEST_CHANGES';

function checkVerdict(pull: PullRow, reviewer: UserRow, state: ReviewState, body: string, hasComments: boolean): void {
  if (isVerdict(state) && reviewer.id === pull.poster_id) {
    throw invalid('The author of a pull request cannot approve it or request changes to it.', { field: 'event' });
  }
  if (state === 'COMMENT' && !body.trim() && !hasComments) throw invalid('A comment review needs a body or line comments.', { field: 'body' });
  if (state === 'REQUEST_CHANGES' && !body.trim() && !hasComments) throw invalid('Say which changes you request: a body or line comments.', { field: 'body' });
}

/**
 * Adds a review against the current head unless a commit is named; its line comments start
 * threads. With a pending review of the reviewer's, comments join it and a verdict submits it.
 */
export async function createReview(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, input: ReviewInput): Promise<ReviewRow> {
  const reviewer = ctx.policy.signedIn(actor);
  if (pull.merged || pull.state !== 'open') {
    if (isVerdict(input.event)) throw conflict('The pull request is closed: it can no longer be approved or changed.');
  }
  checkVerdict(pull, reviewer, input.event, input.body, input.comments.length > 0);
  const commits = await pullCommits(ctx, base, pull);
  if (input.commitId && input.commitId !== commits.head && !(await inPull(commits, input.commitId))) {
    throw invalid(`The commit ${input.commitId} is not in this pull request.`, { field: 'commit_id' });
  }
  const commitId = input.commitId || commits.head;
  const rows: CheckedComment[] = [];
  for (const c of input.comments) rows.push(await lineComment(commits.reader, { head: commitId, mergeBase: commits.mergeBase }, c));
  const submitted = await ctx.db.transaction(async () => {
    // As Gitea: comments join one's pending review, and a verdict submits it.
    const pending = await findPendingReview(ctx.db, pull.id, reviewer.id);
    const review = !pending
      ? await insertReview(ctx.db, { pullId: pull.id, reviewerId: reviewer.id, state: input.event, body: input.body, commitId })
      : input.event === 'PENDING'
        ? pending
        : await submitReviewRow(ctx.db, pending.id, input.event, input.body || pending.body, commitId);
    for (const row of rows) await insertReviewComment(ctx.db, { ...row, pullId: pull.id, reviewId: review.id, threadId: null, posterId: reviewer.id });
    if (review.state !== 'PENDING') await notePullEvent(ctx.db, pull, 'review', reviewer.id, { review_id: review.id });
    return review;
  });
  if (submitted.state !== 'PENDING') await publishPullConversation(ctx.events, pull, 'commented', reviewer.id, { text: submitted.body });
  return submitted;
}

/** Submits the reviewer's own pending review with a verdict. */
export async function submitReview(
  ctx: PullContext,
  base: RepoRow,
  pull: PullRow,
  actor: Actor,
  reviewId: number,
  input: { event: Exclude<ReviewState, 'PENDING'>; body: string },
): Promise<ReviewRow> {
  const reviewer = ctx.policy.signedIn(actor);
  const review = await findReview(ctx.db, pull.id, reviewId);
  if (!review || (review.state === 'PENDING' && review.reviewer_id !== reviewer.id)) throw notFound('The review');
  if (review.state !== 'PENDING') throw invalid('The review was already submitted.', { field: 'event' });
  const hasComments = (await listReviewComments(ctx.db, review.id)).length > 0;
  checkVerdict(pull, reviewer, input.event, input.body || review.body, hasComments);
  const { head } = await pullCommits(ctx, base, pull);
  const submitted = await ctx.db.transaction(async () => {
    const row = await submitReviewRow(ctx.db, review.id, input.event, input.body || review.body, head);
    await notePullEvent(ctx.db, pull, 'review', reviewer.id, { review_id: row.id });
    return row;
  });
  await publishPullConversation(ctx.events, pull, 'commented', reviewer.id, { text: submitted.body });
  return submitted;
}

/** Starts a thread outside a review: one comment on a line or a range of lines. */
export async function createThread(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, input: LineCommentInput): Promise<ReviewCommentRow> {
  const poster = ctx.policy.signedIn(actor);
  const commits = await pullCommits(ctx, base, pull);
  const row = await lineComment(commits.reader, commits, input);
  const comment = await insertReviewComment(ctx.db, { ...row, pullId: pull.id, reviewId: null, threadId: null, posterId: poster.id });
  await publishPullConversation(ctx.events, pull, 'commented', poster.id, { text: comment.body });
  return comment;
}

/** The first comment of a thread, by the id of any of its comments; a 404 inside someone else's pending review. */
async function threadRoot(ctx: PullContext, pull: PullRow, commentId: number, viewer: UserRow): Promise<ReviewCommentRow> {
  const comment = await findReviewComment(ctx.db, pull.id, commentId);
  const root = comment && comment.thread_id !== null ? await findReviewComment(ctx.db, pull.id, comment.thread_id) : comment;
  const review = root?.review_id ? await findReview(ctx.db, pull.id, root.review_id) : undefined;
  if (!root || (review?.state === 'PENDING' && review.reviewer_id !== viewer.id)) throw notFound('The comment');
  return root;
}

/** Replies in a thread. */
export async function replyToThread(ctx: PullContext, pull: PullRow, actor: Actor, threadId: number, body: string): Promise<ReviewCommentRow> {
  const poster = ctx.policy.signedIn(actor);
  if (!body.trim()) throw invalid('A reply needs a body.', { field: 'body' });
  const root = await threadRoot(ctx, pull, threadId, poster);
  const reply = await insertReviewComment(ctx.db, {
    pullId: pull.id,
    reviewId: null,
    threadId: root.id,
    posterId: poster.id,
    path: root.path,
    side: root.side,
    startLine: root.start_line,
    line: root.line,
    commitId: root.commit_id,
    originalLines: JSON.parse(root.original_lines) as string[],
    body,
  });
  await publishPullConversation(ctx.events, pull, 'commented', poster.id, { text: body });
  return reply;
}

/** Resolves or reopens a thread: its author, the pull request's author, or a maintainer. */
export async function resolveThread(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, threadId: number, resolved: boolean): Promise<ReviewCommentRow> {
  const user = ctx.policy.signedIn(actor);
  const root = await threadRoot(ctx, pull, threadId, user);
  const maintainer = await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: base });
  if (!maintainer && user.id !== root.poster_id && user.id !== pull.poster_id) {
    throw forbidden('Only the thread\'s author, the pull request\'s author or a maintainer may resolve it.');
  }
  await setThreadResolved(ctx.db, root.id, resolved ? user.id : null);
  return await findReviewComment(ctx.db, pull.id, root.id) as ReviewCommentRow;
}

/**
 * Whether later pushes changed the lines a comment is about: their text at the current head (or
 * merge base, for the old side) differs from when the comment was written.
 */
export async function isOutdated(reader: RepoReader, commits: { head: string; mergeBase: string | null }, comment: ReviewCommentRow): Promise<boolean> {
  const now = comment.side === 'RIGHT' ? commits.head : commits.mergeBase;
  if (now === comment.commit_id) return false;
  const lines = await fileLines(reader, now, comment.path);
  if (!lines) return true;
  const then = JSON.parse(comment.original_lines) as string[];
  const current = lines.slice(comment.start_line - 1, comment.line);
  return current.length !== then.length || current.some((line, i) => line !== then[i]);
}

const SUGGESTION = /```suggestion[^\n]*\n([\s\S]*?)^```/m;

/** The replacement text of a comment's first ```suggestion block, or null. */
export function suggestionOf(body: string): string[] | null {
  const match = SUGGESTION.exec(body.replace(/\r\n/g, '\n'));
  if (!match) return null;
  const text = match[1].endsWith('\n') ? match[1].slice(0, -1) : match[1];
  return text === '' ? [] : text.split('\n');
}

/**
 * Applies a comment's suggested change as a commit on the head branch, written in-process and moved
 * with a compare-and-swap; refused when the commented lines changed since the comment, or the
 * branch moved since the pull request last saw it. Only the pull request's author, or someone who
 * may push to the head repository, may apply it.
 */
export async function applySuggestion(ctx: PullContext, base: RepoRow, pullIn: PullRow, actor: Actor, commentId: number, language?: Language): Promise<{ sha: string }> {
  const user = ctx.policy.signedIn(actor);
  const pull = await findPullById(ctx.db, pullIn.id) as PullRow;
  if (pull.merged || pull.state !== 'open') throw conflict('The pull request is closed.');
  const comment = await findReviewComment(ctx.db, pull.id, commentId);
  if (!comment) throw notFound('The comment');
  await threadRoot(ctx, pull, comment.id, user);
  const replacement = suggestionOf(comment.body);
  if (!replacement) throw invalid('The comment has no ```suggestion block.', { field: 'body' });
  if (comment.side !== 'RIGHT') throw invalid('Only a comment on the new side of the diff can suggest a change.');
  if (comment.suggestion_applied_sha) throw conflict('The suggestion was already applied.', { sha: comment.suggestion_applied_sha });
  // Its head branch is on another forge, which this one cannot push to.
  if (await findRemotePullSource(ctx.db, pull.id)) throw conflict('This pull request comes from another forge: apply the patch there.');
  const headRepo = pull.head_repo_id === null ? undefined : await findRepoById(ctx.db, pull.head_repo_id);
  if (!headRepo) throw conflict('The head repository no longer exists.');
  if (!await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: headRepo }) || (user.id !== pull.poster_id && !await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: base }))) {
    throw forbidden('Only the author of the pull request, with write access to its branch, may apply a suggestion.');
  }
  const gitdir = gitdirOf(ctx.reposDir, headRepo);
  const ref = `refs/heads/${pull.head_branch}`;
  // As a push to the head branch: its protection applies to the suggestion's commit too, checked
  // before any object is written and again when the branch moves.
  await checkRefWrite({ db: ctx.db, repo: headRepo, gitdir, actor, kind: 'push', ref });
  const tip = await readRef(gitdir, ref);
  if (!tip) throw conflict(`The branch "${pull.head_branch}" no longer exists.`);
  if (tip !== pull.head_sha) throw conflict('The branch has new commits the pull request has not caught up with yet; try again.');
  const reader = new RepoReader(gitdir, ctx.gitCache);
  const entry = await reader.entryAt(tip, comment.path);
  if (!entry || entry.type !== 'blob') throw conflict(`The file "${comment.path}" no longer exists.`);
  const text = new TextDecoder().decode(await reader.blob(entry.oid));
  const lines = text.split('\n');
  const trailingNewline = text.endsWith('\n');
  if (trailingNewline) lines.pop();
  const then = JSON.parse(comment.original_lines) as string[];
  const now = lines.slice(comment.start_line - 1, comment.line);
  if (now.length !== then.length || now.some((l, i) => l !== then[i])) {
    throw conflict('The lines of this suggestion changed since it was written: it cannot be applied.');
  }
  lines.splice(comment.start_line - 1, comment.line - comment.start_line + 1, ...replacement);
  const content = new TextEncoder().encode(lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : ''));
  const signature = commitSignature(user, ctx.baseUrl);
  const sha = await writeCommit({
    gitdir,
    objects: ctx.gitCache,
    parent: tip,
    changes: [{ path: comment.path, content }],
    message: commitMessages(language).applySuggestion(comment.path),
    author: signature,
  });
  try {
    await moveRefs({ db: ctx.db, repo: headRepo, gitdir, actor, kind: 'push', updates: [{ ref, oldId: tip, newId: sha }] });
  } catch (err) {
    if (err instanceof RefMovedError) throw conflict('The branch moved while applying the suggestion; try again.');
    throw err;
  }
  await markSuggestionApplied(ctx.db, comment.id, sha);
  await recordRefUpdates(ctx.db, headRepo, gitdir, { id: user.id, username: user.username }, [{ ref, oldId: tip, newId: sha }], ctx.events);
  return { sha };
}

/** Marks a file as viewed at its current version (its blob at the head), or clears the mark. */
export async function markViewed(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, path: string, viewed: boolean): Promise<void> {
  const user = ctx.policy.signedIn(actor);
  if (!viewed) {
    await clearViewed(ctx.db, pull.id, user.id, path);
    return;
  }
  const { reader, head } = await pullCommits(ctx, base, pull);
  const entry = await reader.entryAt(head, path);
  // A deleted file is marked with an empty id: it stays viewed while it stays deleted.
  await setViewed(ctx.db, pull.id, user.id, path, entry?.oid ?? '');
}

/** What changed since the user's last review: the diff between the commit reviewed and the current head. */
export async function changesSinceLastReview(
  ctx: PullContext,
  base: RepoRow,
  pull: PullRow,
  actor: Actor,
  limits: { offset?: number },
): Promise<{ since: string | null; head: string; diff: Diff }> {
  const user = ctx.policy.signedIn(actor);
  const { reader, head, mergeBase } = await pullCommits(ctx, base, pull);
  const last = await lastSubmittedReview(ctx.db, pull.id, user.id);
  const since = last && (await reader.findCommit(last.commit_id)) ? last.commit_id : null;
  const diff = highlightDiff(await diffCommits(reader, since ?? mergeBase, head, limits));
  return { since, head, diff };
}

/** Deletes the actor's own pending review; any other review (someone else's, or submitted) is a 404. */
export async function deletePendingReview(ctx: PullContext, pull: PullRow, actor: Actor, reviewId: number): Promise<void> {
  const user = ctx.policy.signedIn(actor);
  const review = await findReview(ctx.db, pull.id, reviewId);
  if (!review || review.reviewer_id !== user.id || review.state !== 'PENDING') throw notFound('A pending review of yours');
  await deleteReview(ctx.db, review.id);
}

/**
 * Dismisses a submitted approval or change request with a reason, or counts it again (Gitea's
 * dismissals and undismissals): for people who may write to the base, on an open pull request. A
 * dismissed review no longer counts for approvals nor blocks; the timeline says who dismissed it and why.
 */
export async function setDismissed(ctx: PullContext, base: RepoRow, pull: PullRow, actor: Actor, reviewId: number, change: { dismissed: boolean; message: string }): Promise<ReviewRow> {
  const user = ctx.policy.signedIn(actor);
  if (!await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: base })) throw forbidden('Only people who may write to the repository can dismiss a review.');
  const review = await findReview(ctx.db, pull.id, reviewId);
  if (!review || review.state === 'PENDING') throw notFound('The review');
  if (!isVerdict(review.state)) throw invalid('Only an approval or a request for changes can be dismissed; this review is a comment.', { field: 'id' });
  if (pull.merged || pull.state !== 'open') throw conflict('The pull request is closed: its reviews can no longer be dismissed.');
  const message = change.message.trim();
  if (change.dismissed && !message) throw invalid('Say why the review is dismissed.', { field: 'message' });
  if (review.dismissed === (change.dismissed ? 1 : 0)) return review;
  return await ctx.db.transaction(async () => {
    const row = await setReviewDismissed(ctx.db, review.id, change.dismissed);
    if (change.dismissed) await notePullEvent(ctx.db, pull, 'dismiss_review', user.id, { review_id: review.id, body: message, target_user_id: review.reviewer_id });
    return row;
  });
}
