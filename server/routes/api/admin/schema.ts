import { Type } from '@sinclair/typebox';

/** Gitea's CreateUserOption (the fields Fabrique uses; others are accepted and ignored). */
export const CreateUserBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  full_name: Type.Optional(Type.String({ maxLength: 255 })),
  must_change_password: Type.Optional(Type.Boolean()),
  send_notify: Type.Optional(Type.Boolean()),
});

/** Gitea's EditUserOption: suspension and the administrator flag. */
export const EditUserBody = Type.Object({
  prohibit_login: Type.Optional(Type.Boolean()),
  admin: Type.Optional(Type.Boolean()),
});

export const AuditQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  action: Type.Optional(Type.String({ maxLength: 64 })),
});

/** A security event (Fabrique's own shape: Gitea has no audit API). */
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
