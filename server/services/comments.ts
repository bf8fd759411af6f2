import type { Db } from '../db/index.js';
import { deleteComment, insertComment, updateCommentBody, type CommentRow } from '../db/comments.js';
import { commentSubject, insertContentHistory } from '../db/issues.js';
import type { PullRow } from '../db/pulls.js';
import type { RepoRow } from '../db/repos.js';
import type { Actor, Policy } from '../auth/policy.js';
import { forbidden, notFound } from '../errors.js';

/** What the conversation's use cases need: the database and the one policy. */
export interface CommentContext {
  db: Db;
  policy: Policy;
}

/** Adds a comment to a pull request's conversation (anyone signed in who may read the repository). */
export function postComment(ctx: CommentContext, actor: Actor, pull: PullRow, body: string): CommentRow {
  const user = ctx.policy.signedIn(actor);
  return insertComment(ctx.db, pull.id, user.id, body);
}

/**
 * A comment of an issue or pull request of this repository that the actor may change (its author
 * or a maintainer): a 404 for a comment of another repository, a 401 for someone not signed in, a
 * 403 for anyone else, and for everyone once the repository is archived.
 */
function changeableComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number): { number: number; comment: CommentRow } {
  const subject = commentSubject(ctx.db, id);
  if (!subject || subject.repoId !== base.id) throw notFound('The comment');
  const user = ctx.policy.signedIn(actor);
  if (base.is_archived) throw forbidden(`${base.owner_name}/${base.name} is archived: its conversations are read-only.`);
  const access = ctx.policy.repoAccess(actor, base);
  if (user.id !== subject.comment.poster_id && access !== 'write' && access !== 'admin') {
    throw forbidden('Only its author or a maintainer may change a comment.');
  }
  return { number: subject.number, comment: subject.comment };
}

/** Replaces a comment's text, keeping the replaced text in its history; returns it with its issue or pull request number. */
export function editComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number, body: string): { number: number; comment: CommentRow } {
  const { number, comment } = changeableComment(ctx, actor, base, id);
  const editorId = ctx.policy.signedIn(actor).id;
  return ctx.db.transaction(() => {
    if (body !== comment.body) insertContentHistory(ctx.db, { repoId: base.id, number }, comment.id, editorId, comment.body);
    return { number, comment: updateCommentBody(ctx.db, comment.id, body) };
  })();
}

/** Deletes a comment. */
export function removeComment(ctx: CommentContext, actor: Actor, base: RepoRow, id: number): void {
  deleteComment(ctx.db, changeableComment(ctx, actor, base, id).comment.id);
}
