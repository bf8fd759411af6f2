import { Type, type Static } from '@sinclair/typebox';
import { Message } from '../repos/schema.js';

export const errors = { 401: Message, 403: Message, 404: Message, 422: Message };

const Status = Type.Union([Type.Literal('unread'), Type.Literal('read'), Type.Literal('pinned')]);
const SubjectType = Type.Union([Type.Literal('issue'), Type.Literal('pull'), Type.Literal('commit'), Type.Literal('repository')]);

/** Gitea's paging, up to 50 a page. */
const page = Type.Optional(Type.Integer({ minimum: 1, default: 1 }));
const limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 30 }));

/** Gitea's notification list query: repeated `status-types` and `subject-type`, RFC 3339 `since` and `before`. */
export const NotificationListQuery = Type.Object({
  all: Type.Optional(Type.Boolean()),
  'status-types': Type.Optional(Type.Array(Status)),
  'subject-type': Type.Optional(Type.Array(SubjectType)),
  since: Type.Optional(Type.String({ maxLength: 64 })),
  before: Type.Optional(Type.String({ maxLength: 64 })),
  page,
  limit,
});
export type NotificationListQuery = Static<typeof NotificationListQuery>;

/** Gitea's "mark notifications as read" query: those updated before `last_read_at` (now by default) take `to-status`. */
export const MarkNotificationsQuery = Type.Object({
  last_read_at: Type.Optional(Type.String({ maxLength: 64 })),
  all: Type.Optional(Type.Boolean()),
  'status-types': Type.Optional(Type.Array(Status)),
  'to-status': Type.Optional(Status),
});
export type MarkNotificationsQuery = Static<typeof MarkNotificationsQuery>;

export const ThreadParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const ThreadStatusQuery = Type.Object({ 'to-status': Type.Optional(Status) });

export const Paging = Type.Object({ page, limit });
export const ConversationParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }) });
export const ConversationUserParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }), user: Type.String() });
