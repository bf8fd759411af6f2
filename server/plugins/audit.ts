import fp from 'fastify-plugin';
import { startAuditRetention } from '../services/audit.js';

/** Erases audit IP addresses older than FORGE_LOG_RETENTION_DAYS at start and then daily. */
export default fp(
  async (fastify) => {
    const { db, config } = fastify.forge;
    const stop = await startAuditRetention(db, config.logRetentionDays, (err) => fastify.log.error({ err }, 'audit retention failed'));
    fastify.addHook('onClose', async () => stop());
  },
  { name: 'fabrique-audit', dependencies: ['fabrique-db'] },
);
