import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';

/**
 * Generates the OpenAPI document from every route's schema, served at /api/v1/openapi.json. Each
 * operation says the token scope it needs (`x-token-scope`, the route's `config.scope`, see
 * plugins/scopes.ts) and, unless that is `none`, the credentials that carry it.
 */
export default fp(
  async (fastify) => {
    await fastify.register(swagger, {
      openapi: {
        info: {
          title: 'Fabrique API',
          description: "Fabrique's REST API: a Gitea-compatible subset under /api/v1.",
          version: '0.1.0',
        },
        components: {
          securitySchemes: {
            Token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'token <personal access token>' },
            BasicAuth: { type: 'http', scheme: 'basic' },
          },
        },
      },
      transform: ({ schema, url, route }) => {
        const scope = route.config?.scope ?? 'none';
        const security: Array<Record<string, string[]>> = scope === 'none' ? [] : [{ Token: [] }, { BasicAuth: [] }];
        return { schema: { ...schema, security, 'x-token-scope': scope }, url };
      },
    });
    fastify.get('/api/v1/openapi.json', { config: { scope: 'none' }, schema: { hide: true } }, async () => fastify.swagger());
  },
  { name: 'fabrique-openapi' },
);
