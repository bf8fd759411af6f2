import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';

/** The login of the built-in account that keeps what deleted accounts wrote (GitLab's ghost user); pages show it as "deleted user". */
export const GHOST_LOGIN = 'ghost';

/** The version of the export's shape, so that a reader of an old file knows what it holds. */
export const ACCOUNT_EXPORT_FORMAT = 'fabrique-account-export/1';

const Located = { repository: Type.String(), number: Type.Integer() };

/**
 * `GET /api/v1/user/export` (Fabrique's own): everything the forge holds about the signed-in
 * account, as one JSON document (RGPD article 20). Never a secret: no password hash, no token
 * value or hash, no session identifier. The response schema is the list of what may leave:
 * a field not named here is dropped by the serializer.
 */
export const AccountExport = Type.Object({
  format: Type.Literal(ACCOUNT_EXPORT_FORMAT),
  exported_at: Type.String(),
  account: Type.Object({
    username: Type.String(),
    full_name: Type.String(),
    emails: Type.Array(Type.Object({ email: Type.String(), verified: Type.Boolean(), primary: Type.Boolean() })),
    description: Type.String(),
    website: Type.String(),
    location: Type.String(),
    language: Type.String(),
    visibility: Type.String(),
    is_admin: Type.Boolean(),
    created_at: Type.String(),
    updated_at: Type.String(),
    last_login_at: Nullable(Type.String()),
    /** The uploaded avatar as a `data:` URI, null for the generated identicon. */
    avatar: Nullable(Type.String()),
  }),
  tokens: Type.Array(Type.Object({ name: Type.String(), scopes: Type.Array(Type.String()), created_at: Type.String(), last_used_at: Nullable(Type.String()) })),
  sessions: Type.Array(
    Type.Object({ created_at: Type.String(), last_seen_at: Type.String(), expires_at: Type.String(), ip: Nullable(Type.String()), user_agent: Type.String() }),
  ),
  openid_identities: Type.Array(Type.Object({ issuer: Type.String(), subject: Type.String(), created_at: Type.String() })),
  /** Fabrique stores no SSH or GPG key (git goes over HTTP with tokens): always empty, named so that a reader need not wonder. */
  ssh_keys: Type.Array(Type.String()),
  gpg_keys: Type.Array(Type.String()),
  issues_and_pull_requests: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('issue'), Type.Literal('pull')]),
      ...Located,
      title: Type.String(),
      body: Type.String(),
      state: Type.String(),
      created_at: Type.String(),
      updated_at: Type.String(),
    }),
  ),
  comments: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('issue'), Type.Literal('pull'), Type.Literal('review')]),
      ...Located,
      body: Type.String(),
      /** The file a review comment is on. */
      path: Nullable(Type.String()),
      created_at: Type.String(),
      updated_at: Type.String(),
    }),
  ),
  reviews: Type.Array(Type.Object({ ...Located, state: Type.String(), body: Type.String(), commit_id: Type.String(), submitted_at: Nullable(Type.String()) })),
  reactions: Type.Array(Type.Object({ ...Located, content: Type.String(), on_comment: Type.Boolean(), created_at: Type.String() })),
  subscriptions: Type.Object({
    conversations: Type.Array(Type.Object({ ...Located, subscribed: Type.Boolean() })),
    watching: Type.Array(Type.String()),
  }),
  memberships: Type.Object({
    teams: Type.Array(Type.Object({ organization: Type.String(), team: Type.String(), permission: Type.String() })),
    collaborations: Type.Array(Type.Object({ repository: Type.String(), permission: Type.String() })),
  }),
  audit_events: Type.Array(
    Type.Object({ action: Type.String(), target: Type.String(), data: Type.Unknown(), ip: Nullable(Type.String()), created_at: Type.String() }),
  ),
});
export type AccountExport = Static<typeof AccountExport>;

/** What happens to what a deleted account wrote: kept under the "deleted user" (GitLab's ghost), or removed. */
export const ContentChoice = Type.Union([Type.Literal('ghost'), Type.Literal('remove')], { default: 'ghost' });
export type ContentChoice = Static<typeof ContentChoice>;

/** `DELETE /api/v1/user` (Fabrique's own): the password confirms it (an account without one signs in again first). */
export const DeleteAccountBody = Type.Object({
  password: Type.Optional(Type.String({ maxLength: 1024 })),
  content: ContentChoice,
});
export type DeleteAccountBody = Static<typeof DeleteAccountBody>;
