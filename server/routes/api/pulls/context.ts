import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { findRepoById, type RepoRow } from '../../../db/repos.js';
import { findPull, type PullRow } from '../../../db/pulls.js';
import { countComments } from '../../../db/comments.js';
import { countPullReviewComments } from '../../../db/reviews.js';
import { findUserById, type UserRow } from '../../../db/users.js';
import { presentPull, type PullRequest } from '../../../presenters/pull.js';
import { presentUser, type UserSummary } from '../../../presenters/user.js';
import { renderMarkdown } from '../../../services/render.js';
import { headUnavailableReason, type PullContext } from '../../../services/pulls.js';
import { mergeState } from '../../../services/merge.js';
import type { RepoAction } from '../../../auth/policy.js';
import { notFound } from '../../../errors.js';
import { presentRepos } from '../repos/present.js';

/** The pull request services' context for this forge; every plugin that writes refs shares the instance's mergeability checker and bus. */
export function pullContext(fastify: FastifyInstance): PullContext {
  const { db, config } = fastify.forge;
  const onListenerError = (err: unknown) => fastify.log.error({ err }, 'after a ref update: a pull request step failed');
  return {
    db,
    reposDir: config.reposDir,
    policy: fastify.policy,
    checker: fastify.mergeability,
    events: fastify.events,
    get baseUrl() {
      return config.baseUrl;
    },
    onListenerError,
  };
}

/** The repository (policy first: 404 when unreadable) and its pull request number `index`, or a 404. */
export function requirePull(fastify: FastifyInstance, request: FastifyRequest, params: { owner: string; repo: string; index: number }, action: RepoAction = 'repo:read'): { base: RepoRow; pull: PullRow } {
  const base = fastify.policy.requireRepo(request.actor, params.owner, params.repo, action);
  const pull = findPull(fastify.forge.db, base.id, params.index);
  if (!pull) throw notFound(`The pull request #${params.index}`);
  return { base, pull };
}

/** Markdown of a pull request or a comment, rendered and sanitised, cached by the text's hash. */
export function markdown(base: RepoRow, branch: string, text: string): string {
  if (!text) return '';
  const id = createHash('sha1').update(text).digest('hex');
  return renderMarkdown(text, `text:${id}`, { owner: base.owner_name, repo: base.name, kind: 'branch', ref: branch, dir: '' });
}

/** Accounts as Gitea's User, looked up once per response. */
export class UserCache {
  private readonly users = new Map<number, UserSummary | null>();
  constructor(private readonly fastify: FastifyInstance) {}
  get(id: number | null): UserSummary | null {
    if (id === null) return null;
    if (!this.users.has(id)) {
      const user = findUserById(this.fastify.forge.db, id) as UserRow | undefined;
      this.users.set(id, user ? presentUser(user, this.fastify.forge.config.baseUrl) : null);
    }
    return this.users.get(id) ?? null;
  }
  /** A user that must exist (posters are kept: users.id ON DELETE RESTRICT). */
  must(id: number): UserSummary {
    return this.get(id) as UserSummary;
  }
}

/** Pull requests as Gitea shows them to the asking actor; a head repository it may not read is null. */
export function presentPulls(fastify: FastifyInstance, request: FastifyRequest, base: RepoRow, pulls: PullRow[]): PullRequest[] {
  const { db, config } = fastify.forge;
  const users = new UserCache(fastify);
  const [baseJson] = presentRepos(fastify, request, [base]);
  return pulls.map((pull) => {
    const head = pull.head_repo_id === null ? null : (findRepoById(db, pull.head_repo_id) ?? null);
    const readable = head !== null && fastify.policy.can(request.actor, 'repo:read', { type: 'repo', repo: head });
    const headJson = !readable ? null : head.id === base.id ? baseJson : presentRepos(fastify, request, [head])[0];
    return presentPull(config.baseUrl, pull, {
      base,
      baseJson,
      head: readable ? head : null,
      headJson,
      poster: users.must(pull.poster_id),
      mergedBy: users.get(pull.merged_by_id),
      bodyHtml: markdown(base, pull.base_branch, pull.body),
      comments: countComments(db, pull.id),
      reviewComments: countPullReviewComments(db, pull.id),
      headUnavailableReason: headUnavailableReason(pull, base, head ?? undefined),
      mergeState: mergeState({ db, policy: fastify.policy }, base, pull, pull.head_sha),
    });
  });
}
