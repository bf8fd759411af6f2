import { Type, type Static } from '@sinclair/typebox';

export const RepoParams = Type.Object({
  owner: Type.String({ minLength: 1, maxLength: 100 }),
  repo: Type.String({ minLength: 1, maxLength: 104 }),
});
export type RepoParams = Static<typeof RepoParams>;

export const InfoRefsQuery = Type.Object({ service: Type.Optional(Type.String({ maxLength: 64 })) });

const ObjectId = Type.String({ pattern: '^[0-9a-f]{40}$' });

/** What the pre-receive hook sends: git's ref updates and the quarantine's object directories. */
export const HookBody = Type.Object({
  hook: Type.Literal('pre-receive'),
  updates: Type.Array(Type.Object({ oldId: ObjectId, newId: ObjectId, ref: Type.String({ minLength: 6, maxLength: 1024 }) }), {
    maxItems: 100_000,
  }),
  objectDirectory: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]),
  alternateObjectDirectories: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]),
  quarantinePath: Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]),
});

export const HookAnswer = Type.Object({ ok: Type.Boolean(), messages: Type.Array(Type.String()) });
