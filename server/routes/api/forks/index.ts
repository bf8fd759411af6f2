import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Repository } from '../../../presenters/repository.js';
import { MergeUpstreamResponse } from '../../../../contract/repositories.js';
import { forkRepository, parentOf, syncFork } from '../../../services/forks.js';
import { recordAudit } from '../../../services/audit.js';
import { forkPage } from '../../../views/forks.js';
import { forkOwner } from '../../../views/owners.js';
import { presentRepos } from '../../../views/repository.js';
import { notFound } from '../../../errors.js';
import { Paging, RepoParams } from '../repos/schema.js';
import { errors } from '../pulls/schema.js';

const tags = ['repository'];

/** Gitea's CreateForkOption. */
const CreateForkOption = Type.Object({
  organization: Type.Optional(Type.String({ maxLength: 100 })),
  name: Type.Optional(Type.String({ maxLength: 100 })),
});

/** Gitea's MergeUpstreamRequest. */
const MergeUpstreamOption = Type.Object({ branch: Type.String({ minLength: 1, maxLength: 255 }) });

/** Forks (`/repos/{owner}/{repo}/forks`) and fork sync (`/merge-upstream`), as in Gitea. */
const forkRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const reads = fastify.reads;

  fastify.get(
    '/repos/:owner/:repo/forks',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: Paging, response: { 200: Type.Array(Repository), ...errors } } },
    async (request, reply) => {
      const { items, total } = await forkPage(reads, request.actor, request.repository, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.post(
    '/repos/:owner/:repo/forks',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, body: Type.Optional(CreateForkOption), response: { 202: Repository, ...errors } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      const parent = request.repository;
      const owner = await forkOwner(reads, request.actor, user, request.body?.organization || undefined);
      const fork = await forkRepository(db, config.reposDir, { parent, owner, name: request.body?.name || undefined, events: fastify.events, actorId: user.id });
      await recordAudit(db, {
        actor: request.actor,
        ip: request.ip,
        action: 'repo.fork',
        target: `repo:${fork.owner_name}/${fork.name}`,
        data: { parent: `${parent.owner_name}/${parent.name}` },
      });
      return reply.status(202).send((await presentRepos(reads, request.actor, [fork]))[0]);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/merge-upstream',
    { config: { scope: 'write:repository', repoAction: 'repo:write' }, schema: { tags, params: RepoParams, body: MergeUpstreamOption, response: { 200: MergeUpstreamResponse, ...errors } } },
    async (request) => {
      const user = fastify.policy.signedIn(request.actor);
      const fork = request.repository;
      const parent = await parentOf(db, fork);
      if (!await fastify.policy.can(request.actor, 'repo:read', { type: 'repo', repo: parent })) throw notFound('The parent repository');
      const result = await syncFork(db, config.reposDir, {
        fork,
        parent,
        branch: request.body.branch,
        pusher: { id: user.id, username: user.username },
        events: fastify.events,
      });
      return { merge_type: result.moved ? ('fast-forward' as const) : ('up-to-date' as const), sha: result.sha };
    },
  );
};

export default forkRoutes;
