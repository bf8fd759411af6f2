import fp from 'fastify-plugin';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { migrate, openDb, openPostgres } from '../db/index.js';
import { countAccounts } from '../db/users.js';
import { recover } from '../services/recovery.js';
import { ReplicaPresence } from '../services/replicas.js';
import '../context.js';

interface Options {
  config: Config;
  migrationsDir: string;
  webDir: string;
}

/** Opens the database, applies migrations and exposes `fastify.forge`; closes the database last. */
export default fp<Options>(
  async (fastify, { config, migrationsDir, webDir }) => {
    const db = config.databaseUrl ? await openPostgres(config.databaseUrl) : openDb(join(config.dataDir, 'fabrique.db'));
    try {
      const applied = await migrate(db, migrationsDir);
      if (applied.length > 0) fastify.log.info({ applied }, 'database migrated');
    } catch (err) {
      await db.close();
      throw err;
    }
    // From the secret, not random: every replica sharing the data folder accepts the link any of them printed.
    const setupToken = (await countAccounts(db)) === 0 ? createHmac('sha256', config.secret).update('fabrique setup token').digest().subarray(0, 24).toString('base64url') : null;
    const replica = await ReplicaPresence.start(db, (err) => fastify.log.error({ err }, 'replica heartbeat failed'));
    fastify.decorate('forge', { config, db, webDir, setupToken, replicaId: replica.id });
    // Before the first request, once every plugin is loaded: what a crash of the previous run left
    // (and, while other replicas serve, only what is surely not theirs).
    const startedAt = Date.now() - process.uptime() * 1000;
    fastify.addHook('onReady', async () => {
      const otherReplicas = (await replica.others()).map((r) => r.id);
      await recover({ db, reposDir: config.reposDir, dataDir: config.dataDir, policy: fastify.policy, baseUrl: config.baseUrl, log: fastify.log, startedAt, otherReplicas, checker: fastify.mergeability, events: fastify.events, gitCache: fastify.gitCache });
    });
    fastify.addHook('onListen', async () => {
      if (fastify.forge.setupToken && await countAccounts(db) === 0) {
        fastify.log.info(
          { setupUrl: `${config.baseUrl}/setup?token=${fastify.forge.setupToken}` },
          `No account yet. Create the first administrator here: ${config.baseUrl}/setup?token=${fastify.forge.setupToken}`,
        );
      }
    });
    fastify.addHook('onClose', async () => {
      await replica.close();
      await db.close();
    });
  },
  { name: 'fabrique-db' },
);
