import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRow } from '../db/users.js';
import { closeSession, openSession, resumeSession, SESSION_COOKIE, SESSION_LIFETIME_MS, type ActiveSession } from '../auth/sessions.js';
import { createPassport, type Passport } from '../auth/passport.js';
import { deleteExpiredSessions } from '../db/sessions.js';

/** Opening and closing sign-in sessions from routes (password and OpenID sign-in, sign-out). */
export interface SessionControl {
  /** Opens a session for the account and sets the cookie on the reply. */
  open(request: FastifyRequest, reply: FastifyReply, user: UserRow): Promise<ActiveSession>;
  /** Ends the request's session, if any, and clears the cookie. */
  close(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/**
 * Server-side sessions in SQLite behind the `fabrique_session` cookie, and passport for checking
 * credentials. `request.session` is the live session (or null) before the auth plugin runs, which
 * turns it into `request.actor`. The cookie is Secure whenever the base URL is https, even behind
 * a TLS-terminating proxy that speaks plain HTTP to us.
 */
export default fp(
  async (fastify) => {
    const { db, config } = fastify.forge;
    if (!fastify.hasDecorator('parseCookie')) await fastify.register(cookie, { secret: config.secret });
    const cookieOptions = {
      httpOnly: true,
      sameSite: 'lax' as const,
      path: '/',
      secure: config.baseUrl.startsWith('https:'),
    };

    // @fastify/passport's initialize() needs a `session` request decorator: this is ours.
    fastify.decorateRequest('session', null);
    fastify.addHook('onRequest', async (request) => {
      request.session = await resumeSession(db, request.cookies[SESSION_COOKIE]);
    });

    const passport = createPassport(db);
    fastify.decorate('passport', passport);
    await fastify.register(passport.initialize());

    fastify.decorate<SessionControl>('sessions', {
      async open(request, reply, user) {
        if (request.session) await closeSession(db, request.session);
        const { value, row } = await openSession(db, user, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
        reply.setCookie(SESSION_COOKIE, value, { ...cookieOptions, maxAge: SESSION_LIFETIME_MS / 1000 });
        request.session = { row, user };
        return request.session;
      },
      async close(request, reply) {
        if (request.session) await closeSession(db, request.session);
        request.session = null;
        reply.clearCookie(SESSION_COOKIE, cookieOptions);
      },
    });

    await deleteExpiredSessions(db);
    const sweep = setInterval(() => {
      deleteExpiredSessions(db).catch((err: unknown) => fastify.log.error({ err }, 'expired sessions sweep failed'));
    }, 60 * 60 * 1000);
    sweep.unref();
    fastify.addHook('onClose', async () => clearInterval(sweep));
  },
  { name: 'fabrique-session', dependencies: ['fabrique-db'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    passport: Passport;
    sessions: SessionControl;
  }
  interface FastifyRequest {
    session: ActiveSession | null;
  }
}
