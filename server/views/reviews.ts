import type { PullRow } from '../db/pulls.js';
import type { RepoRow } from '../db/repos.js';
import { findReview, listPullComments, listReviewComments, listReviews, type ReviewCommentRow, type ReviewRow } from '../db/reviews.js';
import type { Actor } from '../auth/policy.js';
import { presentReview, presentReviewComment, type PullReview, type ReviewComment } from '../presenters/pull.js';
import { isOutdated, suggestionOf } from '../services/reviews.js';
import { reviewerMayWrite } from '../services/merge.js';
import { notFound } from '../errors.js';
import type { ReadContext } from './context.js';
import { pullMarkdown, pullRequestCommits, UserCache, viewerId } from './pull-request.js';

export type { ReviewRow, ReviewCommentRow };

/** Reviews as Gitea's PullReview, at the head they are shown against. */
export async function presentReviews(ctx: ReadContext, base: RepoRow, pull: PullRow, headSha: string, reviews: ReviewRow[]): Promise<PullReview[]> {
  const users = new UserCache(ctx);
  return await Promise.all(reviews.map(async (review) =>
    presentReview(ctx.config.baseUrl, base, pull.number, review, {
      user: await users.must(review.reviewer_id),
      bodyHtml: pullMarkdown(ctx.images, base, pull.base_branch, review.body),
      headSha,
      official: await reviewerMayWrite(ctx, review.reviewer_id, base),
      commentsCount: (await listReviewComments(ctx.db, review.id)).length,
    }),
  ));
}

/** Line comments as Fabrique's ReviewComment: outdated when the lines moved on since, with any suggestion. */
export async function presentReviewComments(ctx: ReadContext, base: RepoRow, pull: PullRow, comments: ReviewCommentRow[]): Promise<ReviewComment[]> {
  const users = new UserCache(ctx);
  const commits = await pullRequestCommits(ctx, base, pull);
  return Promise.all(
    comments.map(async (c) =>
      presentReviewComment(ctx.config.baseUrl, base, pull.number, c, {
        user: await users.must(c.poster_id),
        resolver: await users.get(c.resolved_by_id),
        bodyHtml: pullMarkdown(ctx.images, base, pull.base_branch, c.body),
        outdated: await isOutdated(commits.reader, commits, c),
        suggestion: suggestionOf(c.body),
      }),
    ),
  );
}

/** One review, presented against the pull request's current head. */
export async function presentReviewAtHead(ctx: ReadContext, base: RepoRow, pull: PullRow, review: ReviewRow): Promise<PullReview> {
  const { head } = await pullRequestCommits(ctx, base, pull);
  return (await presentReviews(ctx, base, pull, head, [review]))[0];
}

/** A pull request's reviews the actor may see (its own pending review, everyone's submitted ones). */
export async function pullReviews(ctx: ReadContext, actor: Actor, base: RepoRow, pull: PullRow): Promise<PullReview[]> {
  const { head } = await pullRequestCommits(ctx, base, pull);
  return await presentReviews(ctx, base, pull, head, await listReviews(ctx.db, pull.id, viewerId(actor)));
}

/** A review the actor may see (someone else's pending review is a 404, as one that does not exist). */
export async function visibleReview(ctx: ReadContext, actor: Actor, pull: PullRow, id: number): Promise<ReviewRow> {
  const review = await findReview(ctx.db, pull.id, id);
  if (!review || (review.state === 'PENDING' && review.reviewer_id !== viewerId(actor))) throw notFound('The review');
  return review;
}

/** The line comments of a review the actor may see. */
export async function reviewComments(ctx: ReadContext, actor: Actor, base: RepoRow, pull: PullRow, reviewId: number): Promise<ReviewComment[]> {
  const review = await visibleReview(ctx, actor, pull, reviewId);
  return presentReviewComments(ctx, base, pull, await listReviewComments(ctx.db, review.id));
}

/** Every line comment of a pull request the actor may see (not others' pending ones). */
export async function pullLineComments(ctx: ReadContext, actor: Actor, base: RepoRow, pull: PullRow): Promise<ReviewComment[]> {
  return presentReviewComments(ctx, base, pull, await listPullComments(ctx.db, pull.id, viewerId(actor)));
}
