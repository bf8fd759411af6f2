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
