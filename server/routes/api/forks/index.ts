import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { findUserByName } from '../../../db/users.js';
import { listForks } from '../../../db/repos.js';
import { Repository } from '../../../presenters/repository.js';
import { MergeUpstreamResponse } from '../../../../contract/repositories.js';
import { forkRepository, parentOf, syncFork } from '../../../services/forks.js';
import { recordAudit } from '../../../services/audit.js';
import { forbidden, invalid, notFound } from '../../../errors.js';
import { presentRepos, redirectRenamedRepo } from '../repos/present.js';
import { Paging, RepoParams } from '../repos/schema.js';
import { errors } from '../pulls/schema.js';
import { pullContext } from '../pulls/context.js';

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
  const ctx = pullContext(fastify);
  fastify.addHook('preHandler', redirectRenamedRepo(fastify));

  fastify.get(
    '/repos/:owner/:repo/forks',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: Paging, response: { 200: Type.Array(Repository), ...errors } } },
    async (request, reply) => {
      const repo = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
      const readable = listForks(db, repo.id).filter((f) => fastify.policy.can(request.actor, 'repo:read', { type: 'repo', repo: f }));
      const limit = request.query.limit ?? 30;
      const start = ((request.query.page ?? 1) - 1) * limit;
      reply.header('x-total-count', String(readable.length));
      return presentRepos(fastify, request, readable.slice(start, start + limit));
    },
  );

  fastify.post(
    '/repos/:owner/:repo/forks',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, body: Type.Optional(CreateForkOption), response: { 202: Repository, ...errors } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      const parent = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
      let owner = user;
      if (request.body?.organization) {
        const org = findUserByName(db, request.body.organization);
        if (!org || org.type !== 'org' || !fastify.policy.can(request.actor, 'org:read', { type: 'org', org })) {
          throw invalid(`The organisation "${request.body.organization}" does not exist.`, { field: 'organization' });
        }
        if (!fastify.policy.can(request.actor, 'org:create-repo', { type: 'org', org })) {
          throw forbidden(`You may not create repositories in ${org.username}.`);
        }
        owner = org;
      } else if (!fastify.policy.can(request.actor, 'user:create-repo', { type: 'user', user })) {
        throw forbidden('Your token may not create repositories.');
      }
      const fork = await forkRepository(db, config.reposDir, { parent, owner, name: request.body?.name || undefined });
      recordAudit(db, {
        actor: request.actor,
        ip: request.ip,
        action: 'repo.fork',
        target: `repo:${fork.owner_name}/${fork.name}`,
        data: { parent: `${parent.owner_name}/${parent.name}` },
      });
      return reply.status(202).send(presentRepos(fastify, request, [fork])[0]);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/merge-upstream',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, body: MergeUpstreamOption, response: { 200: MergeUpstreamResponse, ...errors } } },
    async (request) => {
      const user = fastify.policy.signedIn(request.actor);
      const fork = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:write');
      const parent = parentOf(db, fork);
      if (!fastify.policy.can(request.actor, 'repo:read', { type: 'repo', repo: parent })) throw notFound('The parent repository');
      const result = await syncFork(db, config.reposDir, {
        fork,
        parent,
        branch: request.body.branch,
        pusher: { id: user.id, username: user.username },
        events: ctx.events,
      });
      return { merge_type: result.moved ? ('fast-forward' as const) : ('up-to-date' as const), sha: result.sha };
    },
  );
};

export default forkRoutes;
