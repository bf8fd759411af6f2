import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { GitCache } from '../git/cache.js';
import type { Actor, Policy } from '../auth/policy.js';

/** What every view reads with: the stores, the configuration, the one policy and the instance's git object cache. */
export interface ReadContext {
  db: Db;
  config: Config;
  policy: Policy;
  gitCache: GitCache;
}

/** Who a view reads for. */
export interface Viewer {
  actor: Actor;
}
