import { Type } from '@sinclair/typebox';
import type { UserRow } from '../../../views/account.js';
import type { Actor } from '../../../auth/policy.js';
import { User } from '../../../../contract/users.js';
import { AccessToken, CreateAccessTokenBody } from '../../../../contract/tokens.js';
import { avatarUrl } from '../../../lib/avatars.js';

export { AccessToken, CreateAccessTokenBody, User };

/** Gitea's "never" date, for an account that never signed in. */
const NEVER = '0001-01-01T00:00:00Z';

/** Shapes an account for the API; the email address is shown only to the account itself and site administrators. */
export function presentUser(user: UserRow, viewer: Actor, baseUrl: string): User {
  const maySeeEmail = viewer.kind === 'user' && (viewer.user.id === user.id || viewer.user.is_admin === 1);
  return {
    id: user.id,
    login: user.username,
    username: user.username,
    login_name: '',
    full_name: user.full_name,
    email: maySeeEmail ? (user.email ?? '') : '',
    avatar_url: avatarUrl(baseUrl, user),
    is_admin: user.is_admin === 1,
    prohibit_login: user.prohibit_login === 1,
    created: user.created_at,
    last_login: user.last_login_at ?? NEVER,
    visibility: user.visibility,
    description: user.description,
    website: user.website,
    location: user.location,
    type: user.type === 'org' ? 'organization' : 'user',
  };
}

export const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }) });
export const TokenParams = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  token: Type.String({ minLength: 1, maxLength: 255 }),
});

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
