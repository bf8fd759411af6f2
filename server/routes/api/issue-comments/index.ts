import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { deleteComment, findComment, insertComment, listComments, updateCommentBody, type CommentRow } from '../../../db/comments.js';
import { findPullById, type PullRow } from '../../../db/pulls.js';
import type { RepoRow } from '../../../db/repos.js';
import { IssueComment, presentComment } from '../../../presenters/pull.js';
import { forbidden, notFound } from '../../../errors.js';
import { markdown, requirePull, UserCache } from '../pulls/context.js';
import { PullParams, errors } from '../pulls/schema.js';

const tags = ['pull request'];
const CommentBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 65535 }) });
const CommentParams = Type.Object({ owner: Type.String(), repo: Type.String(), id: Type.Integer({ minimum: 1 }) });

/** The conversation of a pull request, through Gitea's issue comment paths (pull requests are issues there). */
const issueCommentRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;

  const present = (base: RepoRow, pull: PullRow, comments: CommentRow[]) => {
    const users = new UserCache(fastify);
    return comments.map((c) => presentComment(config.baseUrl, base, pull.number, c, users.must(c.poster_id), markdown(base, pull.base_branch, c.body)));
  };

  /** A comment of a pull request of this repository, and whether the actor may change it (its author or a maintainer). */
  function commentOf(request: FastifyRequest, params: { owner: string; repo: string; id: number }) {
    const base = fastify.policy.requireRepo(request.actor, params.owner, params.repo, 'repo:read');
    const comment = findComment(db, params.id);
    const pull = comment ? findPullById(db, comment.pull_id) : undefined;
    if (!comment || !pull || pull.base_repo_id !== base.id) throw notFound('The comment');
    const user = fastify.policy.signedIn(request.actor);
    if (user.id !== comment.poster_id && !fastify.policy.can(request.actor, 'repo:write', { type: 'repo', repo: base })) {
      throw forbidden('Only its author or a maintainer may change a comment.');
    }
    return { base, pull, comment };
  }

  fastify.get(
    '/repos/:owner/:repo/issues/:index/comments',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(IssueComment), ...errors } } },
    async (request) => {
      const { base, pull } = requirePull(fastify, request, request.params);
      return present(base, pull, listComments(db, pull.id));
    },
  );

  fastify.post(
    '/repos/:owner/:repo/issues/:index/comments',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: CommentBody, response: { 201: IssueComment, ...errors } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      const { base, pull } = requirePull(fastify, request, request.params);
      const comment = insertComment(db, pull.id, user.id, request.body.body);
      return reply.status(201).send(present(base, pull, [comment])[0]);
    },
  );

  fastify.patch(
    '/repos/:owner/:repo/issues/comments/:id',
    { config: { scope: 'write:repository' }, schema: { tags, params: CommentParams, body: CommentBody, response: { 200: IssueComment, ...errors } } },
    async (request) => {
      const { base, pull, comment } = commentOf(request, request.params);
      return present(base, pull, [updateCommentBody(db, comment.id, request.body.body)])[0];
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/comments/:id',
    { config: { scope: 'write:repository' }, schema: { tags, params: CommentParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const { comment } = commentOf(request, request.params);
      deleteComment(db, comment.id);
      return reply.status(204).send(null);
    },
  );
};

export default issueCommentRoutes;
