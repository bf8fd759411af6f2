import { Lru } from '../lib/lru.js';

/**
 * What the server keeps in memory about one repository: isomorphic-git's `cache` object (parsed
 * pack indexes, which it never evicts on its own) and memoised results of walks (histories, last
 * commits, parsed trees and commits). Everything in `memo` is keyed by object ids, so it stays
 * true until the repository's packs are rewritten, when `GitCache.drop` forgets it all.
 */
export interface RepoCache {
  /** Passed as `cache` to every isomorphic-git call on this repository. */
  readonly iso: object;
  /** Memoised reads keyed by a kind prefix and object ids (`commit:<oid>`, `tree:<oid>`, ...). */
  readonly memo: Lru<string, unknown>;
}

const MAX_REPOSITORIES = 64;
const MEMO_ENTRIES = 20_000;

/**
 * Blob contents are kept apart, bounded by bytes rather than entries: reading a blob from a pack
 * applies its delta chain each time, the most expensive read a page does. Small blobs only.
 */
const BLOB_BYTES = 64 * 1024 * 1024;
const BLOB_MAX = 512 * 1024;

/**
 * The git object cache of one app instance (64 repositories, 64 MB of blobs), created and dropped
 * with it: entries are keyed by the repository's absolute path and by object ids, and drops reach
 * it through the instance's event bus (`repo-cache-drop`), so that every process keeps its own.
 */
export class GitCache {
  private readonly repos = new Lru<string, RepoCache>(MAX_REPOSITORIES);
  private readonly blobs = new Lru<string, Uint8Array>(100_000, { maxWeight: BLOB_BYTES, weigh: (b) => b.byteLength });

  /** The cache of the repository at this path, created on first use; the least recently used repository's is dropped beyond 64. */
  repo(path: string): RepoCache {
    let cache = this.repos.get(path);
    if (!cache) {
      cache = { iso: {}, memo: new Lru(MEMO_ENTRIES) };
      this.repos.set(path, cache);
    }
    return cache;
  }

  /** Forgets everything cached about a repository's objects: after a push, a mirror sync, maintenance (repack, gc), a rename or a deletion. */
  drop(path: string): void {
    this.repos.delete(path);
  }

  /** A blob's bytes from the blob cache, read with `read` on a miss. */
  async blob(path: string, oid: string, read: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const key = `${path}\0${oid}`;
    const hit = this.blobs.get(key);
    if (hit) return hit;
    const bytes = await read();
    if (bytes.byteLength <= BLOB_MAX) this.blobs.set(key, bytes);
    return bytes;
  }
}

/** Returns the memoised value for `key`, computing and storing it on a miss. */
export async function memoise<T>(cache: RepoCache, key: string, compute: () => Promise<T>): Promise<T> {
  const hit = cache.memo.get(key);
  if (hit !== undefined) return hit as T;
  const value = await compute();
  cache.memo.set(key, value);
  return value;
}
