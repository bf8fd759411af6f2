import { Type, type Static } from '@sinclair/typebox';
import type { UserRow } from '../../../views/account.js';
import type { Actor } from '../../../auth/policy.js';

/** Gitea's user object. */
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

/** Gitea's "never" date, for an account that never signed in. */
const NEVER = '0001-01-01T00:00:00Z';

/** Shapes an account for the API; the email address is shown only to the account itself and site administrators. */
export function presentUser(user: UserRow, viewer: Actor): User {
  const maySeeEmail = viewer.kind === 'user' && (viewer.user.id === user.id || viewer.user.is_admin === 1);
  return {
    id: user.id,
    login: user.username,
    username: user.username,
    login_name: '',
    full_name: user.full_name,
    email: maySeeEmail ? (user.email ?? '') : '',
    avatar_url: '',
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

/** Gitea's access token; `sha1` (the value) only in the creation response. */
export const AccessToken = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  sha1: Type.Optional(Type.String()),
  token_last_eight: Type.String(),
  scopes: Type.Array(Type.String()),
  created_at: Type.String(),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
});
export type AccessToken = Static<typeof AccessToken>;

export const CreateAccessTokenBody = Type.Object({
  name: Type.String({ maxLength: 255 }),
  scopes: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32, default: [] }),
});

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
