import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { ForgeError } from '../errors.js';

/** Maps every error to Gitea's `{"message": ...}` shape; a 5xx answers a generic message and logs the cause. */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError | ForgeError, request, reply) => {
      if (error instanceof ForgeError) {
        return reply.status(error.status).send({ message: error.message, ...error.data });
      }
      if ('validation' in error && error.validation) {
        return reply.status(422).send({ message: `Invalid input: ${error.message}` });
      }
      const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.status(status).send({ message: 'Internal server error. The incident was logged.' });
      }
      return reply.status(status).send({ message: error.message });
    });
  },
  { name: 'fabrique-errors' },
);
