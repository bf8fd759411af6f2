import { Type, type Static } from '@sinclair/typebox';
import { CreateBranchRepoOption, CreateRepoOption, EditRepoOption, RepoCollaboratorPermission, RepositorySearchResult } from '../../../../contract/repositories.js';

export { CreateBranchRepoOption, CreateRepoOption, EditRepoOption, RepoCollaboratorPermission, RepositorySearchResult };

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
export const errors = { 401: Message, 403: Message, 404: Message, 409: Message, 422: Message };

export const RepoParams = Type.Object({ owner: Type.String(), repo: Type.String() });
export type RepoParams = Static<typeof RepoParams>;

/** A branch of a repository; its name may hold slashes (`feature/x`). */
export const BranchParams = Type.Object({ owner: Type.String(), repo: Type.String(), '*': Type.String({ minLength: 1, maxLength: 255 }) });

export const RepoTeamParams = Type.Object({ owner: Type.String(), repo: Type.String(), team: Type.String() });

export const CollaboratorParams = Type.Object({ owner: Type.String(), repo: Type.String(), collaborator: Type.String() });
export type CollaboratorParams = Static<typeof CollaboratorParams>;

/** Gitea's MAX_RESPONSE_ITEMS: the largest page a list answers. */
export const MAX_RESPONSE_ITEMS = 50;

/** Gitea's paging: `page` from 1, `limit` up to MAX_RESPONSE_ITEMS. */
export const Paging = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RESPONSE_ITEMS, default: 30 })),
});

export const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 255 })),
  /** `q` is a topic, matched exactly. */
  topic: Type.Optional(Type.Boolean()),
  uid: Type.Optional(Type.Integer()),
  private: Type.Optional(Type.Boolean()),
  is_private: Type.Optional(Type.Boolean()),
  sort: Type.Optional(Type.Union(['alpha', 'created', 'updated', 'size', 'id'].map((v) => Type.Literal(v)))),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  /** Gitea's `mode`: only sources (not forks) or only forks. */
  mode: Type.Optional(Type.Union([Type.Literal('source'), Type.Literal('fork')])),
  /** Fabrique's: sources before forks, each group in the asked sort. */
  forks_last: Type.Optional(Type.Boolean()),
  page: Paging.properties.page,
  limit: Paging.properties.limit,
});
export type SearchQuery = Static<typeof SearchQuery>;

export const AddCollaboratorOption = Type.Object({
  permission: Type.Optional(Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')])),
});
export type AddCollaboratorOption = Static<typeof AddCollaboratorOption>;
