import { Type, type Static } from '@sinclair/typebox';
import type { UserRow } from '../db/users.js';

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

const NEVER = '0001-01-01T00:00:00Z';

/** An account or organisation as Gitea shows it; the email only to the account itself and administrators. */
export function presentUser(user: UserRow, baseUrl: string, options: { showEmail?: boolean } = {}): UserSummary {
  return {
    id: user.id,
    login: user.username,
    login_name: '',
    username: user.username,
    full_name: user.full_name,
    email: options.showEmail ? (user.email ?? '') : '',
    avatar_url: '',
    html_url: `${baseUrl}/${user.username}`,
    language: '',
    is_admin: user.is_admin === 1,
    last_login: user.last_login_at ?? NEVER,
    created: user.created_at,
    restricted: false,
    active: user.prohibit_login === 0,
    prohibit_login: user.prohibit_login === 1,
    location: user.location,
    website: user.website,
    description: user.description,
    visibility: user.visibility,
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
  };
}
