import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Commit } from '../../../presenters/browse.js';
import { PullRequest, PullRequestList } from '../../../presenters/pull.js';
import { createPullRequest, editPullRequest } from '../../../services/pulls.js';
import { mergePullRequest } from '../../../services/merge.js';
import { cancelAutoMerge, mergeWhenChecksSucceed } from '../../../services/auto-merge.js';
import { applyIssueLabels, resolveLabels } from '../../../services/labels.js';
import { languageOf } from '../../../lib/shell.js';
import { presentPulls, pullRequestCommitList, pullRequestDiffText, pullRequestFiles, pullRequestPage } from '../../../views/pull-request.js';
import { notFound } from '../../../errors.js';
import { draftTitle } from '../../../../contract/drafts.js';
import { FileDiff } from '../browse/schema.js';
import { RepoParams } from '../repos/schema.js';
import { pullContext } from './context.js';
import { CreatePullOption, EditPullOption, ListPullsQuery, MergePullOption, OffsetQuery, PullOrDiffParams, PullParams, errors } from './schema.js';

const tags = ['pull request'];

/** A file of a pull request: Gitea's ChangedFile fields and Fabrique's hunks and viewed mark. */
const ChangedFile = Type.Composite([
  FileDiff,
  Type.Object({ previous_filename: Type.String(), changes: Type.Integer(), html_url: Type.String(), raw_url: Type.String(), viewed: Type.Boolean() }),
]);

// PullRequest's static type given whole: inferring it beside a request body's is too deep for tsc (TS2589).
const PullAnswer = Type.Unsafe<PullRequest>(PullRequest);

/** Gitea's pull request paths: list, open, show (or its `.diff`/`.patch`), edit, commits, files, merge. */
const pullRequestRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = pullContext(fastify);
  const reads = fastify.reads;

  fastify.get(
    '/repos/:owner/:repo/pulls',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: ListPullsQuery, response: { 200: PullRequestList, ...errors } } },
    async (request, reply) => {
      const { items, total } = await pullRequestPage(reads, request.actor, request.repository, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, body: CreatePullOption, response: { 201: PullAnswer, ...errors } } },
    async (request, reply) => {
      const poster = fastify.policy.signedIn(request.actor);
      const base = request.repository;
      const { head, base: baseBranch, title, body, labels, draft, allow_maintainer_edit: allowMaintainerEdit } = request.body;
      // Gitea sets the labels asked for on creation only for those who may label (write access); an unknown one refuses it all.
      const access = await fastify.policy.repoAccess(request.actor, base);
      const mayLabel = labels !== undefined && labels.length > 0 && (access === 'write' || access === 'admin');
      if (mayLabel) await resolveLabels(ctx.db, base, labels);
      const pull = await createPullRequest(ctx, { base, poster, actor: request.actor, head, baseBranch, title: draft ? draftTitle(title) : title, body: body ?? '', allowMaintainerEdit });
      if (mayLabel) {
        await applyIssueLabels(ctx.db, base, { kind: 'pull', id: pull.id, repo_id: base.id, number: pull.number }, poster.id, labels, 'add');
      }
      return reply.status(201).send((await presentPulls(reads, request.actor, base, [pull]))[0]);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullOrDiffParams, response: { 200: Type.Union([PullAnswer, Type.String()]), ...errors } } },
    async (request, reply) => {
      const format = request.params.index.split('.')[1] as 'diff' | 'patch' | undefined;
      if (!format) return (await presentPulls(reads, request.actor, request.repository, [request.pullRequest]))[0];
      return reply.type('text/plain; charset=utf-8').send(await pullRequestDiffText(reads, request.repository, request.pullRequest, format));
    },
  );

  fastify.patch(
    '/repos/:owner/:repo/pulls/:index',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: EditPullOption, response: { 201: PullAnswer, ...errors } } },
    async (request, reply) => {
      const updated = await editPullRequest(ctx, request.repository, request.pullRequest, request.actor, request.body);
      return reply.status(201).send((await presentPulls(reads, request.actor, request.repository, [updated]))[0]);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/commits',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(Commit), ...errors } } },
    async (request, reply) => {
      const { items, total } = await pullRequestCommitList(reads, request.repository, request.pullRequest);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/files',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, querystring: OffsetQuery, response: { 200: Type.Array(ChangedFile), ...errors } } },
    async (request, reply) => {
      const { files, total, nextOffset } = await pullRequestFiles(reads, request.actor, request.repository, request.pullRequest, { offset: request.query.offset });
      reply.header('x-total-count', String(total));
      if (nextOffset !== null) reply.header('x-next-offset', String(nextOffset));
      return files;
    },
  );

  fastify.get('/repos/:owner/:repo/pulls/:index/merge', { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    if (!request.pullRequest.merged) throw notFound('The merge');
    return reply.status(204).send(null);
  });

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/merge',
    {
      config: { scope: 'write:repository', repoAction: 'repo:write' },
      schema: { tags, params: PullParams, body: MergePullOption, response: { 200: Type.Null(), 201: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      const body = request.body;
      const options = {
        style: body.Do,
        title: body.MergeTitleField,
        message: body.MergeMessageField,
        deleteBranch: body.delete_branch_after_merge,
        headCommitId: body.head_commit_id,
        language: languageOf(request.headers),
      };
      // Gitea answers 201 when the merge is scheduled for when the checks succeed, 200 when merged now.
      if (body.merge_when_checks_succeed && (await mergeWhenChecksSucceed(ctx, request.repository, request.pullRequest, request.actor, options))) {
        return reply.status(201).send(null);
      }
      if (!body.merge_when_checks_succeed) await mergePullRequest(ctx, request.repository, request.pullRequest, request.actor, options);
      return reply.status(200).send(null);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/pulls/:index/merge',
    { config: { scope: 'write:repository', repoAction: 'repo:write' }, schema: { tags, params: PullParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await cancelAutoMerge(ctx, request.repository, request.pullRequest, request.actor);
      return reply.status(204).send(null);
    },
  );
};

export default pullRequestRoutes;
