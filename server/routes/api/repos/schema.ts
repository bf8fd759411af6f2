import { Type, type Static } from '@sinclair/typebox';
import { UserSummary } from '../../../presenters/user.js';

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
export const errors = { 401: Message, 403: Message, 404: Message, 409: Message, 422: Message };

export const RepoParams = Type.Object({ owner: Type.String(), repo: Type.String() });
export type RepoParams = Static<typeof RepoParams>;

export const CollaboratorParams = Type.Object({ owner: Type.String(), repo: Type.String(), collaborator: Type.String() });
export type CollaboratorParams = Static<typeof CollaboratorParams>;

/** Gitea's paging: `page` from 1, `limit` up to 50. */
export const Paging = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 30 })),
});


/** Gitea's EditRepoOption (the settings Fabrique has). */
export const EditRepoOption = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  description: Type.Optional(Type.String({ maxLength: 2048 })),
  website: Type.Optional(Type.String({ maxLength: 1024 })),
  private: Type.Optional(Type.Boolean()),
  archived: Type.Optional(Type.Boolean()),
  default_branch: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  // Fabrique allows every merge style on every repository: these say so, and cannot turn one off.
  allow_merge_commits: Type.Optional(Type.Literal(true)),
  allow_rebase: Type.Optional(Type.Literal(true)),
  allow_rebase_explicit: Type.Optional(Type.Literal(true)),
  allow_squash_merge: Type.Optional(Type.Literal(true)),
  allow_fast_forward_only_merge: Type.Optional(Type.Literal(true)),
  default_merge_style: Type.Optional(Type.Literal('merge')),
});
export type EditRepoOption = Static<typeof EditRepoOption>;

export const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 255 })),
  uid: Type.Optional(Type.Integer()),
  private: Type.Optional(Type.Boolean()),
  is_private: Type.Optional(Type.Boolean()),
  sort: Type.Optional(Type.Union(['alpha', 'created', 'updated', 'size', 'id'].map((v) => Type.Literal(v)))),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  page: Paging.properties.page,
  limit: Paging.properties.limit,
});
export type SearchQuery = Static<typeof SearchQuery>;

export const AddCollaboratorOption = Type.Object({
  permission: Type.Optional(Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')])),
});
export type AddCollaboratorOption = Static<typeof AddCollaboratorOption>;

/** Gitea's RepoCollaboratorPermission. */
export const RepoCollaboratorPermission = Type.Object({
  permission: Type.String(),
  role_name: Type.String(),
  user: UserSummary,
});
