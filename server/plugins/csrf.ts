import fp from 'fastify-plugin';
import { csrfMatches } from '../auth/sessions.js';
import { ForgeError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request authenticated by the session cookie unless it carries the
 * session's CSRF token in `X-CSRF-Token` (or a `_csrf` form field). Runs before validation and
 * handlers, so a refused request writes nothing. Token and Basic requests carry no ambient
 * authority and are exempt.
 */
export default fp(
  async (fastify) => {
    fastify.addHook('preValidation', async (request) => {
      if (SAFE_METHODS.has(request.method)) return;
      const { actor, session } = request;
      if (actor.kind !== 'user' || actor.via !== 'session' || !session) return;
      const body = request.body as Record<string, unknown> | null | undefined;
      const given = request.headers['x-csrf-token'] ?? (body && typeof body === 'object' ? body._csrf : undefined);
      if (!csrfMatches(session, given)) {
        throw new ForgeError('forbidden', 'Missing or wrong CSRF token: reload the page and try again.');
      }
    });
  },
  { name: 'fabrique-csrf', dependencies: ['fabrique-session', 'fabrique-auth'] },
);
