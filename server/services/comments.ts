import type { Db } from '../db/index.js';
import { deleteComment, insertComment, updateCommentBody, type CommentRow } from '../db/comments.js';
import { commentSubject, insertContentHistory } from '../db/issues.js';
import type { PullRow } from '../db/pulls.js';
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
  const comment = await insertComment(ctx.db, pull.id, user.id, body);
  await publishPullConversation(ctx.events, pull, 'commented', user.id, { text: body, commentId: comment.id });
  return comment;
}

/**
 * A comment of an issue or pull request of this repository that the actor may change (its author
 * or a maintainer): a 404 for a comment of another repository, a 401 for someone not signed in, a
 * 403 for anyone else, and for everyone once the repository is archived.
 */
async function changeableComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number): Promise<{ number: number; comment: CommentRow }> {
  const subject = await commentSubject(ctx.db, id);
  if (!subject || subject.repoId !== base.id) throw notFound('The comment');
  const user = ctx.policy.signedIn(actor);
  if (base.is_archived) throw forbidden(`${base.owner_name}/${base.name} is archived: its conversations are read-only.`);
  const access = await ctx.policy.repoAccess(actor, base);
  if (user.id !== subject.comment.poster_id && access !== 'write' && access !== 'admin') {
    throw forbidden('Only its author or a maintainer may change a comment.');
  }
  return { number: subject.number, comment: subject.comment };
}

/** Replaces a comment's text, keeping the replaced text in its history; returns it with its issue or pull request number. */
export async function editComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number, body: string): Promise<{ number: number; comment: CommentRow }> {
  const { number, comment } = await changeableComment(ctx, actor, base, id);
  const editorId = ctx.policy.signedIn(actor).id;
  return await ctx.db.transaction(async () => {
    if (body !== comment.body) await insertContentHistory(ctx.db, { repoId: base.id, number }, comment.id, editorId, comment.body);
    return { number, comment: await updateCommentBody(ctx.db, comment.id, body) };
  });
}

/** Deletes a comment. */
export async function removeComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number): Promise<void> {
  await deleteComment(ctx.db, (await changeableComment(ctx, actor, base, id)).comment.id);
}
