import { Type, type Static } from '@sinclair/typebox';
import { UserSummary } from './users.js';
import { Nullable } from './nullable.js';

// The issue tracker's wire shapes, as Gitea's API has them (`/repos/{o}/{r}/issues`, labels,
// milestones, reactions, templates, notifications). Issues and pull requests share one numbering
// per repository, as in Gitea: a pull request is also an issue with `pull_request` set.

const IssueState = Type.Union([Type.Literal('open'), Type.Literal('closed')]);

/** Gitea's Label: `color` is six hex digits without `#`; an exclusive label's scope is its name up to the last `/`. */
export const Label = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  exclusive: Type.Boolean(),
  is_archived: Type.Boolean(),
  color: Type.String(),
  description: Type.String(),
  url: Type.String(),
});
export type Label = Static<typeof Label>;

/** Gitea's CreateLabelOption: `color` with or without `#`. */
export const CreateLabelOption = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 50 }),
  color: Type.String({ pattern: '^#?[0-9a-fA-F]{6}$' }),
  description: Type.Optional(Type.String({ maxLength: 200 })),
  exclusive: Type.Optional(Type.Boolean()),
  is_archived: Type.Optional(Type.Boolean()),
});
export type CreateLabelOption = Static<typeof CreateLabelOption>;

/** Gitea's EditLabelOption. */
export const EditLabelOption = Type.Partial(CreateLabelOption);
export type EditLabelOption = Static<typeof EditLabelOption>;

/** Gitea's Milestone, with its progress counts. */
export const Milestone = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  state: IssueState,
  open_issues: Type.Integer(),
  closed_issues: Type.Integer(),
  created_at: Type.String(),
  updated_at: Nullable(Type.String()),
  closed_at: Nullable(Type.String()),
  due_on: Nullable(Type.String()),
});
export type Milestone = Static<typeof Milestone>;

/** Gitea's CreateMilestoneOption. */
export const CreateMilestoneOption = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.Optional(Type.String()),
  due_on: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  state: Type.Optional(IssueState),
});
export type CreateMilestoneOption = Static<typeof CreateMilestoneOption>;

/** Gitea's EditMilestoneOption. */
export const EditMilestoneOption = Type.Partial(CreateMilestoneOption);
export type EditMilestoneOption = Static<typeof EditMilestoneOption>;

/** Gitea's PullRequestMeta: set on the issue of a pull request. */
export const PullRequestMeta = Type.Object({
  merged: Type.Boolean(),
  merged_at: Nullable(Type.String()),
  draft: Type.Boolean(),
  html_url: Type.String(),
});

/** Gitea's RepositoryMeta: the repository an issue belongs to, as issue search lists it. */
export const RepositoryMeta = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  owner: Type.String(),
  full_name: Type.String(),
});

/** Gitea's Issue, with Fabrique's `body_html` (rendered and sanitised). */
export const Issue = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  html_url: Type.String(),
  number: Type.Integer(),
  user: UserSummary,
  original_author: Type.String(),
  original_author_id: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  body_html: Type.String(),
  ref: Type.String(),
  assets: Type.Array(Type.Unknown()),
  labels: Type.Array(Label),
  milestone: Nullable(Milestone),
  assignee: Nullable(UserSummary),
  assignees: Type.Array(UserSummary),
  state: IssueState,
  is_locked: Type.Boolean(),
  comments: Type.Integer(),
  created_at: Type.String(),
  updated_at: Type.String(),
  closed_at: Nullable(Type.String()),
  due_date: Nullable(Type.String()),
  pull_request: Nullable(PullRequestMeta),
  repository: RepositoryMeta,
  pin_order: Type.Integer(),
});
export type Issue = Static<typeof Issue>;

/** A list of issues; its static type given once, as inferring an array of this object in a route goes too deep for tsc. */
export const IssueList = Type.Unsafe<Issue[]>(Type.Array(Issue));

/** Gitea's CreateIssueOption: `labels` and `milestone` are ids, `assignees` login names. */
export const CreateIssueOption = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 255 }),
  body: Type.Optional(Type.String({ maxLength: 65_535 })),
  assignee: Type.Optional(Type.String()),
  assignees: Type.Optional(Type.Array(Type.String())),
  labels: Type.Optional(Type.Array(Type.Integer())),
  milestone: Type.Optional(Type.Integer()),
  closed: Type.Optional(Type.Boolean()),
  due_date: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  ref: Type.Optional(Type.String()),
});
export type CreateIssueOption = Static<typeof CreateIssueOption>;

/** Gitea's EditIssueOption: `milestone: 0` or null clears it. */
export const EditIssueOption = Type.Object({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  body: Type.Optional(Type.String({ maxLength: 65_535 })),
  assignee: Type.Optional(Type.String()),
  assignees: Type.Optional(Type.Array(Type.String())),
  milestone: Type.Optional(Nullable(Type.Integer())),
  state: Type.Optional(IssueState),
  due_date: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  unset_due_date: Type.Optional(Type.Boolean()),
  ref: Type.Optional(Type.String()),
});
export type EditIssueOption = Static<typeof EditIssueOption>;

/** Gitea's IssueLabelsOption: label ids, or names (Gitea accepts both). */
export const IssueLabelsOption = Type.Object({
  labels: Type.Array(Type.Union([Type.Integer(), Type.String()])),
});
export type IssueLabelsOption = Static<typeof IssueLabelsOption>;

/** The reactions Gitea allows by default. */
export const REACTIONS = ['+1', '-1', 'laugh', 'hooray', 'confused', 'heart', 'rocket', 'eyes'] as const;
export type ReactionContent = (typeof REACTIONS)[number];

/** Gitea's Reaction. */
export const Reaction = Type.Object({
  user: UserSummary,
  content: Type.String(),
  created_at: Type.String(),
});
export type Reaction = Static<typeof Reaction>;

/** Gitea's EditReactionOption. */
export const EditReactionOption = Type.Object({
  content: Type.Unsafe<ReactionContent>(Type.String({ enum: [...REACTIONS] })),
});
export type EditReactionOption = Static<typeof EditReactionOption>;

/** Fabrique: one earlier version of an issue's or comment's text, shown to all ("edited" history). */
export const ContentHistory = Type.Object({
  id: Type.Integer(),
  editor: Nullable(UserSummary),
  body: Type.String(),
  created_at: Type.String(),
});
export type ContentHistory = Static<typeof ContentHistory>;

/** Gitea's IssueTemplate, read from `.gitea/ISSUE_TEMPLATE/*.md` or `.github/ISSUE_TEMPLATE/*.md` on the default branch. */
export const IssueTemplate = Type.Object({
  name: Type.String(),
  title: Type.String(),
  about: Type.String(),
  labels: Type.Array(Type.String()),
  ref: Type.String(),
  content: Type.String(),
  file_name: Type.String(),
});
export type IssueTemplate = Static<typeof IssueTemplate>;

/** Gitea's WatchInfo, for a repository watch and an issue subscription alike. */
export const WatchInfo = Type.Object({
  subscribed: Type.Boolean(),
  ignored: Type.Boolean(),
  reason: Nullable(Type.String()),
  created_at: Type.String(),
  url: Type.String(),
  repository_url: Type.String(),
});
export type WatchInfo = Static<typeof WatchInfo>;

/** Gitea's NotificationSubject. */
export const NotificationSubject = Type.Object({
  title: Type.String(),
  url: Type.String(),
  html_url: Type.String(),
  latest_comment_url: Type.String(),
  latest_comment_html_url: Type.String(),
  type: Type.Union([Type.Literal('Issue'), Type.Literal('Pull'), Type.Literal('Commit'), Type.Literal('Repository')]),
  state: Type.String(),
});

/** Gitea's NotificationThread, with Fabrique's `reason` (mention, assigned, review_requested, comment, subscribed). */
export const NotificationThread = Type.Object({
  id: Type.Integer(),
  repository: RepositoryMeta,
  subject: NotificationSubject,
  unread: Type.Boolean(),
  pinned: Type.Boolean(),
  updated_at: Type.String(),
  url: Type.String(),
  reason: Type.String(),
});
export type NotificationThread = Static<typeof NotificationThread>;

/** Gitea's NotificationCount. */
export const NotificationCount = Type.Object({ new: Type.Integer() });
export type NotificationCount = Static<typeof NotificationCount>;
