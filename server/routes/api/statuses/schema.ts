import { Type } from '@sinclair/typebox';
import { COMMIT_STATUS_STATES } from '../../../../contract/statuses.js';

const STATUS_SORTS = ['oldest', 'recentupdate', 'leastupdate', 'leastindex', 'highestindex'] as const;

export { CombinedStatus, CommitStates, CommitStatus, CreateStatusOption } from '../../../../contract/statuses.js';

/** A full commit id (SHA-1 or SHA-256), as Gitea's `/statuses/{sha}` takes it. */
export const ShaParams = Type.Object({ owner: Type.String(), repo: Type.String(), sha: Type.String({ pattern: '^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$' }) });
/** A branch, a tag or a commit id. */
export const RefParams = Type.Object({ owner: Type.String(), repo: Type.String(), ref: Type.String({ minLength: 1, maxLength: 255 }) });

/** Gitea's ListCommitStatuses query. */
export const StatusQuery = Type.Object({
  sort: Type.Optional(Type.Union(STATUS_SORTS.map((sort) => Type.Literal(sort)))),
  state: Type.Optional(Type.Union(COMMIT_STATUS_STATES.map((state) => Type.Literal(state)))),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 30 })),
});

/** Fabrique's batch of commit ids, comma-separated, for the states of a history page. */
export const CommitStatesQuery = Type.Object({ shas: Type.String({ pattern: '^[0-9a-fA-F]{40,64}(,[0-9a-fA-F]{40,64}){0,99}$' }) });
