import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
  /** What `iso` may grow to, estimated from the repository's packs when the cache was made. */
  readonly packBytes: number;
}

/** How much the git object cache of an instance may hold (FORGE_GIT_CACHE_BYTES, FORGE_GIT_BLOB_CACHE_BYTES). */
export interface GitCacheLimits {
  /** The repositories' object caches in all, in bytes as `packWeight` estimates them. */
  repoBytes: number;
  /** Blob contents, in bytes. */
  blobBytes: number;
}

/** The defaults: measured to keep a server under 200 MB of RSS with an 11,000-commit repository (bench/memory.ts). */
export const DEFAULT_GIT_CACHE_LIMITS: GitCacheLimits = { repoBytes: 96 * 1024 * 1024, blobBytes: 16 * 1024 * 1024 };

const MAX_REPOSITORIES = 64;
const MEMO_ENTRIES = 5_000;
/** Blob contents are kept only for small blobs: a page reads those again and again (delta chains applied each time). */
const BLOB_MAX = 512 * 1024;
/**
 * isomorphic-git reads a whole pack file into memory and keeps, for its index, a Map from every
 * object id (a 40-character string) to its offset: about six times the `.idx` file's size.
 */
const INDEX_EXPANSION = 6;

/** What isomorphic-git's cache of a repository grows to once it has read from every pack: the packs, and their indexes expanded. */
export function packWeight(gitdir: string): number {
  const dir = join(gitdir, 'objects', 'pack');
  let bytes = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.endsWith('.pack') && !name.endsWith('.idx')) continue;
    try {
      const size = statSync(join(dir, name)).size;
      bytes += name.endsWith('.idx') ? size * INDEX_EXPANSION : size;
    } catch {
      // removed by a repack meanwhile: the drop that follows it makes a new estimate
    }
  }
  return bytes;
}

/**
 * The git object cache of one app instance, created and dropped with it, bounded by bytes
 * (`GitCacheLimits`: the repositories' caches by the size of their packs, blobs by their length) and
 * by entries (64 repositories, 5,000 memoised reads each): entries are keyed by the repository's
 * absolute path and by object ids, and drops reach it through the instance's event bus
 * (`repo-cache-drop`), so that every process keeps its own.
 */
export class GitCache {
  private readonly repos: Lru<string, RepoCache>;
  private readonly blobs: Lru<string, Uint8Array>;

  constructor(limits: GitCacheLimits = DEFAULT_GIT_CACHE_LIMITS) {
    this.repos = new Lru(MAX_REPOSITORIES, { maxWeight: limits.repoBytes, weigh: (cache) => cache.packBytes });
    this.blobs = new Lru(100_000, { maxWeight: limits.blobBytes, weigh: (b) => b.byteLength });
  }

  /**
   * The cache of the repository at this path, created on first use; the least recently used
   * repositories' are dropped beyond 64 or past the byte bound (the one in use is always kept).
   */
  repo(path: string): RepoCache {
    let cache = this.repos.get(path);
    if (!cache) {
      cache = { iso: {}, memo: new Lru(MEMO_ENTRIES), packBytes: packWeight(path) };
      this.repos.set(path, cache);
    }
    return cache;
  }

  /** Forgets everything cached about a repository's objects: after a push, a mirror sync, maintenance (repack, gc), a rename or a deletion. */
  drop(path: string): void {
    this.repos.delete(path);
  }

  /** Forgets every repository's objects: when this process may have missed drops (a replica cut off from the others' events). */
  dropAll(): void {
    this.repos.clear();
  }

  /** What the cache holds now (for the memory benchmark and /metrics). */
  usage(): { repositories: number; packBytes: number; memoEntries: number; blobBytes: number } {
    let memoEntries = 0;
    for (const cache of this.repos.values()) memoEntries += cache.memo.size;
    return { repositories: this.repos.size, packBytes: this.repos.weightNow, memoEntries, blobBytes: this.blobs.weightNow };
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
