import { listComments, type CommentRow } from '../db/comments.js';
import type { PullRow } from '../db/pulls.js';
import type { RepoRow } from '../db/repos.js';
import { presentComment, type IssueComment } from '../presenters/pull.js';
import type { ReadContext } from './context.js';
import { pullMarkdown, UserCache } from './pull-request.js';

export type { CommentRow };

/** A pull request's conversation comments as Gitea's Comment. */
export async function presentComments(ctx: ReadContext, base: RepoRow, pull: PullRow, comments: CommentRow[]): Promise<IssueComment[]> {
  const users = new UserCache(ctx);
  return await Promise.all(comments.map(async (c) => presentComment(ctx.config.baseUrl, base, pull.number, c, await users.must(c.poster_id), pullMarkdown(ctx.images, base, pull.base_branch, c.body))));
}

/** The whole conversation of a pull request, oldest first. */
export async function pullConversation(ctx: ReadContext, base: RepoRow, pull: PullRow): Promise<IssueComment[]> {
  return await presentComments(ctx, base, pull, await listComments(ctx.db, pull.id));
}
