import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './nullable.js';

import { WEBHOOK_TYPES } from './webhook-events.js';

export { WEBHOOK_EVENTS, WEBHOOK_TYPES, type WebhookEvent } from './webhook-events.js';

const HookType = Type.Union(WEBHOOK_TYPES.map((t) => Type.Literal(t)));
const ContentType = Type.Union([Type.Literal('json'), Type.Literal('form')]);

/** Gitea's Hook. The secret is never answered; `disabled_reason` is Fabrique's: why the forge turned it off. */
export const Hook = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  branch_filter: Type.String(),
  config: Type.Object({ url: Type.String(), content_type: ContentType, http_method: Type.String() }),
  events: Type.Array(Type.String()),
  authorization_header: Type.String(),
  active: Type.Boolean(),
  disabled_reason: Type.String(),
  updated_at: Type.String(),
  created_at: Type.String(),
});
export type Hook = Static<typeof Hook>;

const Events = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 });
const BranchFilter = Type.String({ maxLength: 1000 });

/** Gitea's CreateHookOption (`config.url` required; `active` false unless said, as in Gitea). `*` in events: every event (Fabrique's). */
export const CreateHookOption = Type.Object({
  type: HookType,
  config: Type.Object({
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    content_type: Type.Optional(ContentType),
    secret: Type.Optional(Type.String({ maxLength: 255 })),
    http_method: Type.Optional(Type.Literal('post')),
  }),
  events: Type.Optional(Events),
  branch_filter: Type.Optional(BranchFilter),
  active: Type.Optional(Type.Boolean()),
});
export type CreateHookOption = Static<typeof CreateHookOption>;

/** Gitea's EditHookOption: absent fields are left as they are (an absent secret too). */
export const EditHookOption = Type.Object({
  config: Type.Optional(
    Type.Object({
      url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
      content_type: Type.Optional(ContentType),
      secret: Type.Optional(Type.String({ maxLength: 255 })),
      http_method: Type.Optional(Type.Literal('post')),
    }),
  ),
  events: Type.Optional(Events),
  branch_filter: Type.Optional(BranchFilter),
  active: Type.Optional(Type.Boolean()),
});
export type EditHookOption = Static<typeof EditHookOption>;

/** One delivery of a hook (Fabrique's; Gitea shows these only in its web UI): what was sent and received. */
export const HookDelivery = Type.Object({
  uuid: Type.String(),
  event: Type.String(),
  event_type: Type.String(),
  is_test: Type.Boolean(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  next_attempt_at: Nullable(Type.String()),
  request: Type.Object({ url: Type.String(), headers: Type.Record(Type.String(), Type.String()), body: Type.String() }),
  response: Type.Object({
    status: Nullable(Type.Integer()),
    headers: Type.Record(Type.String(), Type.String()),
    body: Type.String(),
  }),
  error: Type.String(),
  duration_ms: Nullable(Type.Integer()),
  created_at: Type.String(),
  delivered_at: Nullable(Type.String()),
});
export type HookDelivery = Static<typeof HookDelivery>;
