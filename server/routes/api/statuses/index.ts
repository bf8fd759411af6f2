import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { postCommitStatus } from '../../../services/statuses.js';
import { autoMergeAfterConversation, autoMergeAfterPush, autoMergeAfterStatus } from '../../../services/auto-merge.js';
import { combinedStatus, commitStates, commitStatusPage } from '../../../views/statuses.js';
import { errors, RepoParams } from '../repos/schema.js';
import { pullContext } from '../pulls/context.js';
import { CombinedStatus, CommitStates, CommitStatesQuery, CommitStatus, CreateStatusOption, RefParams, ShaParams, StatusQuery } from './schema.js';

const tags = ['repository'];

/**
 * Commit statuses, Gitea's paths: CI posts a state per context on a commit; lists and the combined
 * state read them back. The statuses and pushes also drive "merge when checks succeed": the
 * listeners registered here merge a pull request whose head turned green (or that was just
 * approved), and drop the request when its head moves.
 */
const statusRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const reads = fastify.reads;
  const pulls = pullContext(fastify);
  const autoMerge = { ...pulls, jobs: fastify.jobs };
  const offStatus = fastify.events.subscribe('status', async (event) => await autoMergeAfterStatus(autoMerge, event));
  const offPush = fastify.events.subscribe('pushed', async (event) => await autoMergeAfterPush(autoMerge, event));
  // Reviews are published as conversation comments: an approval may be what a waiting merge lacked.
  const offReview = fastify.events.subscribe('conversation', async (event) => await autoMergeAfterConversation(autoMerge, event));
  fastify.addHook('onClose', async () => {
    offStatus();
    offPush();
    offReview();
  });

  fastify.post(
    '/repos/:owner/:repo/statuses/:sha',
    {
      config: { scope: 'write:repository', repoAction: 'repo:write' },
      schema: { tags, params: ShaParams, body: CreateStatusOption, response: { 201: CommitStatus, ...errors } },
    },
    async (request, reply) => {
      const ctx = { db, reposDir: config.reposDir, policy: fastify.policy, events: fastify.events, baseUrl: config.baseUrl };
      const status = await postCommitStatus(ctx, request.repository, request.actor, request.params.sha, request.body);
      return reply.status(201).send(status);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/statuses/:sha',
    { config: { scope: 'read:repository' }, schema: { tags, params: ShaParams, querystring: StatusQuery, response: { 200: Type.Array(CommitStatus), ...errors } } },
    async (request, reply) => {
      const { items, total } = await commitStatusPage(reads, request.repository, { sha: request.params.sha }, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/commits/:ref/statuses',
    { config: { scope: 'read:repository' }, schema: { tags, params: RefParams, querystring: StatusQuery, response: { 200: Type.Array(CommitStatus), ...errors } } },
    async (request, reply) => {
      const { items, total } = await commitStatusPage(reads, request.repository, { ref: request.params.ref }, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/commits/:ref/status',
    { config: { scope: 'read:repository' }, schema: { tags, params: RefParams, response: { 200: CombinedStatus, ...errors } } },
    async (request) => combinedStatus(reads, request.actor, request.repository, request.params.ref),
  );

  fastify.get(
    '/repos/:owner/:repo/commit_states',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: CommitStatesQuery, response: { 200: CommitStates, ...errors } } },
    async (request) => await commitStates(reads, request.repository, request.query.shas.split(',')),
  );
};

export default statusRoutes;
