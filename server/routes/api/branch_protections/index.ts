import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createProtection,
  editProtection,
  getProtection,
  listProtections,
  removeProtection,
  type BranchProtection as Rule,
} from '../../../services/branch-protections.js';
import { invalid } from '../../../errors.js';
import { BranchProtection, CreateBranchProtectionBody, EditBranchProtectionBody, Message, RepoParams, RuleParams } from './schema.js';

function present(rule: Rule): BranchProtection {
  return {
    branch_name: rule.ruleName,
    rule_name: rule.ruleName,
    enable_push: rule.enable_push,
    enable_push_whitelist: rule.enable_push_whitelist,
    push_whitelist_usernames: rule.push_whitelist_usernames,
    push_whitelist_teams: rule.push_whitelist_teams,
    enable_force_push: rule.enable_force_push,
    enable_force_push_allowlist: rule.enable_force_push_allowlist,
    force_push_allowlist_usernames: rule.force_push_allowlist_usernames,
    force_push_allowlist_teams: [],
    required_approvals: rule.required_approvals,
    block_on_rejected_reviews: rule.block_on_rejected_reviews,
    dismiss_stale_approvals: rule.dismiss_stale_approvals,
    enable_status_check: rule.enable_status_check,
    status_check_contexts: rule.status_check_contexts,
    protected_file_patterns: rule.protected_file_patterns,
    created_at: rule.createdAt,
    updated_at: rule.updatedAt,
  };
}

const errors = { 401: Message, 403: Message, 404: Message, 409: Message, 422: Message };

/** Branch protection rules, `/repos/{owner}/{repo}/branch_protections`, as in Gitea: repository admins only. */
const branchProtectionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db } = fastify.forge;
  const tags = ['repository'];

  fastify.get(
    '/repos/:owner/:repo/branch_protections',
    { config: { scope: 'read:repository', repoAction: 'repo:admin' }, schema: { tags, params: RepoParams, response: { 200: Type.Array(BranchProtection), ...errors } } },
    async (request) => {
      const repo = request.repository;
      return (await listProtections(db, repo.id)).map(present);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/branch_protections',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: RepoParams, body: CreateBranchProtectionBody, response: { 201: BranchProtection, ...errors } } },
    async (request, reply) => {
      const repo = request.repository;
      const { rule_name, branch_name, ...fields } = request.body;
      const name = rule_name ?? branch_name;
      if (!name) throw invalid('rule_name is required.', { field: 'rule_name' });
      return reply.status(201).send(present(await createProtection(db, repo.id, name, fields)));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/branch_protections/:name',
    { config: { scope: 'read:repository', repoAction: 'repo:admin' }, schema: { tags, params: RuleParams, response: { 200: BranchProtection, ...errors } } },
    async (request) => {
      const repo = request.repository;
      return present(await getProtection(db, repo.id, request.params.name));
    },
  );

  fastify.patch(
    '/repos/:owner/:repo/branch_protections/:name',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: RuleParams, body: EditBranchProtectionBody, response: { 200: BranchProtection, ...errors } } },
    async (request) => {
      const repo = request.repository;
      return present(await editProtection(db, repo.id, request.params.name, request.body));
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/branch_protections/:name',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: RuleParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const repo = request.repository;
      await removeProtection(db, repo.id, request.params.name);
      return reply.status(204).send(null);
    },
  );
};

export default branchProtectionRoutes;
