import { Type, type Static } from '@sinclair/typebox';

/** A security event of the audit trail (Fabrique's own shape: Gitea has no audit API). */
export const AuditEvent = Type.Object({
  id: Type.Integer(),
  actor_id: Type.Union([Type.Integer(), Type.Null()]),
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
  created: Type.String(),
});
export type AuditEvent = Static<typeof AuditEvent>;

/** A repository as `GET /admin/repos` lists it (Fabrique's own: Gitea lists through `/repos/search`). */
export const AdminRepository = Type.Object({
  id: Type.Integer(),
  full_name: Type.String(),
  owner: Type.String(),
  name: Type.String(),
  private: Type.Boolean(),
  archived: Type.Boolean(),
  empty: Type.Boolean(),
  mirror: Type.Boolean(),
  /** Gitea's `size`: kilobytes on disk, as measured after the last push or maintenance. */
  size: Type.Integer(),
  last_push: Type.Union([Type.String(), Type.Null()]),
  /** A mirror's last successful sync and the error of its last attempt ('' when it succeeded). */
  mirror_updated: Type.Union([Type.String(), Type.Null()]),
  mirror_error: Type.String(),
  created_at: Type.String(),
});
export type AdminRepository = Static<typeof AdminRepository>;

/** Gitea's Cron: one of the site's background tasks, with Fabrique's last duration and error. */
export const CronTask = Type.Object({
  name: Type.String(),
  schedule: Type.String(),
  next: Type.String(),
  prev: Type.String(),
  exec_times: Type.Integer(),
  last_duration_ms: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.String(),
});
export type CronTask = Static<typeof CronTask>;

/** What the system page shows: versions, disk use, queues and what failed last. */
export const SystemInfo = Type.Object({
  version: Type.String(),
  node_version: Type.String(),
  git_version: Type.String(),
  repos_bytes: Type.Integer(),
  data_bytes: Type.Integer(),
  free_bytes: Type.Integer(),
  counts: Type.Object({ users: Type.Integer(), organizations: Type.Integer(), repositories: Type.Integer() }),
  queues: Type.Object({ pending_deliveries: Type.Integer(), failed_deliveries: Type.Integer(), failing_mirrors: Type.Integer() }),
  cron: Type.Array(CronTask),
  failed_deliveries: Type.Array(
    Type.Object({
      uuid: Type.String(),
      hook_id: Type.Integer(),
      url: Type.String(),
      event: Type.String(),
      error: Type.String(),
      response_status: Type.Union([Type.Integer(), Type.Null()]),
      attempted_at: Type.Union([Type.String(), Type.Null()]),
      repository: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  failing_mirrors: Type.Array(
    Type.Object({
      full_name: Type.String(),
      last_error: Type.String(),
      last_sync_at: Type.Union([Type.String(), Type.Null()]),
      next_sync_at: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type SystemInfo = Static<typeof SystemInfo>;

/** Gitea's TransferRepoOption (team_ids are not used: an administrator's transfer gives no team access). */
export const TransferRepoOption = Type.Object({
  new_owner: Type.String({ minLength: 1, maxLength: 100 }),
  team_ids: Type.Optional(Type.Array(Type.Integer())),
});
export type TransferRepoOption = Static<typeof TransferRepoOption>;
