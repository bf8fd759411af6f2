import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Actor, Policy } from '../auth/policy.js';

/** What every view reads with: the stores, the configuration and the one policy. */
export interface ReadContext {
  db: Db;
  config: Config;
  policy: Policy;
}

/** Who a view reads for. */
export interface Viewer {
  actor: Actor;
}
