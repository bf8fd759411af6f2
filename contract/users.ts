import { Type, type Static } from '@sinclair/typebox';

/** Gitea's User object, as listed in owners, members and collaborators. */
export const UserSummary = Type.Object({
  id: Type.Integer(),
  login: Type.String(),
  login_name: Type.String(),
  username: Type.String(),
  full_name: Type.String(),
  email: Type.String(),
  avatar_url: Type.String(),
  html_url: Type.String(),
  language: Type.String(),
  is_admin: Type.Boolean(),
  last_login: Type.String(),
  created: Type.String(),
  restricted: Type.Boolean(),
  active: Type.Boolean(),
  prohibit_login: Type.Boolean(),
  location: Type.String(),
  website: Type.String(),
  description: Type.String(),
  visibility: Type.String(),
  followers_count: Type.Integer(),
  following_count: Type.Integer(),
  starred_repos_count: Type.Integer(),
});
export type UserSummary = Static<typeof UserSummary>;

/** Gitea's user object as `/user`, `/users/{name}` and the session answer it, with Fabrique's `type`. */
export const User = Type.Object({
  id: Type.Integer(),
  login: Type.String(),
  /** Gitea's older name for `login`, which Renovate and other clients still read. */
  username: Type.String(),
  login_name: Type.String(),
  full_name: Type.String(),
  email: Type.String(),
  avatar_url: Type.String(),
  is_admin: Type.Boolean(),
  prohibit_login: Type.Boolean(),
  created: Type.String(),
  last_login: Type.String(),
  visibility: Type.String(),
  description: Type.String(),
  website: Type.String(),
  location: Type.String(),
  /** Not in Gitea: lets a client tell an organisation's page from an account's without a failing request. */
  type: Type.Union([Type.Literal('user'), Type.Literal('organization')]),
});
export type User = Static<typeof User>;
