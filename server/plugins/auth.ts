import fp from 'fastify-plugin';
import { ANONYMOUS, Policy, type Actor } from '../auth/policy.js';
import { SignInThrottle } from '../auth/throttle.js';
import { basicActor, parseAuthorization, tokenActor, type CredentialResult } from '../auth/credentials.js';
import { ForgeError } from '../errors.js';

/**
 * Resolves `request.actor` from the Authorization header (token, Bearer, Basic with a token or a
 * password), or else from the session cookie, before any route runs, and exposes the one policy as
 * `fastify.policy`. Wrong credentials are a 401 with a Basic challenge, so git asks for credentials; a suspended account is a 403.
 */
export default fp(
  async (fastify) => {
    const { db } = fastify.forge;
    fastify.decorate('policy', new Policy(db));
    fastify.decorate('signInThrottle', new SignInThrottle(db));
    // Fastify 5 refuses object defaults on requests; the hook below sets the actor on every request.
    fastify.decorateRequest('actor', null as never);

    fastify.addHook('onRequest', async (request, reply) => {
      request.actor = ANONYMOUS;
      // GitLab clients send their token in `PRIVATE-TOKEN`; a wrong one is a 401 there as everywhere.
      const privateToken = request.headers['private-token'];
      const auth = typeof privateToken === 'string' && !request.headers.authorization ? { scheme: 'token' as const, token: privateToken } : parseAuthorization(request.headers.authorization);
      if (auth.scheme === 'none') {
        // No header: the session cookie (resolved by the session plugin) may name an account.
        if (request.session) request.actor = { kind: 'user', user: request.session.user, via: 'session', scopes: null };
        return;
      }
      let result: CredentialResult;
      if (auth.scheme === 'token') {
        result = await tokenActor(db, auth.token);
        if (!result.ok && result.reason === 'invalid') await fastify.signInThrottle.failedToken(request.ip);
      } else if (auth.scheme === 'basic') result = await basicActor(db, fastify.signInThrottle, request.ip, auth.username, auth.secret);
      else result = { ok: false, reason: 'invalid' };
      if (result.ok) {
        request.actor = result.actor;
        return;
      }
      if (result.reason === 'throttled') {
        reply.header('retry-after', String(result.retryAfter));
        throw new ForgeError('too_many_requests', result.message);
      }
      reply.header('www-authenticate', 'Basic realm="Fabrique"');
      if (result.reason === 'suspended') throw new ForgeError('forbidden', 'This account is suspended.');
      throw new ForgeError('unauthorized', 'Wrong username, password or token.');
    });
  },
  { name: 'fabrique-auth', dependencies: ['fabrique-db'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    policy: Policy;
    /** Counts password and token failures (per account, per client) for every path that checks them. */
    signInThrottle: SignInThrottle;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}
