import fastifyPassport from '@fastify/passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Db } from '../db/index.js';
import { verifyCredentials, type SignInFailure } from './credentials.js';

/** What the local strategy tells the sign-in route when it refuses credentials. */
export interface LocalFailure {
  message: string;
  reason: SignInFailure;
}

/** An @fastify/passport authenticator. */
export type Passport = InstanceType<typeof fastifyPassport.Authenticator>;

/**
 * One passport instance per app (never the module singleton, so that several forges in one process,
 * as in the tests, keep their own database). Passport checks credentials; Fabrique's own SQLite
 * sessions (server/auth/sessions.ts) keep the sign-in, so passport's session manager is not used.
 */
export function createPassport(db: Db): Passport {
  const passport = new fastifyPassport.Authenticator({ key: 'passport', userProperty: 'passportUser' });
  passport.use(
    'local',
    new LocalStrategy({ usernameField: 'username', passwordField: 'password', session: false }, (username, password, done) => {
      verifyCredentials(db, username, password).then(
        (result) => {
          if ('user' in result) return done(null, result.user);
          const failure: LocalFailure = { message: 'refused', reason: result.failure };
          return done(null, false, failure);
        },
        (err: unknown) => done(err),
      );
    }),
  );
  return passport;
}
