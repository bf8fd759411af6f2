import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IssueComment } from '../../../presenters/pull.js';
import { ContentHistory, EditReactionOption, Reaction, type ReactionContent } from '../../../../contract/issues.js';
import { editComment, postComment, removeComment } from '../../../services/comments.js';
import { commentOnIssue, react, requireTracker, unreact, type Conversation } from '../../../services/issues.js';
import { commentOf, contentHistoryOf, conversationComments, findConversation, presentConversationComments, reactionsOf, type ConversationOf } from '../../../views/issues.js';
import type { RepoRow } from '../../../views/repository.js';
import { notFound } from '../../../errors.js';
import { IssueParams, errors, issueContext } from '../issues/schema.js';

const tags = ['issue'];
const CommentBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 65535 }) });
const CommentParams = Type.Object({ owner: Type.String(), repo: Type.String(), id: Type.Integer({ minimum: 1 }) });

/** The conversation of an issue or a pull request, through Gitea's issue comment paths (one numbering for both). */
const issueCommentRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const reads = fastify.reads;
  const writes = { db: fastify.forge.db, policy: fastify.policy, events: fastify.events };
  const issues = issueContext(fastify);

  /** The issue or pull request an `/issues/{index}` path names; an issue of a repository whose tracker is off is a 404. */
  const conversationOf = async (repo: RepoRow, index: number): Promise<ConversationOf> => {
    const found = await findConversation(reads, repo, index);
    if (found.kind === 'issue') requireTracker(repo);
    return found;
  };

  /** A comment of this repository and the issue or pull request it belongs to, as the shared use cases name it. */
  const commentWithSubject = async (repo: RepoRow, id: number): Promise<{ conversation: Conversation; number: number }> => {
    const { number } = await commentOf(reads, repo, id);
    const of = await conversationOf(repo, number);
    const conversation: Conversation = of.kind === 'issue' ? { kind: 'issue', repo, number, issue: of.issue } : { kind: 'pull', repo, number, pullId: of.pull.id };
    return { conversation, number };
  };

  fastify.get(
    '/repos/:owner/:repo/issues/:index/comments',
    { config: { scope: 'read:issue' }, schema: { tags, params: IssueParams, response: { 200: Type.Array(IssueComment), ...errors } } },
    async (request) => await conversationComments(reads, request.repository, await conversationOf(request.repository, request.params.index)),
  );

  fastify.post(
    '/repos/:owner/:repo/issues/:index/comments',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, body: CommentBody, response: { 201: IssueComment, ...errors } } },
    async (request, reply) => {
      // Someone not signed in is told so before being told an issue does not exist.
      fastify.policy.signedIn(request.actor);
      const repo = request.repository;
      const of = await conversationOf(repo, request.params.index);
      const comment = of.kind === 'issue' ? await commentOnIssue(issues, request.actor, repo, of.issue, request.body.body) : await postComment(writes, request.actor, of.pull, request.body.body);
      return reply.status(201).send((await presentConversationComments(reads, repo, of, [comment]))[0]);
    },
  );

  fastify.patch(
    '/repos/:owner/:repo/issues/comments/:id',
    { config: { scope: 'write:issue' }, schema: { tags, params: CommentParams, body: CommentBody, response: { 200: IssueComment, ...errors } } },
    async (request) => {
      const repo = request.repository;
      const { number, comment } = await editComment(writes, request.actor, repo, request.params.id, request.body.body);
      return (await presentConversationComments(reads, repo, await conversationOf(repo, number), [comment]))[0];
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/comments/:id',
    { config: { scope: 'write:issue' }, schema: { tags, params: CommentParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await removeComment(writes, request.actor, request.repository, request.params.id);
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/issues/comments/:id/reactions',
    { config: { scope: 'read:issue' }, schema: { tags, params: CommentParams, response: { 200: Type.Array(Reaction), ...errors } } },
    async (request) => {
      const { number } = await commentWithSubject(request.repository, request.params.id);
      return await reactionsOf(reads, request.repository, number, request.params.id);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/issues/comments/:id/reactions',
    { config: { scope: 'write:issue' }, schema: { tags, params: CommentParams, body: EditReactionOption, response: { 200: Reaction, 201: Reaction, ...errors } } },
    async (request, reply) => {
      const content = request.body.content as ReactionContent;
      const { conversation, number } = await commentWithSubject(request.repository, request.params.id);
      const { row, user } = await react(issues, request.actor, conversation, request.params.id, content);
      const mine = (await reactionsOf(reads, request.repository, number, request.params.id)).find((r) => r.content === content && r.user.id === user.id);
      if (!mine) throw notFound('The reaction');
      return reply.status(row ? 201 : 200).send(mine);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/comments/:id/reactions',
    { config: { scope: 'write:issue' }, schema: { tags, params: CommentParams, body: EditReactionOption, response: { 200: Type.Null(), ...errors } } },
    async (request) => {
      const { conversation } = await commentWithSubject(request.repository, request.params.id);
      await unreact(issues, request.actor, conversation, request.params.id, request.body.content as ReactionContent);
      return null;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/issues/comments/:id/content_history',
    { config: { scope: 'read:issue' }, schema: { tags, params: CommentParams, response: { 200: Type.Array(ContentHistory), ...errors } } },
    async (request) => {
      const { number } = await commentWithSubject(request.repository, request.params.id);
      return await contentHistoryOf(reads, request.repository, number, request.params.id);
    },
  );
};

export default issueCommentRoutes;
