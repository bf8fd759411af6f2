import { listComments, type CommentRow } from '../db/comments.js';
import type { PullRow } from '../db/pulls.js';
import type { RepoRow } from '../db/repos.js';
import { presentComment, type IssueComment } from '../presenters/pull.js';
import type { ReadContext } from './context.js';
import { pullMarkdown, UserCache } from './pull-request.js';

export type { CommentRow };

/** A pull request's conversation comments as Gitea's Comment. */
export function presentComments(ctx: ReadContext, base: RepoRow, pull: PullRow, comments: CommentRow[]): IssueComment[] {
  const users = new UserCache(ctx);
  return comments.map((c) => presentComment(ctx.config.baseUrl, base, pull.number, c, users.must(c.poster_id), pullMarkdown(ctx.images, base, pull.base_branch, c.body)));
}

/** The whole conversation of a pull request, oldest first. */
export function pullConversation(ctx: ReadContext, base: RepoRow, pull: PullRow): IssueComment[] {
  return presentComments(ctx, base, pull, listComments(ctx.db, pull.id));
}
