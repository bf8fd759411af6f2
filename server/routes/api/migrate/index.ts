import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Repository } from '../../../presenters/repository.js';
import { importRepository } from '../../../services/import.js';
import { migrationOwner } from '../../../views/owners.js';
import { presentRepos } from '../../../views/repository.js';
import { errors } from '../repos/schema.js';
import { MigrateRepoOptions } from './schema.js';

const tags = ['repository'];

/**
 * `POST /repos/migrate`, as in Gitea: imports (or mirrors) a repository from another forge over
 * http(s). The request waits for the whole fetch; a client that leaves, or a server that stops,
 * interrupts it and nothing is kept.
 */
const migrateRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const running = new Set<AbortController>();
  fastify.addHook('onClose', async () => {
    for (const controller of running) controller.abort();
  });

  fastify.post(
    '/repos/migrate',
    { config: { scope: 'write:repository' }, schema: { tags, body: MigrateRepoOptions, response: { 201: Repository, ...errors, 400: errors[422] } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      const body = request.body;
      const owner = await migrationOwner(fastify.reads, request.actor, user, body);

      const controller = new AbortController();
      running.add(controller);
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      try {
        const repo = await importRepository(
          db,
          config,
          {
            owner,
            name: body.repo_name,
            cloneAddr: body.clone_addr,
            credentials: { username: body.auth_username ?? '', secret: body.auth_token || body.auth_password || '' },
            mirror: body.mirror ?? false,
            mirrorInterval: body.mirror_interval ?? '',
            isPrivate: body.private ?? false,
            description: body.description ?? '',
          },
          { actor: request.actor, ip: request.ip },
          controller.signal,
        );
        // As Gitea does for a migration: the owner's hooks hear of a new repository, and long histories are blamed ahead.
        await fastify.events.publish('repository', { repo, action: 'created', actorId: user.id });
        return reply.status(201).send((await presentRepos(fastify.reads, request.actor, [repo]))[0]);
      } finally {
        running.delete(controller);
      }
    },
  );
};

export default migrateRoutes;
