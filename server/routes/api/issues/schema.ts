import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { IssueContext } from '../../../services/issues.js';

const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
export const errors = { 400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message, 429: Message };

export const IssueParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }) });
export const IdParams = Type.Object({ owner: Type.String(), repo: Type.String(), id: Type.Integer({ minimum: 1 }) });

const State = Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')]);

/** Gitea's issue list filters (`/repos/{o}/{r}/issues` and `/repos/issues/search`). */
export const ListIssuesQuery = Type.Object({
  state: Type.Optional(State),
  /** Comma-separated label names. */
  labels: Type.Optional(Type.String()),
  /** Comma-separated milestone titles or ids. */
  milestones: Type.Optional(Type.String()),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  type: Type.Optional(Type.Union([Type.Literal('issues'), Type.Literal('pulls')])),
  created_by: Type.Optional(Type.String()),
  assigned_by: Type.Optional(Type.String()),
  mentioned_by: Type.Optional(Type.String()),
  since: Type.Optional(Type.String({ format: 'date-time' })),
  before: Type.Optional(Type.String({ format: 'date-time' })),
  sort: Type.Optional(
    Type.Union([Type.Literal('newest'), Type.Literal('oldest'), Type.Literal('recentupdate'), Type.Literal('leastupdate'), Type.Literal('mostcomment')]),
  ),
  /** `/repos/issues/search` only (Gitea): pull requests whose review is asked of the signed-in user and not given yet. */
  review_requested: Type.Optional(Type.Boolean()),
  /** `/repos/issues/search` only: the repositories of this owner. */
  owner: Type.Optional(Type.String()),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 30 })),
});
export type ListIssuesQuery = Static<typeof ListIssuesQuery>;

export const PagingQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 30 })),
});

export const MilestoneListQuery = Type.Composite([PagingQuery, Type.Object({ state: Type.Optional(State) })]);

/** Gitea's LockIssueOption. */
export const LockOption = Type.Object({ lock_reason: Type.Optional(Type.String({ maxLength: 100 })) });

/** The issue use cases' context for this forge. */
export function issueContext(fastify: FastifyInstance): IssueContext {
  const { db, config } = fastify.forge;
  return {
    db,
    policy: fastify.policy,
    events: fastify.events,
    get baseUrl() {
      return config.baseUrl;
    },
    newAccountIssuesPerHour: config.newAccountIssuesPerHour,
  };
}
