import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PullRequest } from '../../../presenters/pull.js';
import { RemotePullService } from '../../../services/remote-pulls.js';
import { makeWorkingFork, proposeUpstream, syncFromUpstream, upstreamOf, UpstreamPulls } from '../../../services/upstream.js';
import { presentPulls } from '../../../views/pull-request.js';
import { publicRemotePulls } from '../../../views/remote-pulls.js';
import { notFound } from '../../../errors.js';
import { CreateRemotePullOption, RefreshOutcome, RemotePullSummary, Upstream, UpstreamProposal, UpstreamSync } from '../../../../contract/federation.js';
import { PullParams, errors } from '../pulls/schema.js';
import { pullContext } from '../pulls/context.js';
import { Message, RepoParams } from '../repos/schema.js';

const tags = ['pull request'];

/** At most one fetch of a pull request's source per this interval, whoever asks. */
const REFRESH_INTERVAL_MS = 3_000;

const PullAnswer = Type.Unsafe<PullRequest>(PullRequest);

/** A notification of a moved branch: Gitea's push payload (other fields are ignored) or Fabrique's own two fields. */
const Notification = Type.Object({
  source_url: Type.Optional(Type.String({ maxLength: 2048 })),
  branch: Type.Optional(Type.String({ maxLength: 255 })),
  ref: Type.Optional(Type.String({ maxLength: 300 })),
  repository: Type.Optional(Type.Object({ clone_url: Type.Optional(Type.String({ maxLength: 2048 })), html_url: Type.Optional(Type.String({ maxLength: 2048 })) })),
});

const ProposeBody = Type.Object({ branch: Type.String({ minLength: 1, maxLength: 255 }) });
const RemotePullsQuery = Type.Object({ source_url: Type.String({ minLength: 1, maxLength: 2048 }), branch: Type.Optional(Type.String({ maxLength: 255 })) });

/**
 * Contributing across forges (docs/federation.md). On the forge that receives contributions: pull
 * requests from a branch on another forge, their refresh, the notification another forge sends when
 * the branch moves, and the public list of open ones by source. On the contributing forge: an
 * imported repository's upstream, becoming a working fork, syncing from it and proposing a branch.
 */
const remotePullRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = pullContext(fastify);
  const { db, config } = fastify.forge;
  const remotePulls = new RemotePullService(ctx, {
    allowPrivate: config.importAllowPrivate,
    maxBytes: config.maxPushBytes,
    minIntervalMs: REFRESH_INTERVAL_MS,
    onError: (err, pullId) => fastify.log.warn({ err, pullId }, 'refreshing a pull request from another forge failed'),
  });
  const upstreamPulls = new UpstreamPulls({ db, config, onError: (err) => fastify.log.info({ err }, 'the upstream forge did not say which pull requests are open') });
  fastify.addHook('onClose', async () => remotePulls.close());
  const by = (request: FastifyRequest) => ({ actor: request.actor, ip: request.ip });

  fastify.post(
    '/repos/:owner/:repo/pulls/remote',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, body: CreateRemotePullOption, response: { 201: PullAnswer, ...errors } } },
    async (request, reply) => {
      // Anyone signed in who may read the repository may propose, as from a fork.
      const poster = fastify.policy.signedIn(request.actor);
      const body = request.body;
      const pull = await remotePulls.create({
        base: request.repository,
        poster,
        actor: request.actor,
        sourceUrl: body.source_url,
        branch: body.branch,
        baseBranch: body.base,
        title: body.title,
        body: body.body ?? '',
        allowForcePush: body.allow_force_push ?? false,
      });
      return reply.status(201).send((await presentPulls(fastify.reads, request.actor, request.repository, [pull]))[0]);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/refresh',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: RefreshOutcome, ...errors } } },
    // A pull request of this forge has no source to refresh from: a 404, as the service says.
    async (request) => remotePulls.refresh(request.pullRequest.id),
  );

  fastify.post(
    '/remote-pulls/notify',
    { config: { scope: 'none' }, schema: { tags, body: Notification, response: { 202: Message, ...errors } } },
    async (request, reply) => {
      // Nothing in the call is trusted: the pull requests refetch from the URL they recorded, rate-limited.
      await remotePulls.notify(request.body);
      return reply.status(202).send({ message: 'Pull requests from this branch, if any, will be refreshed from their source.' });
    },
  );

  fastify.get(
    '/remote-pulls',
    { config: { scope: 'none' }, schema: { tags, querystring: RemotePullsQuery, response: { 200: Type.Array(RemotePullSummary), ...errors } } },
    async (request) => await publicRemotePulls(fastify.reads, request.query.source_url, request.query.branch),
  );

  fastify.get(
    '/repos/:owner/:repo/upstream',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: RepoParams, response: { 200: Upstream, ...errors } } },
    async (request) => {
      const upstream = await upstreamOf(db, request.repository);
      if (!upstream) throw notFound('The upstream of this repository');
      return upstream;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/upstream/pulls',
    { config: { scope: 'read:repository' }, schema: { tags: ['repository'], params: RepoParams, response: { 200: Type.Array(RemotePullSummary), ...errors } } },
    async (request) => await upstreamPulls.get(request.repository),
  );

  fastify.post(
    '/repos/:owner/:repo/upstream/working-fork',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags: ['repository'], params: RepoParams, response: { 200: Upstream, ...errors } } },
    async (request) => {
      const repo = await makeWorkingFork({ db, jobs: fastify.jobs }, request.repository, by(request));
      return await upstreamOf(db, repo) as Upstream;
    },
  );

  fastify.post(
    '/repos/:owner/:repo/upstream/sync',
    { config: { scope: 'write:repository', repoAction: 'repo:write' }, schema: { tags: ['repository'], params: RepoParams, response: { 200: UpstreamSync, ...errors } } },
    async (request) => {
      const user = fastify.policy.signedIn(request.actor);
      return syncFromUpstream({ db, config, events: fastify.events }, request.repository, request.actor, { id: user.id, username: user.username });
    },
  );

  fastify.post(
    '/repos/:owner/:repo/upstream/propose',
    {
      config: { scope: 'write:repository', repoAction: 'repo:write' },
      schema: { tags: ['repository'], params: RepoParams, body: ProposeBody, response: { 200: UpstreamProposal, ...errors } },
    },
    async (request) => proposeUpstream({ db, config, wake: () => fastify.webhooks.wake() }, request.repository, request.body.branch, by(request)),
  );
};

export default remotePullRoutes;
