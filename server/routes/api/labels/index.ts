import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CreateLabelOption, EditLabelOption, IssueLabelsOption, Label } from '../../../../contract/issues.js';
import { applyIssueLabels, createLabel, deleteLabel, editLabel, removeLabelFromIssue, requireOrgLabelAdmin } from '../../../services/labels.js';
import { mayTriage, requireTracker } from '../../../services/issues.js';
import { conversationLabels, findConversation, oneLabel, organisationLabels, repositoryLabels } from '../../../views/issues.js';
import { findOrganisation } from '../../../views/organisation.js';
import type { UserRow } from '../../../views/repository.js';
import { forbidden, notFound } from '../../../errors.js';
import { RepoParams } from '../repos/schema.js';
import { IdParams, IssueParams, PagingQuery, errors } from '../issues/schema.js';

const tags = ['issue'];
const OrgParams = Type.Object({ org: Type.String() });
const OrgLabelParams = Type.Object({ org: Type.String(), id: Type.Integer({ minimum: 1 }) });
const IssueLabelParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }), id: Type.Integer({ minimum: 1 }) });

/** Gitea's labels: a repository's, an organisation's, and those of an issue or pull request. */
const labelRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db } = fastify.forge;
  const reads = fastify.reads;
  const paging = (query: { page?: number; limit?: number }) => ({ limit: query.limit ?? 30, offset: ((query.page ?? 1) - 1) * (query.limit ?? 30) });

  /** A 403 unless the actor may triage the repository's issues (write access, not archived). */
  const requireWriter = async (request: FastifyRequest, what: string) => {
    const user = fastify.policy.signedIn(request.actor);
    if (!await mayTriage(fastify.policy, request.actor, request.repository)) {
      throw forbidden(`You need write access to ${request.repository.owner_name}/${request.repository.name} to ${what}.`);
    }
    return user;
  };

  /** An organisation the actor may see, or a 404. */
  const orgNamed = async (request: FastifyRequest, name: string): Promise<UserRow> => {
    const org = await findOrganisation(reads, name);
    if (!org || !await fastify.policy.can(request.actor, 'org:read', { type: 'org', org })) throw notFound('The organisation');
    return org;
  };

  fastify.get(
    '/repos/:owner/:repo/labels',
    { config: { scope: 'read:issue' }, schema: { tags, params: RepoParams, querystring: PagingQuery, response: { 200: Type.Array(Label), ...errors } } },
    async (request, reply) => {
      const { items, total } = await repositoryLabels(reads, request.repository, paging(request.query));
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.post(
    '/repos/:owner/:repo/labels',
    { config: { scope: 'write:issue' }, schema: { tags, params: RepoParams, body: CreateLabelOption, response: { 201: Label, ...errors } } },
    async (request, reply) => {
      await requireWriter(request, 'change its labels');
      const label = await createLabel(db, { repoId: request.repository.id }, request.body);
      return reply.status(201).send(await oneLabel(reads, { repo: request.repository }, label.id));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/labels/:id',
    { config: { scope: 'read:issue' }, schema: { tags, params: IdParams, response: { 200: Label, ...errors } } },
    async (request) => await oneLabel(reads, { repo: request.repository }, request.params.id),
  );

  fastify.patch(
    '/repos/:owner/:repo/labels/:id',
    { config: { scope: 'write:issue' }, schema: { tags, params: IdParams, body: EditLabelOption, response: { 200: Label, ...errors } } },
    async (request) => {
      await requireWriter(request, 'change its labels');
      await editLabel(db, { repoId: request.repository.id }, request.params.id, request.body);
      return await oneLabel(reads, { repo: request.repository }, request.params.id);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/labels/:id',
    { config: { scope: 'write:issue' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await requireWriter(request, 'change its labels');
      await deleteLabel(db, { repoId: request.repository.id }, request.params.id);
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/orgs/:org/labels',
    { config: { scope: 'read:organization' }, schema: { tags, params: OrgParams, querystring: PagingQuery, response: { 200: Type.Array(Label), ...errors } } },
    async (request, reply) => {
      const { items, total } = await organisationLabels(reads, await orgNamed(request, request.params.org), paging(request.query));
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.post(
    '/orgs/:org/labels',
    { config: { scope: 'write:organization' }, schema: { tags, params: OrgParams, body: CreateLabelOption, response: { 201: Label, ...errors } } },
    async (request, reply) => {
      const org = await orgNamed(request, request.params.org);
      await requireOrgLabelAdmin(fastify.policy, request.actor, org);
      const label = await createLabel(db, { orgId: org.id }, request.body);
      return reply.status(201).send(await oneLabel(reads, { org }, label.id));
    },
  );

  fastify.get(
    '/orgs/:org/labels/:id',
    { config: { scope: 'read:organization' }, schema: { tags, params: OrgLabelParams, response: { 200: Label, ...errors } } },
    async (request) => await oneLabel(reads, { org: await orgNamed(request, request.params.org) }, request.params.id),
  );

  fastify.patch(
    '/orgs/:org/labels/:id',
    { config: { scope: 'write:organization' }, schema: { tags, params: OrgLabelParams, body: EditLabelOption, response: { 200: Label, ...errors } } },
    async (request) => {
      const org = await orgNamed(request, request.params.org);
      await requireOrgLabelAdmin(fastify.policy, request.actor, org);
      await editLabel(db, { orgId: org.id }, request.params.id, request.body);
      return await oneLabel(reads, { org }, request.params.id);
    },
  );

  fastify.delete(
    '/orgs/:org/labels/:id',
    { config: { scope: 'write:organization' }, schema: { tags, params: OrgLabelParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const org = await orgNamed(request, request.params.org);
      await requireOrgLabelAdmin(fastify.policy, request.actor, org);
      await deleteLabel(db, { orgId: org.id }, request.params.id);
      return reply.status(204).send(null);
    },
  );

  /** The issue or pull request of an `/issues/{index}/labels` path, as the label use cases name it. */
  const subject = async (request: FastifyRequest, index: number) => {
    const found = await findConversation(reads, request.repository, index);
    if (found.kind === 'issue') requireTracker(request.repository);
    return found.kind === 'issue' ? { kind: 'issue' as const, ...found.issue } : { kind: 'pull' as const, id: found.pull.id, repo_id: request.repository.id, number: index };
  };

  fastify.get(
    '/repos/:owner/:repo/issues/:index/labels',
    { config: { scope: 'read:issue' }, schema: { tags, params: IssueParams, response: { 200: Type.Array(Label), ...errors } } },
    async (request) => {
      await subject(request, request.params.index);
      return await conversationLabels(reads, request.repository, request.params.index);
    },
  );

  for (const [method, mode] of [['POST', 'add'], ['PUT', 'replace']] as const) {
    fastify.route({
      method,
      url: '/repos/:owner/:repo/issues/:index/labels',
      config: { scope: 'write:issue' },
      schema: { tags, params: IssueParams, body: IssueLabelsOption, response: { 200: Type.Array(Label), ...errors } },
      handler: async (request) => {
        const { index } = request.params as typeof IssueParams.static;
        const target = await subject(request, index);
        const user = await requireWriter(request, 'label issues');
        await applyIssueLabels(db, request.repository, target, user.id, (request.body as typeof IssueLabelsOption.static).labels, mode);
        return await conversationLabels(reads, request.repository, index);
      },
    });
  }

  fastify.delete(
    '/repos/:owner/:repo/issues/:index/labels',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const target = await subject(request, request.params.index);
      const user = await requireWriter(request, 'label issues');
      await applyIssueLabels(db, request.repository, target, user.id, [], 'replace');
      return reply.status(204).send(null);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/:index/labels/:id',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueLabelParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const target = await subject(request, request.params.index);
      const user = await requireWriter(request, 'label issues');
      await removeLabelFromIssue(db, request.repository, target, user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

export default labelRoutes;
