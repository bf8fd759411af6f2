import { Type, type Static } from '@sinclair/typebox';
import { Message } from '../repos/schema.js';

export const errors = { 401: Message, 403: Message, 404: Message, 405: Message, 409: Message, 422: Message };

export const PullParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }) });
/** `/pulls/{index}`, `/pulls/{index}.diff` or `/pulls/{index}.patch`. */
export const PullOrDiffParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.String({ pattern: '^[0-9]+(\\.(diff|patch))?$' }) });
export const ReviewParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }), id: Type.Integer({ minimum: 1 }) });

export const ListPullsQuery = Type.Object({
  state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')])),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 30 })),
});

/** Gitea's CreatePullRequestOption. */
export const CreatePullOption = Type.Object({
  head: Type.String({ minLength: 1, maxLength: 300 }),
  base: Type.String({ minLength: 1, maxLength: 255 }),
  title: Type.String({ minLength: 1, maxLength: 255 }),
  body: Type.Optional(Type.String({ maxLength: 65535 })),
  /** Label ids, set when the poster may write (Renovate labels its pull requests so). */
  labels: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100 })),
  /** Fabrique: open it as a draft (its title gets Gitea's "WIP:" prefix). */
  draft: Type.Optional(Type.Boolean()),
  /** Gitea's: the base repository's writers may push to the head branch (the author alone sets it). */
  allow_maintainer_edit: Type.Optional(Type.Boolean()),
});
export type CreatePullOption = Static<typeof CreatePullOption>;

/** Gitea's EditPullRequestOption (title, body, state), and Fabrique's `draft` (false: mark as ready, which removes the title's prefix). */
export const EditPullOption = Type.Object({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  body: Type.Optional(Type.String({ maxLength: 65535 })),
  state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  draft: Type.Optional(Type.Boolean()),
  allow_maintainer_edit: Type.Optional(Type.Boolean()),
});

/** Gitea's MergePullRequestOption. */
export const MergePullOption = Type.Object({
  Do: Type.Union([Type.Literal('merge'), Type.Literal('squash'), Type.Literal('fast-forward-only'), Type.Literal('rebase')]),
  MergeTitleField: Type.Optional(Type.String({ maxLength: 255 })),
  MergeMessageField: Type.Optional(Type.String({ maxLength: 65535 })),
  delete_branch_after_merge: Type.Optional(Type.Boolean()),
  head_commit_id: Type.Optional(Type.String({ pattern: '^[0-9a-f]{40}$' })),
  force_merge: Type.Optional(Type.Boolean()),
  /** Merge by itself once the head's checks succeed (merged now when they already have). */
  merge_when_checks_succeed: Type.Optional(Type.Boolean()),
});

export const LineCommentOption = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 4096 }),
  body: Type.String({ minLength: 1, maxLength: 65535 }),
  new_position: Type.Optional(Type.Integer({ minimum: 0 })),
  old_position: Type.Optional(Type.Integer({ minimum: 0 })),
  start_line: Type.Optional(Type.Integer({ minimum: 1 })),
});

const ReviewEvent = Type.Union([Type.Literal('APPROVED'), Type.Literal('REQUEST_CHANGES'), Type.Literal('COMMENT'), Type.Literal('PENDING')]);

/** Gitea's CreatePullReviewOptions. */
export const CreateReviewOption = Type.Object({
  event: Type.Optional(ReviewEvent),
  body: Type.Optional(Type.String({ maxLength: 65535 })),
  commit_id: Type.Optional(Type.String({ pattern: '^[0-9a-f]{40}$' })),
  comments: Type.Optional(Type.Array(LineCommentOption, { maxItems: 500 })),
});

/** Gitea's SubmitPullReviewOptions. */
export const SubmitReviewOption = Type.Object({
  event: Type.Union([Type.Literal('APPROVED'), Type.Literal('REQUEST_CHANGES'), Type.Literal('COMMENT')]),
  body: Type.Optional(Type.String({ maxLength: 65535 })),
});

/** Gitea's DismissPullReviewOptions: the reason is required here, so that the timeline can say it. */
export const DismissReviewOption = Type.Object({ message: Type.String({ maxLength: 65535 }) });

export const ReplyOption = Type.Object({ body: Type.String({ minLength: 1, maxLength: 65535 }) });
export const ViewedOption = Type.Object({ path: Type.String({ minLength: 1, maxLength: 4096 }) });
export const OffsetQuery = Type.Object({ offset: Type.Optional(Type.Integer({ minimum: 0 })) });
