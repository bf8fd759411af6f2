import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { listPulls, type PullRow } from '../../../db/pulls.js';
import { deleteReview, listPullComments, listReviewComments, listReviews, findReview, viewedFiles, type ReviewCommentRow } from '../../../db/reviews.js';
import type { RepoRow } from '../../../db/repos.js';
import { findUserById } from '../../../db/users.js';
import { git } from '../../../git/exec.js';
import { diffCommits } from '../../../git/diff.js';
import { RepoUrls, Commit, presentCommit } from '../../../presenters/browse.js';
import { PullRequest, PullReview, ReviewComment, presentReview, presentReviewComment } from '../../../presenters/pull.js';
import { createPullRequest, editPullRequest, gitdirOf, pullsAfterPush } from '../../../services/pulls.js';
import { mergePullRequest } from '../../../services/merge.js';
import {
  applySuggestion,
  changesSinceLastReview,
  createReview,
  createThread,
  isOutdated,
  markViewed,
  pullCommits,
  replyToThread,
  resolveThread,
  submitReview,
  suggestionOf,
} from '../../../services/reviews.js';
import { notFound } from '../../../errors.js';
import { FileDiff } from '../browse/schema.js';
import { ChangesSinceReview } from '../../../../contract/pulls.js';
import { redirectRenamedRepo } from '../repos/present.js';
import { RepoParams } from '../repos/schema.js';
import { markdown, presentPulls, pullContext, requirePull, UserCache } from './context.js';
import {
  CreatePullOption,
  CreateReviewOption,
  EditPullOption,
  LineCommentOption,
  ListPullsQuery,
  MergePullOption,
  OffsetQuery,
  PullOrDiffParams,
  PullParams,
  ReplyOption,
  ReviewParams,
  SubmitReviewOption,
  errors,
} from './schema.js';

const tags = ['pull request'];

/** A file of a pull request: Gitea's ChangedFile fields and Fabrique's hunks and viewed mark. */
const ChangedFile = Type.Composite([
  FileDiff,
  Type.Object({ previous_filename: Type.String(), changes: Type.Integer(), html_url: Type.String(), raw_url: Type.String(), viewed: Type.Boolean() }),
]);

/**
 * Pull requests (Gitea's paths) and Fabrique's review additions under the same prefix: threads on
 * line ranges with replies and resolution, suggestions applied in one call, viewed marks, and the
 * changes since one's last review. Refs moved by pushes (or by the forge) move pull request heads
 * and plan mergeability checks through the push listener registered here.
 */
const pullRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const ctx = pullContext(fastify);
  const off = fastify.events.subscribe('pushed', (event) => pullsAfterPush(ctx, event));
  fastify.addHook('onClose', async () => off());
  fastify.addHook('preHandler', redirectRenamedRepo(fastify));

  const one = (request: FastifyRequest, base: RepoRow, pull: PullRow) => presentPulls(fastify, request, base, [pull])[0];
  const viewerId = (request: FastifyRequest) => (request.actor.kind === 'user' ? request.actor.user.id : null);

  fastify.get(
    '/repos/:owner/:repo/pulls',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: ListPullsQuery, response: { 200: Type.Array(PullRequest), ...errors } } },
    async (request, reply) => {
      const base = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
      const limit = request.query.limit ?? 30;
      const { rows, total } = listPulls(db, base.id, request.query.state ?? 'open', limit, ((request.query.page ?? 1) - 1) * limit);
      reply.header('x-total-count', String(total));
      return presentPulls(fastify, request, base, rows);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, body: CreatePullOption, response: { 201: PullRequest, ...errors } } },
    async (request, reply) => {
      const poster = fastify.policy.signedIn(request.actor);
      const base = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
      const { head, base: baseBranch, title, body } = request.body;
      const pull = await createPullRequest(ctx, { base, poster, actor: request.actor, head, baseBranch, title, body: body ?? '' });
      return reply.status(201).send(one(request, base, pull));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullOrDiffParams, response: { 200: Type.Union([PullRequest, Type.String()]), ...errors } } },
    async (request, reply) => {
      const [number, format] = request.params.index.split('.');
      const { base, pull } = requirePull(fastify, request, { ...request.params, index: Number(number) });
      if (!format) return one(request, base, pull);
      const { head, mergeBase } = await pullCommits(ctx, base, pull);
      const gitdir = gitdirOf(config.reposDir, base);
      const from = mergeBase ?? head;
      // Text for git tools: git's own output, as Gitea serves it.
      const { stdout } =
        format === 'diff'
          ? await git(['diff', '--no-color', '--binary', from, head], { cwd: gitdir })
          : await git(['format-patch', '--stdout', '--no-color', '--binary', `${from}..${head}`], { cwd: gitdir });
      return reply.type('text/plain; charset=utf-8').send(stdout);
    },
  );

  fastify.patch(
    '/repos/:owner/:repo/pulls/:index',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: EditPullOption, response: { 201: PullRequest, ...errors } } },
    async (request, reply) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const updated = editPullRequest(ctx, base, pull, request.actor, request.body);
      return reply.status(201).send(one(request, base, updated));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/commits',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(Commit), ...errors } } },
    async (request, reply) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const { reader, head, mergeBase } = await pullCommits(ctx, base, pull);
      const oids = mergeBase ? await reader.commitsBetween(mergeBase, head) : await reader.history(head);
      reply.header('x-total-count', String(oids.length));
      const urls = new RepoUrls(config.baseUrl, base);
      return Promise.all(oids.slice(0, 250).map(async (oid) => presentCommit(urls, await reader.commit(oid))));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/files',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, querystring: OffsetQuery, response: { 200: Type.Array(ChangedFile), ...errors } } },
    async (request, reply) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const { reader, head, mergeBase } = await pullCommits(ctx, base, pull);
      const diff = await diffCommits(reader, mergeBase, head, { offset: request.query.offset });
      const viewer = viewerId(request);
      const marks = viewer === null ? new Map<string, string>() : viewedFiles(db, pull.id, viewer);
      const urls = new RepoUrls(config.baseUrl, base);
      reply.header('x-total-count', String(diff.total_files));
      if (diff.next_offset !== null) reply.header('x-next-offset', String(diff.next_offset));
      return Promise.all(
        diff.files.map(async (file) => {
          const mark = marks.get(file.filename);
          const current = mark === undefined ? undefined : ((await reader.entryAt(head, file.filename))?.oid ?? '');
          return {
            ...file,
            previous_filename: file.old_filename ?? '',
            changes: file.additions + file.deletions,
            html_url: `${urls.html}/src/commit/${head}/${file.filename}`,
            raw_url: `${urls.html}/raw/commit/${head}/${file.filename}`,
            viewed: mark !== undefined && mark === current,
          };
        }),
      );
    },
  );

  // ---- merge --------------------------------------------------------------------------------

  fastify.get('/repos/:owner/:repo/pulls/:index/merge', { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    const { pull } = requirePull(fastify, request, request.params);
    if (!pull.merged) throw notFound('The merge');
    return reply.status(204).send(null);
  });

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/merge',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: MergePullOption, response: { 200: Type.Null(), ...errors } } },
    async (request, reply) => {
      const { base, pull } = requirePull(fastify, request, request.params, 'repo:write');
      const body = request.body;
      await mergePullRequest(ctx, base, pull, request.actor, {
        style: body.Do,
        title: body.MergeTitleField,
        message: body.MergeMessageField,
        deleteBranch: body.delete_branch_after_merge,
        headCommitId: body.head_commit_id,
      });
      return reply.status(200).send(null);
    },
  );

  // ---- reviews (Gitea) ----------------------------------------------------------------------

  function presentReviews(request: FastifyRequest, base: RepoRow, pull: PullRow, headSha: string, reviews: ReturnType<typeof listReviews>) {
    const users = new UserCache(fastify);
    return reviews.map((review) => {
      const reviewer = findUserById(db, review.reviewer_id);
      const access = reviewer ? fastify.policy.repoAccess({ kind: 'user', user: reviewer, via: 'session', scopes: null }, base) : 'none';
      return presentReview(config.baseUrl, base, pull.number, review, {
        user: users.must(review.reviewer_id),
        bodyHtml: markdown(base, pull.base_branch, review.body),
        headSha,
        official: access === 'write' || access === 'admin',
        commentsCount: listReviewComments(db, review.id).length,
      });
    });
  }

  async function presentComments(request: FastifyRequest, base: RepoRow, pull: PullRow, comments: ReviewCommentRow[]) {
    const users = new UserCache(fastify);
    const commits = await pullCommits(ctx, base, pull);
    return Promise.all(
      comments.map(async (c) =>
        presentReviewComment(config.baseUrl, base, pull.number, c, {
          user: users.must(c.poster_id),
          resolver: users.get(c.resolved_by_id),
          bodyHtml: markdown(base, pull.base_branch, c.body),
          outdated: await isOutdated(commits.reader, commits, c),
          suggestion: suggestionOf(c.body),
        }),
      ),
    );
  }

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/reviews',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(PullReview), ...errors } } },
    async (request) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const { head } = await pullCommits(ctx, base, pull);
      return presentReviews(request, base, pull, head, listReviews(db, pull.id, viewerId(request)));
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/reviews',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: CreateReviewOption, response: { 200: PullReview, ...errors } } },
    async (request) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const body = request.body;
      const review = await createReview(ctx, base, pull, request.actor, {
        event: body.event ?? 'PENDING',
        body: body.body ?? '',
        commitId: body.commit_id,
        comments: body.comments ?? [],
      });
      const { head } = await pullCommits(ctx, base, pull);
      return presentReviews(request, base, pull, head, [review])[0];
    },
  );

  /** A review the viewer may see (someone else's pending review is a 404). */
  function visibleReview(request: FastifyRequest, pull: PullRow, id: number) {
    const review = findReview(db, pull.id, id);
    if (!review || (review.state === 'PENDING' && review.reviewer_id !== viewerId(request))) throw notFound('The review');
    return review;
  }

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/reviews/:id',
    { config: { scope: 'read:repository' }, schema: { tags, params: ReviewParams, response: { 200: PullReview, ...errors } } },
    async (request) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const review = visibleReview(request, pull, request.params.id);
      const { head } = await pullCommits(ctx, base, pull);
      return presentReviews(request, base, pull, head, [review])[0];
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/reviews/:id',
    { config: { scope: 'write:repository' }, schema: { tags, params: ReviewParams, body: SubmitReviewOption, response: { 200: PullReview, ...errors } } },
    async (request) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const review = await submitReview(ctx, base, pull, request.actor, request.params.id, { event: request.body.event, body: request.body.body ?? '' });
      return presentReviews(request, base, pull, review.commit_id, [review])[0];
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/pulls/:index/reviews/:id',
    { config: { scope: 'write:repository' }, schema: { tags, params: ReviewParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      const { pull } = requirePull(fastify, request, request.params);
      const review = visibleReview(request, pull, request.params.id);
      if (review.reviewer_id !== user.id || review.state !== 'PENDING') throw notFound('A pending review of yours');
      deleteReview(db, review.id);
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/reviews/:id/comments',
    { config: { scope: 'read:repository' }, schema: { tags, params: ReviewParams, response: { 200: Type.Array(ReviewComment), ...errors } } },
    async (request) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const review = visibleReview(request, pull, request.params.id);
      return presentComments(request, base, pull, listReviewComments(db, review.id));
    },
  );

  // ---- Fabrique: threads, suggestions, viewed marks, changes since the last review -----------

  const CommentParams = ReviewParams;

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/comments',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(ReviewComment), ...errors } } },
    async (request) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      return presentComments(request, base, pull, listPullComments(db, pull.id, viewerId(request)));
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/comments',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: LineCommentOption, response: { 201: ReviewComment, ...errors } } },
    async (request, reply) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const comment = await createThread(ctx, base, pull, request.actor, request.body);
      return reply.status(201).send((await presentComments(request, base, pull, [comment]))[0]);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/comments/:id/replies',
    { config: { scope: 'write:repository' }, schema: { tags, params: CommentParams, body: ReplyOption, response: { 201: ReviewComment, ...errors } } },
    async (request, reply) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      const comment = replyToThread(ctx, pull, request.actor, request.params.id, request.body.body);
      return reply.status(201).send((await presentComments(request, base, pull, [comment]))[0]);
    },
  );

  for (const [method, resolved] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    fastify.route({
      method,
      url: '/repos/:owner/:repo/pulls/:index/comments/:id/resolution',
      config: { scope: 'write:repository' },
      schema: { tags, params: CommentParams, response: { 200: ReviewComment, ...errors } },
      handler: async (request) => {
        const { base, pull } = requirePull(fastify, request, request.params);
        const root = resolveThread(ctx, base, pull, request.actor, request.params.id, resolved);
        return (await presentComments(request, base, pull, [root]))[0];
      },
    });
  }

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/comments/:id/suggestion',
    { config: { scope: 'write:repository' }, schema: { tags, params: CommentParams, response: { 201: Type.Object({ sha: Type.String() }), ...errors } } },
    async (request, reply) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      return reply.status(201).send(await applySuggestion(ctx, base, pull, request.actor, request.params.id));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/viewed',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(Type.String()), ...errors } } },
    async (request) => {
      const user = fastify.policy.signedIn(request.actor);
      const { base, pull } = requirePull(fastify, request, request.params);
      const { reader, head } = await pullCommits(ctx, base, pull);
      const viewed: string[] = [];
      for (const [path, blob] of viewedFiles(db, pull.id, user.id)) {
        if (((await reader.entryAt(head, path))?.oid ?? '') === blob) viewed.push(path);
      }
      return viewed.sort();
    },
  );

  const ViewedParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }), '*': Type.String({ minLength: 1 }) });
  for (const [method, viewed] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    fastify.route({
      method,
      url: '/repos/:owner/:repo/pulls/:index/viewed/*',
      config: { scope: 'write:repository' },
      schema: { tags, params: ViewedParams, response: { 204: Type.Null(), ...errors } },
      handler: async (request, reply) => {
        const { base, pull } = requirePull(fastify, request, request.params);
        await markViewed(ctx, base, pull, request.actor, request.params['*'], viewed);
        return reply.status(204).send(null);
      },
    });
  }

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/changes-since-review',
    {
      config: { scope: 'read:repository' },
      schema: {
        tags,
        params: PullParams,
        querystring: OffsetQuery,
        response: { 200: ChangesSinceReview, ...errors },
      },
    },
    async (request) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      return changesSinceLastReview(ctx, base, pull, request.actor, { offset: request.query.offset });
    },
  );
};

export default pullRoutes;
