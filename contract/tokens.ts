import { Type, type Static } from '@sinclair/typebox';

/** Gitea's AccessToken; `sha1` (the value) only in the answer that created it. */
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

/** Gitea's CreateAccessTokenOption. */
export const CreateAccessTokenBody = Type.Object({
  name: Type.String({ maxLength: 255 }),
  scopes: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32, default: [] }),
});
export type CreateAccessTokenBody = Static<typeof CreateAccessTokenBody>;
