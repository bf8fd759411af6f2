import { Type, type Static } from '@sinclair/typebox';

export const SetupStatus = Type.Object({ needed: Type.Boolean() });

export const SetupBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200 }),
  username: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type SetupBody = Static<typeof SetupBody>;

export const CreatedUser = Type.Object({
  id: Type.Integer(),
  login: Type.String(),
  email: Type.String(),
  is_admin: Type.Boolean(),
});

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
