import fp from 'fastify-plugin';

/**
 * JSON request bodies as Gitea reads them: `Content-Type: application/json` with an empty body
 * (how many clients, and Gitea's own docs, call action endpoints such as `mirror-sync`) means "no
 * options" rather than a parse error. A route with a body schema gets `{}`, so that its defaults
 * apply and its required fields are named by validation; any other body is parsed as before.
 */
export default fp(
  async (fastify) => {
    const parseJson = fastify.getDefaultJsonParser('error', 'error');
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = body.toString();
      if (text.trim() === '') {
        done(null, request.routeOptions.schema?.body ? {} : undefined);
        return;
      }
      void parseJson(request, text, done);
    });
  },
  { name: 'fabrique-json-body' },
);
