import type { FastifyPluginAsync } from 'fastify';
import { access, constants } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { databaseAnswers } from '../../../views/account.js';

const Health = Type.Object({ status: Type.Union([Type.Literal('pass'), Type.Literal('fail')]), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

/** GET /api/healthz: 200 once the database answers and the repositories folder is writable, 503 otherwise. */
const healthRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/healthz', { config: { scope: 'none' }, schema: { tags: ['misc'], response: { 200: Health, 503: Health } } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    checks.database = await databaseAnswers(fastify.reads) ? 'pass' : 'fail';
    try {
      await access(fastify.forge.config.reposDir, constants.W_OK | constants.X_OK);
      checks.repositories = 'pass';
    } catch {
      checks.repositories = 'fail';
    }
    const ok = Object.values(checks).every((c) => c === 'pass');
    return reply.status(ok ? 200 : 503).header('cache-control', 'no-store').send({ status: ok ? 'pass' : 'fail', checks });
  });
};

export default healthRoutes;
