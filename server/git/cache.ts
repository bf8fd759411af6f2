import { Lru } from '../lib/lru.js';

/**
 * What the server keeps in memory about one repository: isomorphic-git's `cache` object (parsed
 * pack indexes, which it never evicts on its own) and memoised results of walks (histories, last
 * commits, parsed trees and commits). Everything in `memo` is keyed by object ids, so it stays
 * true until the repository's packs are rewritten, when `dropRepoCache` forgets it all.
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
 * Module-level on purpose, unlike the rest of the server's state: the bounds (64 repositories, 64 MB
 * of blobs) are the process's memory budget, which app instances in one process must share rather
 * than multiply. Entries are keyed by the repository's absolute path (each instance has its own
 * repositories folder) and by object ids, so instances never read each other's data; drops reach
 * every process through the event bus's `repo-cache-drop`.
 */
const caches = new Lru<string, RepoCache>(MAX_REPOSITORIES);

/** The cache of the repository at this path, created on first use; the least recently used repository's is dropped beyond 64. */
export function repoCache(path: string): RepoCache {
  let cache = caches.get(path);
  if (!cache) {
    cache = { iso: {}, memo: new Lru(MEMO_ENTRIES) };
    caches.set(path, cache);
  }
  return cache;
}

/** Forgets everything cached about a repository: call after a push, a ref update or maintenance (repack, gc). */
export function dropRepoCache(path: string): void {
  caches.delete(path);
}

/**
 * Blob contents are kept apart, bounded by bytes rather than entries: reading a blob from a pack
 * applies its delta chain each time, the most expensive read a page does. Small blobs only.
 */
const BLOB_BYTES = 64 * 1024 * 1024;
const BLOB_MAX = 512 * 1024;
/** Module-level for the same reason as `caches`. */
const blobs = new Lru<string, Uint8Array>(100_000, { maxWeight: BLOB_BYTES, weigh: (b) => b.byteLength });

/** A blob's bytes from the shared blob cache, read with `read` on a miss. */
export async function cachedBlob(path: string, oid: string, read: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const key = `${path}\0${oid}`;
  const hit = blobs.get(key);
  if (hit) return hit;
  const bytes = await read();
  if (bytes.byteLength <= BLOB_MAX) blobs.set(key, bytes);
  return bytes;
}

/** Returns the memoised value for `key`, computing and storing it on a miss. */
export async function memoise<T>(cache: RepoCache, key: string, compute: () => Promise<T>): Promise<T> {
  const hit = cache.memo.get(key);
  if (hit !== undefined) return hit as T;
  const value = await compute();
  cache.memo.set(key, value);
  return value;
}
