import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';
import { Repository } from './repositories.js';
import { UserSummary } from './users.js';

/** Gitea's CommitStatusState values. */
export const COMMIT_STATUS_STATES = ['pending', 'success', 'error', 'failure', 'warning'] as const;
export type CommitStatusState = (typeof COMMIT_STATUS_STATES)[number];
// An enum schema with its static type given, as for the merge reasons: a union of literals makes the inferred route types too deep.
export const CommitStatusStateSchema = Type.Unsafe<CommitStatusState>(Type.String({ enum: [...COMMIT_STATUS_STATES] }));

/** Gitea's CreateStatusOption. */
export const CreateStatusOption = Type.Object({
  // Literals here: the route's type provider reads a request body's enum through them.
  state: Type.Union(COMMIT_STATUS_STATES.map((state) => Type.Literal(state))),
  target_url: Type.Optional(Type.String({ maxLength: 2048 })),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  context: Type.Optional(Type.String({ maxLength: 255 })),
});
export type CreateStatusOption = Static<typeof CreateStatusOption>;

/** Gitea's CommitStatus: its state is named `status` there (Renovate reads that name). */
export const CommitStatus = Type.Object({
  id: Type.Integer(),
  status: CommitStatusStateSchema,
  target_url: Type.String(),
  description: Type.String(),
  url: Type.String(),
  context: Type.String(),
  creator: Nullable(UserSummary),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type CommitStatus = Static<typeof CommitStatus>;

/** Gitea's CombinedStatus: the latest status of each context and the state they add up to. */
export const CombinedStatus = Type.Object({
  /** Empty when the commit has no status yet (Gitea answers the same). */
  state: Type.Unsafe<CommitStatusState | ''>(Type.String({ enum: ['', ...COMMIT_STATUS_STATES] })),
  sha: Type.String(),
  total_count: Type.Integer(),
  statuses: Type.Array(CommitStatus),
  repository: Nullable(Repository),
  commit_url: Type.String(),
  url: Type.String(),
});
export type CombinedStatus = Static<typeof CombinedStatus>;

/** Fabrique: the combined state of several commits at once, for history and branch lists; a commit without statuses is left out. */
export const CommitStates = Type.Record(Type.String(), Type.Object({ state: CommitStatusStateSchema, total_count: Type.Integer() }));
export type CommitStates = Static<typeof CommitStates>;

/** Fabrique: the pull request's "merge when checks succeed" request, as the merge box shows it. */
export const AutoMerge = Type.Object({
  /** Who asked: the merge is made as them. */
  doer: Type.String(),
  merge_style: Type.String(),
  created_at: Type.String(),
});
export type AutoMerge = Static<typeof AutoMerge>;

/** Fabrique: a pull request's head checks, as the merge box shows them. */
export const PullChecks = Type.Object({
  /** The combined state of the head's statuses, or null when none was posted. */
  state: Nullable(CommitStatusStateSchema),
  /** The branch protection's required context patterns, empty without a status check rule. */
  required: Type.Array(Type.String()),
  /** Whether each required pattern matched only successful contexts (true without a rule). */
  required_passed: Type.Boolean(),
  auto_merge: Nullable(AutoMerge),
});
export type PullChecks = Static<typeof PullChecks>;
