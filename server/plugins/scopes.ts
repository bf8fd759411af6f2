import fp from 'fastify-plugin';
import type { RouteOptions } from 'fastify';
import type { Actor, Scope } from '../auth/policy.js';
import { forbidden } from '../errors.js';

/**
 * The token scope a route needs, declared in its options next to its schema. `none` says the route
 * needs no scope at all: a public page, or one that takes no token (sign-in, setup, git's hook).
 */
export type RouteScope = Exclude<Scope, 'all'> | 'none';

/** Whether a token's scopes grant a route's scope: `all` grants everything, write:X grants read:X. */
export function scopeGranted(scopes: ReadonlySet<Scope>, needed: RouteScope): boolean {
  if (needed === 'none' || scopes.has('all') || scopes.has(needed)) return true;
  const [level, family] = needed.split(':');
  return level === 'read' && scopes.has(`write:${family}` as Scope);
}

/** The scope a token lacks for this route, or null when the actor may go on (sessions and passwords carry every scope). */
export function missingScope(actor: Actor, needed: RouteScope): RouteScope | null {
  if (actor.kind !== 'user' || actor.via !== 'token' || actor.scopes === null) return null;
  return scopeGranted(actor.scopes, needed) ? null : needed;
}

/**
 * Makes every route declare its token scope (`config: { scope }`) and refuses a token without it.
 * A route registered without one stops the start, so that a new route cannot forget. The check runs
 * on request, once the actor is known and before the body is read or validated: a token's missing
 * scope is a 403 whatever it sent.
 */
export default fp(
  async (fastify) => {
    const routes: RouteOptions[] = [];
    fastify.addHook('onRoute', (route) => {
      routes.push(route);
    });
    // Checked once every onRoute hook has run: a plugin that cannot take route options (the static
    // assets) gets its scope from an onRoute hook of its own context, which runs after this one.
    fastify.addHook('onReady', async () => {
      const undeclared: string[] = [];
      for (const route of routes) {
        if (route.config?.scope === undefined) undeclared.push(`${String(route.method)} ${route.url}`);
      }
      if (undeclared.length > 0) throw new Error(`Routes without a declared token scope (config.scope): ${undeclared.join(', ')}`);
    });

    fastify.addHook('onRequest', async (request) => {
      // Not-found answers have no route, hence no scope: they reveal nothing a token could be refused.
      const needed = request.routeOptions.config.scope;
      if (needed === undefined) return;
      const missing = missingScope(request.actor, needed);
      if (missing !== null) throw forbidden(`This token lacks the ${missing} scope.`);
    });
  },
  { name: 'fabrique-scopes', dependencies: ['fabrique-auth'] },
);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The token scope this route needs; see server/plugins/scopes.ts. */
    scope?: RouteScope;
  }
}
