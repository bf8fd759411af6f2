import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { close, closeSync, mkdirSync, openSync, read, readdirSync, renameSync, rmSync, statSync, utimesSync, write } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { git } from './exec.js';
import { processAlive } from '../lib/processes.js';

/** How the pack cache is set up: where it writes, how much it keeps and for how long. */
export interface PackCacheOptions {
  /** The folder of pack caches under the data dir; this instance writes in its own subfolder of it. */
  dir: string;
  /** The total size of the finished answers kept; the least recently used go first past it. */
  maxBytes: number;
  /** How long a finished answer is served after git wrote it. */
  ttlMs: number;
  /** Told when git could not be started or failed. */
  onError?: (err: Error, repoPath: string) => void;
}

/** How an answer was served: `miss` started git, `join` followed a git still running, `hit` read a finished file. */
export type PackCacheSource = 'miss' | 'join' | 'hit';

/** Counters since the instance started, for tests and the benchmark. */
export interface PackCacheStats {
  misses: number;
  joins: number;
  hits: number;
  /** Finished answers on disk now, and their total size. */
  entries: number;
  bytes: number;
}

interface Entry {
  key: string;
  /** The file: a temporary name while git writes, renamed once git ended well. */
  path: string;
  /** Bytes of git's answer on disk, which readers may read up to. */
  size: number;
  state: 'running' | 'done' | 'failed';
  /** Readers streaming this entry now: git is stopped when the last one of a running entry leaves. */
  readers: number;
  finishedAt: number;
  /** 'progress' whenever size or state changes. */
  events: EventEmitter;
  child?: ChildProcessWithoutNullStreams;
}

/**
 * What a reader reads at a time. Past malloc's mmap threshold (128 KiB in production, MALLOC_MMAP_THRESHOLD_):
 * each chunk is its own mapping, given back to the system when collected, where 64 KiB chunks of
 * five concurrent clones left the malloc heap 10–15 MB larger after them (bench/memory.ts).
 */
const READ_CHUNK = 256 * 1024;

/**
 * The state of a repository's refs: any push, branch or tag change gives another string. Part of the
 * key because upload-pack's answer depends on them beyond the wants (tags it includes, what it may serve).
 */
export async function refState(repoPath: string): Promise<string> {
  const { stdout } = await git(['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: repoPath });
  return stdout;
}

/** The cache key of an upload-pack request: repository, protocol, refs and the whole request body. */
export function packCacheKey(parts: { repoPath: string; protocol: string | null; refs: string; body: Buffer }): string {
  const hash = createHash('sha256');
  for (const part of [parts.repoPath, parts.protocol ?? '', parts.refs]) hash.update(part).update('\0');
  return hash.update(parts.body).digest('hex');
}


/**
 * Identical upload-pack answers served once, as GitLab's Gitaly pack-objects cache does for CI clone
 * storms: the first request of a key runs git, which writes its answer to a file; every request with the
 * same key, while git runs or after, reads that file from the start and follows it as it grows. Each
 * reader goes at its own pace (the disk absorbs the difference), so a slow client never holds back git
 * or the others. Finished answers are kept for `ttlMs`, within `maxBytes` in all, then deleted.
 */
export class PackCache {
  private readonly dir: string;
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  private bytes = 0;
  private serial = 0;
  private readonly counts = { misses: 0, joins: 0, hits: 0 };

  constructor(private readonly options: PackCacheOptions) {
    mkdirSync(options.dir, { recursive: true });
    // What a crashed instance left: its entries were known to it alone. The folder may be shared by
    // replicas on other machines (or in containers, each its pid 1), so a folder names its host:
    // only this host's are judged by pid; another host's go when untouched for a day.
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_');
    for (const name of readdirSync(options.dir)) {
      const [owner, pidText] = name.split('+');
      const pid = Number(pidText);
      const stale =
        !Number.isInteger(pid) ||
        (owner === host ? pid === process.pid || !processAlive(pid) : (statSync(join(options.dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0) < Date.now() - 24 * 3600_000);
      if (stale) rmSync(join(options.dir, name), { recursive: true, force: true });
    }
    this.dir = join(options.dir, `${host}+${process.pid}+${randomBytes(6).toString('hex')}`);
    mkdirSync(this.dir);
    this.sweeper = setInterval(() => this.sweep(), Math.min(options.ttlMs, 60_000));
    this.sweeper.unref();
  }

  /**
   * git's answer for `key`: from a finished file, from a git already running for it, or from a new
   * git (`start`, fed `input`). Destroying the stream stops reading; git stops when no reader is left.
   */
  open(key: string, repoPath: string, start: () => ChildProcessWithoutNullStreams, input: Buffer): { stream: Readable; source: PackCacheSource } {
    let entry = this.entries.get(key);
    if (entry && entry.state === 'done' && Date.now() - entry.finishedAt > this.options.ttlMs) {
      this.remove(entry);
      entry = undefined;
    }
    let source: PackCacheSource;
    if (entry) {
      source = entry.state === 'done' ? 'hit' : 'join';
      // Map order is the eviction order: a used entry goes to the back.
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      source = 'miss';
      entry = this.produce(key, repoPath, start, input);
    }
    this.counts[source === 'miss' ? 'misses' : source === 'join' ? 'joins' : 'hits'] += 1;
    return { stream: this.reader(entry), source };
  }

  /** Counters and what is on disk. */
  stats(): PackCacheStats {
    const done = [...this.entries.values()].filter((e) => e.state === 'done').length;
    return { ...this.counts, entries: done, bytes: this.bytes };
  }

  /** Stops the running gits and deletes this instance's folder (the app is closing). */
  close(): void {
    clearInterval(this.sweeper);
    for (const entry of this.entries.values()) entry.child?.kill('SIGTERM');
    this.entries.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private produce(key: string, repoPath: string, start: () => ChildProcessWithoutNullStreams, input: Buffer): Entry {
    const path = join(this.dir, `${++this.serial}.tmp`);
    const fd = openSync(path, 'wx', 0o600);
    const entry: Entry = { key, path, size: 0, state: 'running', readers: 0, finishedAt: 0, events: new EventEmitter() };
    entry.events.setMaxListeners(0);
    this.entries.set(key, entry);
    const child = start();
    entry.child = child;
    // Each chunk is on disk before the next is taken: readers never see a hole.
    let written: Promise<void> = Promise.resolve();
    let failure: Error | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      child.stdout.pause();
      written = written.then(() =>
        writeAll(fd, chunk).then(
          () => {
            entry.size += chunk.length;
            entry.events.emit('progress');
            child.stdout.resume();
          },
          (err: Error) => {
            failure = err;
            child.kill('SIGTERM');
          },
        ),
      );
    });
    child.stderr.resume();
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => {
      failure = err;
    });
    child.on('close', (code) => {
      void written.then(() => {
        closeSync(fd);
        entry.child = undefined;
        if (code === 0 && !failure && this.entries.get(key) === entry) this.finish(entry);
        else {
          if (failure || (code !== 0 && code !== null)) this.options.onError?.(failure ?? new Error(`git upload-pack exited with ${code}`), repoPath);
          entry.state = 'failed';
          this.remove(entry);
        }
        entry.events.emit('progress');
      });
    });
    child.stdin.end(input);
    return entry;
  }

  /** git ended well: the file takes its final name, and the oldest answers go past the size bound. */
  private finish(entry: Entry): void {
    const path = entry.path.replace(/\.tmp$/, '.pack');
    renameSync(entry.path, path);
    entry.path = path;
    entry.state = 'done';
    entry.finishedAt = Date.now();
    this.bytes += entry.size;
    for (const oldest of [...this.entries.values()]) {
      if (this.bytes <= this.options.maxBytes) break;
      if (oldest.state === 'done') this.remove(oldest);
    }
  }

  /** Takes an entry out of the cache; its open readers keep their file descriptor and finish. */
  private remove(entry: Entry): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    if (entry.state === 'done') this.bytes -= entry.size;
    // A running git is left to its readers; once it ends, its file is removed (it is no longer the cache's).
    if (entry.state === 'running') return;
    rmSync(entry.path, { force: true });
  }

  private sweep(): void {
    const now = Date.now();
    for (const entry of [...this.entries.values()]) if (entry.state === 'done' && now - entry.finishedAt > this.options.ttlMs) this.remove(entry);
    // Tells replicas on other machines sharing the folder that this one lives, however idle.
    try {
      utimesSync(this.dir, new Date(now), new Date(now));
    } catch {
      // gone with close()
    }
  }

  /** A stream of an entry's file from its start, following it while git writes. */
  private reader(entry: Entry): Readable {
    const fd = openSync(entry.path, 'r');
    entry.readers += 1;
    let position = 0;
    let reading = false;
    let waiting = false;
    const stream: Readable = new Readable({
      read: () => pump(),
      destroy: (err, callback) => {
        entry.events.off('progress', onProgress);
        close(fd, () => undefined);
        entry.readers -= 1;
        // No one left to read a git still running: stop it, and let a later request start afresh.
        if (entry.readers === 0 && entry.state === 'running') {
          if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
          entry.child?.kill('SIGTERM');
        }
        callback(err);
      },
    });
    const onProgress = () => {
      waiting = false;
      pump();
    };
    const pump = () => {
      if (reading || waiting || stream.destroyed) return;
      if (position < entry.size) {
        reading = true;
        const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, entry.size - position));
        read(fd, buffer, 0, buffer.length, position, (err, n) => {
          reading = false;
          if (stream.destroyed) return;
          if (err) {
            stream.destroy(err);
            return;
          }
          position += n;
          if (stream.push(buffer.subarray(0, n))) pump();
        });
      } else if (entry.state !== 'running') stream.push(null);
      else {
        waiting = true;
        entry.events.once('progress', onProgress);
      }
    };
    return stream;
  }
}

/** Writes the whole buffer at the file's current end. */
function writeAll(fd: number, chunk: Buffer): Promise<void> {
  return new Promise((resolveWrite, reject) => {
    const next = (offset: number) => {
      write(fd, chunk, offset, chunk.length - offset, null, (err, n) => {
        if (err) reject(err);
        else if (offset + n < chunk.length) next(offset + n);
        else resolveWrite();
      });
    };
    next(0);
  });
}

