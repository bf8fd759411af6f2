import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';

/** Gitea's MigrateRepoOptions: the fields Fabrique uses; the others (issues, wiki, lfs, service…) are accepted and ignored. */
export const MigrateRepoOptions = Type.Object({
  clone_addr: Type.String({ minLength: 1, maxLength: 2048, description: 'An http:// or https:// git clone address' }),
  repo_name: Type.String({ minLength: 1, maxLength: 100 }),
  repo_owner: Type.Optional(Type.String({ maxLength: 100, description: 'Account or organisation; the signed-in account when absent' })),
  uid: Type.Optional(Type.Integer()),
  mirror: Type.Optional(Type.Boolean()),
  mirror_interval: Type.Optional(Type.String({ maxLength: 32, description: 'e.g. 8h0m0s; at least 10m; 0 syncs on demand only' })),
  private: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String({ maxLength: 2048 })),
  auth_token: Type.Optional(Type.String({ maxLength: 1024 })),
  auth_username: Type.Optional(Type.String({ maxLength: 255 })),
  auth_password: Type.Optional(Type.String({ maxLength: 1024 })),
  service: Type.Optional(Type.String()),
});
export type MigrateRepoOptions = Static<typeof MigrateRepoOptions>;

/** Fabrique's own: where a repository was imported from and, for a mirror, how its syncs go. */
export const MirrorStatus = Type.Object({
  original_url: Type.String({ description: 'Empty when the repository was not imported' }),
  mirror: Type.Boolean(),
  mirror_interval: Type.String(),
  last_sync_at: Nullable(Type.String()),
  last_error: Type.String(),
  next_sync_at: Nullable(Type.String()),
  can_sync: Type.Boolean({ description: 'Whether the asking actor may start a sync' }),
});
export type MirrorStatus = Static<typeof MirrorStatus>;
