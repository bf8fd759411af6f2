import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { repositoryTopics } from '../../../views/repository.js';
import { addRepoTopic, removeRepoTopic, setTopics } from '../../../services/catalogue.js';

const tags = ['repository'];
const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
const errors = { 401: Message, 403: Message, 404: Message, 422: Message };
const RepoParams = Type.Object({ owner: Type.String(), repo: Type.String() });
const TopicParams = Type.Object({ owner: Type.String(), repo: Type.String(), topic: Type.String() });
/** Gitea's TopicName (the body of PUT /topics and the answer of GET /topics). */
const TopicName = Type.Object({ topics: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 }) });

/** A repository's topics, as Gitea's `/repos/{owner}/{repo}/topics`: read by readers, changed by administrators. */
const topicRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db } = fastify.forge;
  const ctx = fastify.reads;

  fastify.get('/repos/:owner/:repo/topics', { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: TopicName, ...errors } } }, async (request) => {
    return { topics: await repositoryTopics(ctx, request.repository) };
  });

  fastify.put(
    '/repos/:owner/:repo/topics',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: RepoParams, body: TopicName, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await setTopics(db, request.repository, request.body.topics);
      return reply.status(204).send(null);
    },
  );

  fastify.put(
    '/repos/:owner/:repo/topics/:topic',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: TopicParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await addRepoTopic(db, request.repository, request.params.topic, await repositoryTopics(ctx, request.repository));
      return reply.status(204).send(null);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/topics/:topic',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: TopicParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await removeRepoTopic(db, request.repository, request.params.topic);
      return reply.status(204).send(null);
    },
  );
};

export default topicRoutes;
