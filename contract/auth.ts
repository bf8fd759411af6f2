import { Type, type Static } from '@sinclair/typebox';
import { User } from './users.js';

/** `POST /auth/signin`: a username or email address, and the page that asked for the sign-in. */
export const SignInBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 254, description: 'Username or email address' }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  redirect_to: Type.Optional(Type.String({ maxLength: 2048, description: 'The page that asked for a sign-in (`?redirect_to=`)' })),
});
export type SignInBody = Static<typeof SignInBody>;

/** `POST /auth/signup`. */
export const SignUpBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  full_name: Type.Optional(Type.String({ maxLength: 255 })),
});
export type SignUpBody = Static<typeof SignUpBody>;

/** The browser's view of its session: the account (or null) and the CSRF token to send on every change. */
export const SessionInfo = Type.Object({
  user: Type.Union([User, Type.Null()]),
  csrf_token: Type.Union([Type.String(), Type.Null()]),
});
export type SessionInfo = Static<typeof SessionInfo>;

/** A sign-in's answer: the session, and where the browser goes next (a path of this forge, `/` for anything else). */
export const SignInResult = Type.Object({
  ...SessionInfo.properties,
  redirect_to: Type.String(),
});
export type SignInResult = Static<typeof SignInResult>;

/** How one may sign in on this forge: password, sign-up when open, and the OpenID provider when configured. */
export const Providers = Type.Object({
  password: Type.Boolean(),
  signup: Type.Boolean(),
  oidc: Type.Union([Type.Object({ name: Type.String(), url: Type.String() }), Type.Null()]),
  /** Whether the forge sends mail: without it, a forgotten password is reset by an administrator. */
  mail: Type.Boolean(),
});
export type Providers = Static<typeof Providers>;

/** Whether the forge still waits for its first administrator. */
export const SetupStatus = Type.Object({ needed: Type.Boolean() });
export type SetupStatus = Static<typeof SetupStatus>;

/** The setup form: the one-time token from the server log and the first administrator's account. */
export const SetupBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200 }),
  username: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type SetupBody = Static<typeof SetupBody>;

/** The administrator account the setup created. */
export const CreatedUser = Type.Object({
  id: Type.Integer(),
  login: Type.String(),
  email: Type.String(),
  is_admin: Type.Boolean(),
});
export type CreatedUser = Static<typeof CreatedUser>;
