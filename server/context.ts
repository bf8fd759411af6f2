import type { Config } from './config.js';
import type { Db } from './db/index.js';
import type { GitCache } from './git/cache.js';
import type { PackCache } from './git/pack-cache.js';
import type { EventBus } from './services/events.js';
import type { JobLock } from './services/jobs.js';
import type { MergeabilityChecker } from './services/mergeability.js';

/** What every plugin and route reaches through `fastify.forge`: configuration and stores. */
export interface Forge {
  config: Config;
  db: Db;
  /** Directory of the built web app (index.html and hashed assets). */
  webDir: string;
  /** One-time setup token for the first administrator, while no account exists. */
  setupToken: string | null;
  /** This process's id among the replicas (the `replicas` table), written with the pushes it begins. */
  replicaId: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    forge: Forge;
    /** This instance's forge events (`pushed`, `repo-cache-drop`): subscribe here, never to a module. */
    events: EventBus;
    /** This instance's lock for named background jobs (maintenance, mirror syncs, mergeability checks). */
    jobs: JobLock;
    /** This instance's one mergeability checker, shared by every plugin that moves refs. */
    mergeability: MergeabilityChecker;
    /** This instance's git object cache; `repo-cache-drop` on the bus drops a repository from it. */
    gitCache: GitCache;
    /** This instance's cache of identical upload-pack answers (clone storms); null when FORGE_PACK_CACHE is off. */
    packCache: PackCache | null;
  }
}
