import type { Config } from './config.js';
import type { Db } from './db/index.js';

/** What every plugin and route reaches through `fastify.forge`: configuration and stores. */
export interface Forge {
  config: Config;
  db: Db;
  /** Directory of the built web app (index.html and hashed assets). */
  webDir: string;
  /** One-time setup token for the first administrator, while no account exists. */
  setupToken: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    forge: Forge;
  }
}
