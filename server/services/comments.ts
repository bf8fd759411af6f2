import type { Db } from '../db/index.js';
import { deleteComment, findComment, insertComment, updateCommentBody, type CommentRow } from '../db/comments.js';
import { findPullById, type PullRow } from '../db/pulls.js';
import type { RepoRow } from '../db/repos.js';
import type { Actor, Policy } from '../auth/policy.js';
import { forbidden, notFound } from '../errors.js';
import type { EventBus } from './events.js';
import { publishPullConversation } from './notifications.js';

/** What the conversation's use cases need: the database, the one policy and the bus the notifications follow. */
export interface CommentContext {
  db: Db;
  policy: Policy;
  events: EventBus;
}

/** Adds a comment to a pull request's conversation (anyone signed in who may read the repository). */
export async function postComment(ctx: CommentContext, actor: Actor, pull: PullRow, body: string): Promise<CommentRow> {
  const user = ctx.policy.signedIn(actor);
  const comment = insertComment(ctx.db, pull.id, user.id, body);
  await publishPullConversation(ctx.events, pull, 'commented', user.id, { text: body, commentId: comment.id });
  return comment;
}

/**
 * A comment of a pull request of this repository that the actor may change (its author or a
 * maintainer): a 404 for a comment of another repository, a 401 for someone not signed in, a 403
 * for anyone else.
 */
function changeableComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number): { pull: PullRow; comment: CommentRow } {
  const comment = findComment(ctx.db, id);
  const pull = comment ? findPullById(ctx.db, comment.pull_id) : undefined;
  if (!comment || !pull || pull.base_repo_id !== base.id) throw notFound('The comment');
  const user = ctx.policy.signedIn(actor);
  if (user.id !== comment.poster_id && !ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: base })) {
    throw forbidden('Only its author or a maintainer may change a comment.');
  }
  return { pull, comment };
}

/** Replaces a comment's text; returns it with its pull request. */
export function editComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number, body: string): { pull: PullRow; comment: CommentRow } {
  const { pull, comment } = changeableComment(ctx, actor, base, id);
  return { pull, comment: updateCommentBody(ctx.db, comment.id, body) };
}

/** Deletes a comment. */
export function removeComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number): void {
  deleteComment(ctx.db, changeableComment(ctx, actor, base, id).comment.id);
}
