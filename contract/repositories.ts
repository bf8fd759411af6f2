import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { UserSummary } from './users.js';
import { Nullable } from './nullable.js';
import { FRENCH_LICENCES } from './licences.js';

/** What the asking actor may do with a repository, as Gitea reports it. */
export const RepoPermissions = Type.Object({ admin: Type.Boolean(), push: Type.Boolean(), pull: Type.Boolean() });
export type RepoPermissions = Static<typeof RepoPermissions>;

/**
 * The merge styles a repository allows, in Gitea's names (Renovate refuses a repository without
 * them): every style works on every Fabrique repository, `merge` by default.
 */
const MergeStyles = Type.Object({
  allow_merge_commits: Type.Boolean(),
  allow_rebase: Type.Boolean(),
  allow_rebase_explicit: Type.Boolean(),
  allow_squash_merge: Type.Boolean(),
  allow_fast_forward_only_merge: Type.Boolean(),
  default_merge_style: Type.String(),
});

/** Gitea's Repository object with `parent` of the given shape. */
const repositoryShape = <P extends TSchema>(parent: P) => Type.Intersect([Type.Object({
  id: Type.Integer(),
  owner: UserSummary,
  name: Type.String(),
  full_name: Type.String(),
  description: Type.String(),
  empty: Type.Boolean(),
  private: Type.Boolean(),
  fork: Type.Boolean(),
  template: Type.Boolean(),
  parent,
  mirror: Type.Boolean(),
  size: Type.Integer(),
  language: Type.String(),
  html_url: Type.String(),
  url: Type.String(),
  link: Type.String(),
  clone_url: Type.String(),
  ssh_url: Type.String(),
  original_url: Type.String(),
  mirror_interval: Type.String(),
  mirror_updated: Type.String(),
  website: Type.String(),
  stars_count: Type.Integer(),
  forks_count: Type.Integer(),
  watchers_count: Type.Integer(),
  open_issues_count: Type.Integer(),
  open_pr_counter: Type.Integer(),
  release_counter: Type.Integer(),
  default_branch: Type.String(),
  archived: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
  permissions: RepoPermissions,
  has_issues: Type.Boolean(),
  has_wiki: Type.Boolean(),
  has_pull_requests: Type.Boolean(),
  internal: Type.Boolean(),
  object_format_name: Type.String(),
  /** SPDX ids of the licence found in the default branch's licence file (Gitea >= 1.22). */
  licenses: Type.Array(Type.String()),
}), MergeStyles]);

/**
 * Gitea's Repository object (the fields Fabrique has; the rest carry Gitea's neutral values). `parent`
 * is the repository a fork was made from, when the viewer may read it, one level deep (its own is null).
 */
export const Repository = repositoryShape(Nullable(repositoryShape(Type.Null())));
export type Repository = Static<typeof Repository>;

/** `GET /repos/search`: Gitea wraps the repositories found in `data`. */
export const RepositorySearchResult = Type.Object({ ok: Type.Boolean(), data: Type.Array(Repository) });
export type RepositorySearchResult = Static<typeof RepositorySearchResult>;

/** Gitea's RepoCollaboratorPermission. */
export const RepoCollaboratorPermission = Type.Object({
  /** `owner` for the owning account; `none` for an account that may not even read. */
  permission: Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('write'), Type.Literal('read'), Type.Literal('none')]),
  role_name: Type.String(),
  user: UserSummary,
});
export type RepoCollaboratorPermission = Static<typeof RepoCollaboratorPermission>;

/** Gitea's MergeUpstreamResponse: whether the fork's branch moved, and where it points now. */
export const MergeUpstreamResponse = Type.Object({ merge_type: Type.Union([Type.Literal('fast-forward'), Type.Literal('up-to-date')]), sha: Type.String() });
export type MergeUpstreamResponse = Static<typeof MergeUpstreamResponse>;

/** Gitea's CreateRepoOption: the body of `POST /user/repos` and `POST /orgs/{org}/repos`. */
export const CreateRepoOption = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String({ maxLength: 2048 })),
  private: Type.Optional(Type.Boolean()),
  auto_init: Type.Optional(Type.Boolean()),
  default_branch: Type.Optional(Type.String({ maxLength: 200 })),
  license: Type.Optional(Type.String({ maxLength: 100, description: `One of ${FRENCH_LICENCES.join(', ')}` })),
  readme: Type.Optional(Type.String({ maxLength: 100 })),
  gitignores: Type.Optional(Type.String()),
  issue_labels: Type.Optional(Type.String()),
  template: Type.Optional(Type.Boolean()),
  trust_model: Type.Optional(Type.String()),
  object_format_name: Type.Optional(Type.String()),
});
export type CreateRepoOption = Static<typeof CreateRepoOption>;

/** Gitea's EditRepoOption (the settings Fabrique has). */
export const EditRepoOption = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  description: Type.Optional(Type.String({ maxLength: 2048 })),
  website: Type.Optional(Type.String({ maxLength: 1024 })),
  private: Type.Optional(Type.Boolean()),
  archived: Type.Optional(Type.Boolean()),
  default_branch: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  has_issues: Type.Optional(Type.Boolean()),
  // Fabrique allows every merge style on every repository: these say so, and cannot turn one off.
  allow_merge_commits: Type.Optional(Type.Literal(true)),
  allow_rebase: Type.Optional(Type.Literal(true)),
  allow_rebase_explicit: Type.Optional(Type.Literal(true)),
  allow_squash_merge: Type.Optional(Type.Literal(true)),
  allow_fast_forward_only_merge: Type.Optional(Type.Literal(true)),
  default_merge_style: Type.Optional(Type.Literal('merge')),
});
export type EditRepoOption = Static<typeof EditRepoOption>;
