import { Type, type Static } from '@sinclair/typebox';

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });

export const RepoParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 100 }),
});
export type RepoParams = Static<typeof RepoParams>;

/** A repository plus the rest of the URL (`*`): a path, a ref and a path, or `base...head`. */
export const RepoRestParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 100 }),
  '*': Type.String({ maxLength: 4096 }),
});
export type RepoRestParams = Static<typeof RepoRestParams>;

export const RefQuery = Type.Object({ ref: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });
export type RefQuery = Static<typeof RefQuery>;

export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});
export type PageQuery = Static<typeof PageQuery>;

/** A page of branches or tags; `q` (Fabrique's) keeps those whose name holds it, so a menu can search every ref. */
export const RefPageQuery = Type.Object({
  ...PageQuery.properties,
  q: Type.Optional(Type.String({ maxLength: 255 })),
});
export type RefPageQuery = Static<typeof RefPageQuery>;

export const CommitsQuery = Type.Object({
  sha: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  path: Type.Optional(Type.String({ maxLength: 4096 })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  /** Gitea computes these by default; Fabrique only when asked, since each costs a diff per commit. */
  stat: Type.Optional(Type.Boolean({ default: false })),
  files: Type.Optional(Type.Boolean({ default: false })),
});
export type CommitsQuery = Static<typeof CommitsQuery>;

export const ShaParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 100 }),
  sha: Type.String({ minLength: 1, maxLength: 255 }),
});
export type ShaParams = Static<typeof ShaParams>;

/** Which files of a diff: from `offset`, at most `limit` files (and 20,000 lines). */
export const OffsetQuery = Type.Object({
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 200 })),
});
export type OffsetQuery = Static<typeof OffsetQuery>;

/** The diff shapes, also answered by the pull request routes. */
export { Diff, FileDiff } from '../../../presenters/browse.js';
