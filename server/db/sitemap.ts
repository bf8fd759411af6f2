import type { Db } from './index.js';

/** A page a search engine may index, with when it last changed. */
export interface SitemapEntry {
  path: string;
  updated_at: string;
}

/**
 * Public repositories of public owners, and public organisations: everything an anonymous visitor
 * can browse, newest first, at most `limit` of each.
 */
export async function listPublicPages(db: Db, limit: number): Promise<{ repos: SitemapEntry[]; orgs: SitemapEntry[] }> {
  const repos = await db
    .prepare(
      `SELECT u.username || '/' || r.name AS path, r.updated_at
         FROM repositories r JOIN users u ON u.id = r.owner_id
        WHERE r.is_private = 0 AND u.visibility = 'public'
        ORDER BY r.updated_at DESC LIMIT ?`,
    )
    .all(limit) as SitemapEntry[];
  const orgs = await db
    .prepare(
      `SELECT username AS path, updated_at FROM users
        WHERE type = 'org' AND visibility = 'public'
        ORDER BY updated_at DESC LIMIT ?`,
    )
    .all(limit) as SitemapEntry[];
  return { repos, orgs };
}
