import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  ContentHistory,
  CreateIssueOption,
  CreateMilestoneOption,
  EditIssueOption,
  EditMilestoneOption,
  EditReactionOption,
  Issue,
  IssueList,
  IssueTemplate,
  Milestone,
  Reaction,
  type ReactionContent,
} from '../../../../contract/issues.js';
import { createIssue, deleteIssue, editIssue, mayTriage, react, requireTracker, setLocked, setPinned, unreact, type Conversation } from '../../../services/issues.js';
import { createMilestone, deleteMilestone, editMilestone } from '../../../services/milestones.js';
import {
  accountNamed,
  contentHistoryOf,
  findConversation,
  findIssueOnly,
  issuePage,
  issueSearchPage,
  issueTemplates,
  milestonePage,
  oneMilestone,
  presentConversation,
  reactionsOf,
  type IssueListFilter,
  type ConversationOf,
} from '../../../views/issues.js';
import type { RepoRow } from '../../../views/repository.js';
import { forbidden, notFound } from '../../../errors.js';
import { RepoParams } from '../repos/schema.js';
import assigneeRoutes from './assignees.js';
import { IdParams, IssueParams, ListIssuesQuery, LockOption, MilestoneListQuery, PagingQuery, errors, issueContext } from './schema.js';

const tags = ['issue'];
const Empty = Type.Null();

/** Gitea's issue paths: list, search, open, show, edit, delete, lock, pin, reactions, history, templates, milestones. */
const issueRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  await fastify.register(assigneeRoutes);
  const ctx = issueContext(fastify);
  const reads = fastify.reads;

  /** The list filter of a query; an unknown account in created_by/assigned_by/mentioned_by matches nothing (-1). */
  const filterOf = async (query: ListIssuesQuery): Promise<IssueListFilter> => {
    const accountId = async (name: string | undefined) => (name === undefined ? undefined : ((await accountNamed(reads, name))?.id ?? -1));
    const list = (value: string | undefined) => value?.split(',').map((v) => v.trim()).filter(Boolean);
    const limit = query.limit ?? 30;
    return {
      state: query.state ?? 'open',
      kind: query.type === 'issues' ? 'issue' : query.type === 'pulls' ? 'pull' : undefined,
      labels: list(query.labels),
      milestones: list(query.milestones),
      q: query.q?.trim() ? query.q : undefined,
      posterId: await accountId(query.created_by),
      assigneeId: await accountId(query.assigned_by),
      mentionedId: await accountId(query.mentioned_by),
      since: query.since,
      before: query.before,
      sort: query.sort ?? 'newest',
      limit,
      offset: ((query.page ?? 1) - 1) * limit,
    };
  };
  type ListQuery = typeof ListIssuesQuery.static;

  fastify.get(
    '/repos/:owner/:repo/issues',
    { config: { scope: 'read:issue' }, schema: { tags, params: RepoParams, querystring: ListIssuesQuery, response: { 200: IssueList, ...errors } } },
    async (request, reply) => {
      const query: ListQuery = request.query;
      // With the tracker off only pull requests are listed, as Gitea lists them under /issues.
      const filter = await filterOf(query);
      if (!request.repository.has_issues) {
        if (filter.kind === 'issue') requireTracker(request.repository);
        filter.kind = 'pull';
      }
      const { items, total } = await issuePage(reads, request.repository, filter);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.get(
    '/repos/issues/search',
    { config: { scope: 'read:issue' }, schema: { tags, querystring: ListIssuesQuery, response: { 200: IssueList, ...errors } } },
    async (request, reply) => {
      const query: ListQuery = request.query;
      const reviewRequestedId = query.review_requested ? fastify.policy.signedIn(request.actor).id : undefined;
      const { items, total } = await issueSearchPage(reads, request.actor, { ...await filterOf(query), owner: query.owner, reviewRequestedId });
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.post(
    '/repos/:owner/:repo/issues',
    { config: { scope: 'write:issue' }, schema: { tags, params: RepoParams, body: CreateIssueOption, response: { 201: Issue, ...errors } } },
    async (request, reply) => {
      const issue = await createIssue(ctx, request.actor, request.repository, request.body);
      return reply.status(201).send(await presentConversation(reads, { kind: 'issue', number: issue.number, issue }));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/issues/:index',
    { config: { scope: 'read:issue' }, schema: { tags, params: IssueParams, response: { 200: Issue, ...errors } } },
    async (request) => await presentConversation(reads, await conversationOf(request.repository, request.params.index)),
  );

  fastify.patch(
    '/repos/:owner/:repo/issues/:index',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, body: EditIssueOption, response: { 201: Issue, ...errors } } },
    async (request, reply) => {
      const issue = await findIssueOnly(reads, request.repository, request.params.index);
      const edited = await editIssue(ctx, request.actor, request.repository, issue, request.body);
      // Gitea answers an edit with 201.
      return reply.status(201).send(await presentConversation(reads, { kind: 'issue', number: edited.number, issue: edited }));
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/:index',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      await deleteIssue(ctx, request.actor, request.repository, await findIssueOnly(reads, request.repository, request.params.index));
      return reply.status(204).send(null);
    },
  );

  fastify.put(
    '/repos/:owner/:repo/issues/:index/lock',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, body: Type.Optional(LockOption), response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      await setLocked(ctx, request.actor, request.repository, await findIssueOnly(reads, request.repository, request.params.index), true, request.body?.lock_reason);
      return reply.status(204).send(null);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/:index/lock',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      await setLocked(ctx, request.actor, request.repository, await findIssueOnly(reads, request.repository, request.params.index), false);
      return reply.status(204).send(null);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/issues/:index/pin',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      await setPinned(ctx, request.actor, request.repository, await findIssueOnly(reads, request.repository, request.params.index), true);
      return reply.status(204).send(null);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/:index/pin',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      await setPinned(ctx, request.actor, request.repository, await findIssueOnly(reads, request.repository, request.params.index), false);
      return reply.status(204).send(null);
    },
  );

  /** The issue or pull request an `/issues/{index}` path names; an issue of a repository whose tracker is off is a 404. */
  async function conversationOf(repo: RepoRow, index: number): Promise<ConversationOf> {
    const found = await findConversation(reads, repo, index);
    if (found.kind === 'issue') requireTracker(repo);
    return found;
  }

  /** The same, as the shared use cases (reactions) name it. */
  async function subjectOf(repo: RepoRow, index: number): Promise<Conversation> {
    const found = await conversationOf(repo, index);
    return found.kind === 'issue' ? { kind: 'issue', repo, number: index, issue: found.issue } : { kind: 'pull', repo, number: index, pullId: found.pull.id };
  }

  fastify.get(
    '/repos/:owner/:repo/issues/:index/reactions',
    { config: { scope: 'read:issue' }, schema: { tags, params: IssueParams, querystring: PagingQuery, response: { 200: Type.Array(Reaction), ...errors } } },
    async (request) => {
      await conversationOf(request.repository, request.params.index);
      return await reactionsOf(reads, request.repository, request.params.index, null);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/issues/:index/reactions',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, body: EditReactionOption, response: { 200: Reaction, 201: Reaction, ...errors } } },
    async (request, reply) => {
      const content = request.body.content as ReactionContent;
      const { row, user } = await react(ctx, request.actor, await subjectOf(request.repository, request.params.index), null, content);
      const mine = (await reactionsOf(reads, request.repository, request.params.index, null)).find((r) => r.content === content && r.user.id === user.id);
      if (!mine) throw notFound('The reaction');
      // Gitea: 201 for a new reaction, 200 when it was there already.
      return reply.status(row ? 201 : 200).send(mine);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/issues/:index/reactions',
    { config: { scope: 'write:issue' }, schema: { tags, params: IssueParams, body: EditReactionOption, response: { 200: Empty, ...errors } } },
    async (request) => {
      await unreact(ctx, request.actor, await subjectOf(request.repository, request.params.index), null, request.body.content as ReactionContent);
      return null;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/issues/:index/content_history',
    { config: { scope: 'read:issue' }, schema: { tags, params: IssueParams, response: { 200: Type.Array(ContentHistory), ...errors } } },
    async (request) => {
      await conversationOf(request.repository, request.params.index);
      return await contentHistoryOf(reads, request.repository, request.params.index, null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/issue_templates',
    { config: { scope: 'read:issue' }, schema: { tags, params: RepoParams, response: { 200: Type.Array(IssueTemplate), ...errors } } },
    async (request) => issueTemplates(reads, request.repository),
  );

  // Milestones: everyone who reads the repository sees them; writers change them.
  const requireWriter = async (request: FastifyRequest) => {
    fastify.policy.signedIn(request.actor);
    if (!await mayTriage(fastify.policy, request.actor, request.repository)) {
      throw forbidden(`You need write access to ${request.repository.owner_name}/${request.repository.name} to change its milestones.`);
    }
  };

  fastify.get(
    '/repos/:owner/:repo/milestones',
    { config: { scope: 'read:issue' }, schema: { tags, params: RepoParams, querystring: MilestoneListQuery, response: { 200: Type.Array(Milestone), ...errors } } },
    async (request, reply) => {
      const limit = request.query.limit ?? 30;
      const { items, total } = await milestonePage(reads, request.repository, request.query.state ?? 'open', { limit, offset: ((request.query.page ?? 1) - 1) * limit });
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.post(
    '/repos/:owner/:repo/milestones',
    { config: { scope: 'write:issue' }, schema: { tags, params: RepoParams, body: CreateMilestoneOption, response: { 201: Milestone, ...errors } } },
    async (request, reply) => {
      await requireWriter(request);
      const created = await createMilestone(fastify.forge.db, request.repository, request.body);
      return reply.status(201).send(await oneMilestone(reads, request.repository, created.id));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/milestones/:id',
    { config: { scope: 'read:issue' }, schema: { tags, params: IdParams, response: { 200: Milestone, ...errors } } },
    async (request) => await oneMilestone(reads, request.repository, request.params.id),
  );

  fastify.patch(
    '/repos/:owner/:repo/milestones/:id',
    { config: { scope: 'write:issue' }, schema: { tags, params: IdParams, body: EditMilestoneOption, response: { 200: Milestone, ...errors } } },
    async (request) => {
      await requireWriter(request);
      await editMilestone(fastify.forge.db, request.repository, request.params.id, request.body);
      return await oneMilestone(reads, request.repository, request.params.id);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/milestones/:id',
    { config: { scope: 'write:issue' }, schema: { tags, params: IdParams, response: { 204: Empty, ...errors } } },
    async (request, reply) => {
      await requireWriter(request);
      await deleteMilestone(fastify.forge.db, request.repository, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

export default issueRoutes;
