import { Type } from '@sinclair/typebox';
import { AdminRepository, AuditEvent, CronTask, SystemInfo, TransferRepoOption } from '../../../../contract/admin.js';
import { ContentChoice } from '../../../../contract/account-data.js';

export { AdminRepository, AuditEvent, CronTask, SystemInfo, TransferRepoOption };

/** Gitea's CreateUserOption (the fields Fabrique uses; others are accepted and ignored). */
export const CreateUserBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  full_name: Type.Optional(Type.String({ maxLength: 255 })),
  must_change_password: Type.Optional(Type.Boolean()),
  send_notify: Type.Optional(Type.Boolean()),
});

/** Gitea's EditUserOption: suspension, the administrator flag, full name and email (other fields are accepted and ignored). */
export const EditUserBody = Type.Object({
  prohibit_login: Type.Optional(Type.Boolean()),
  admin: Type.Optional(Type.Boolean()),
  full_name: Type.Optional(Type.String({ maxLength: 255 })),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
});

/** Gitea's `?purge=true`: delete the account's repositories with it; Fabrique's `content`: keep what it wrote as the deleted user's, or remove it. */
export const DeleteUserQuery = Type.Object({ purge: Type.Boolean({ default: false }), content: ContentChoice });

/** Gitea's paging, with `q` searching names (and `login_name`, exact, for users). */
export const AdminListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 30 }),
  q: Type.Optional(Type.String({ maxLength: 255 })),
  login_name: Type.Optional(Type.String({ maxLength: 100 })),
});

/** An ISO date or date-time (a date alone is the whole day). */
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+Z?)?$', maxLength: 40 });

export const AuditQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  action: Type.Optional(Type.String({ maxLength: 64 })),
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  /** `owner/name`: the events of one repository. */
  repo: Type.Optional(Type.String({ maxLength: 201 })),
  since: Type.Optional(IsoDate),
  until: Type.Optional(IsoDate),
});

export const CronParams = Type.Object({ task: Type.String({ minLength: 1, maxLength: 64 }) });
