import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { GitCache } from '../git/cache.js';
import type { Actor, Policy } from '../auth/policy.js';
import type { ImageLinks } from '../lib/image-links.js';

/** What every view reads with: the stores, the configuration, the one policy, the instance's git object cache and its image links. */
export interface ReadContext {
  db: Db;
  config: Config;
  policy: Policy;
  gitCache: GitCache;
  /** Signs the image proxy's links in rendered Markdown. */
  images: ImageLinks;
}

/** Who a view reads for. */
export interface Viewer {
  actor: Actor;
}
