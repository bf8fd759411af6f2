import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IssueComment } from '../../../presenters/pull.js';
import { editComment, postComment, removeComment } from '../../../services/comments.js';
import { presentComments, pullConversation } from '../../../views/comments.js';
import { findPullRequest } from '../../../views/pull-request.js';
import type { RepoRow } from '../../../views/repository.js';
import { notFound } from '../../../errors.js';
import { PullParams, errors } from '../pulls/schema.js';

const tags = ['pull request'];
const CommentBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 65535 }) });
const CommentParams = Type.Object({ owner: Type.String(), repo: Type.String(), id: Type.Integer({ minimum: 1 }) });

/** The conversation of a pull request, through Gitea's issue comment paths (pull requests are issues there). */
const issueCommentRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const reads = fastify.reads;
  const writes = { db: fastify.forge.db, policy: fastify.policy, events: fastify.events };

  /** The pull request an `/issues/{index}` path names (only pull requests are issues here). */
  const pullOf = (base: RepoRow, index: number) => {
    const pull = findPullRequest(reads, base, index);
    if (!pull) throw notFound(`The pull request #${index}`);
    return pull;
  };

  fastify.get(
    '/repos/:owner/:repo/issues/:index/comments',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(IssueComment), ...errors } } },
    async (request) => pullConversation(reads, request.repository, pullOf(request.repository, request.params.index)),
  );

  fastify.post(
    '/repos/:owner/:repo/issues/:index/comments',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: CommentBody, response: { 201: IssueComment, ...errors } } },
    async (request, reply) => {
      // Someone not signed in is told so before being told a pull request does not exist.
      fastify.policy.signedIn(request.actor);
      const pull = pullOf(request.repository, request.params.index);
      const comment = await postComment(writes, request.actor, pull, request.body.body);
      return reply.status(201).send(presentComments(reads, request.repository, pull, [comment])[0]);
    },
  );

  fastify.patch(
    '/repos/:owner/:repo/issues/comments/:id',
    { config: { scope: 'write:repository' }, schema: { tags, params: CommentParams, body: CommentBody, response: { 200: IssueComment, ...errors } } },
    async (request) => {
      const { pull, comment } = editComment(writes, request.actor, request.repository, request.params.id, request.body.body);
      return presentComments(reads, request.repository, pull, [comment])[0];
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/comments/:id',
    { config: { scope: 'write:repository' }, schema: { tags, params: CommentParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      removeComment(writes, request.actor, request.repository, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

export default issueCommentRoutes;
