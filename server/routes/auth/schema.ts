import { Type } from '@sinclair/typebox';
import { User } from '../api/users/schema.js';

export const SignInBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 254, description: 'Username or email address' }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  redirect_to: Type.Optional(Type.String({ maxLength: 2048, description: 'The page that asked for a sign-in (`?redirect_to=`)' })),
});

export const SignUpBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.String({ minLength: 3, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  full_name: Type.Optional(Type.String({ maxLength: 255 })),
});

/** The browser's view of its session: the account and the CSRF token to send on every change. */
export const SessionInfo = Type.Object({
  user: Type.Union([User, Type.Null()]),
  csrf_token: Type.Union([Type.String(), Type.Null()]),
});

/** A sign-in's answer: the session, and where the browser goes next (a path of this forge, `/` for anything else). */
export const SignInResult = Type.Object({
  ...SessionInfo.properties,
  redirect_to: Type.String(),
});

/** How one may sign in on this forge. */
export const Providers = Type.Object({
  password: Type.Boolean(),
  signup: Type.Boolean(),
  oidc: Type.Union([Type.Object({ name: Type.String(), url: Type.String() }), Type.Null()]),
});
