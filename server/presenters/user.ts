import type { UserRow } from '../db/users.js';
import { UserSummary } from '../../contract/users.js';
import { avatarUrl } from '../lib/avatars.js';

export { UserSummary };


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
    avatar_url: avatarUrl(baseUrl, user),
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
