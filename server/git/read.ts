import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import git, { type TreeEntry } from 'isomorphic-git';
import { memoise, type GitCache, type RepoCache } from './cache.js';
import { lastChanges, revList } from './walk.js';
import { git as runGit, GitCommandError } from './exec.js';

/** A person line of a commit or a tag, as isomorphic-git parses it. */
export interface GitPerson {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Minutes west of UTC, as isomorphic-git gives it (-60 for +01:00). */
  timezoneOffset: number;
}

export interface GitCommit {
  oid: string;
  tree: string;
  parents: string[];
  message: string;
  author: GitPerson;
  committer: GitPerson;
}

export type EntryType = 'blob' | 'tree' | 'commit';

export interface GitEntry {
  name: string;
  /** Path from the repository root. */
  path: string;
  oid: string;
  mode: string;
  type: EntryType;
}

export interface ResolvedRef {
  /** The commit the ref points to (tags peeled). */
  oid: string;
  kind: 'branch' | 'tag' | 'commit';
  /** The branch or tag name, or the full commit id. */
  name: string;
}

export interface RefInfo {
  name: string;
  /** The commit it points to (tags peeled). */
  commit: string;
  /** For a tag: the annotated tag object's id, or the commit's for a lightweight tag. */
  id: string;
  /** An annotated tag's message. */
  message: string;
}

/** git's own rules for ref names, enough to refuse anything that could leave refs/ on disk. */
export function isSafeRefName(ref: string): boolean {
  return (
    ref.length > 0 &&
    ref.length <= 255 &&
    /^[A-Za-z0-9._/+@-]+$/.test(ref) &&
    !ref.includes('..') &&
    !ref.includes('//') &&
    !ref.startsWith('/') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.lock') &&
    !ref.split('/').some((part) => part.startsWith('.'))
  );
}

/** Splits a repository path into its non-empty parts, refusing `.` and `..`. */
export function pathParts(path: string): string[] | null {
  const parts = path.split('/').filter((p) => p !== '');
  return parts.some((p) => p === '.' || p === '..') ? null : parts;
}

/** Formats a git time as RFC 3339 in its own time zone, as Gitea does (`2020-01-01T10:00:00+01:00`). */
export function gitDate(person: Pick<GitPerson, 'timestamp' | 'timezoneOffset'>): string {
  const offset = -person.timezoneOffset;
  const local = new Date((person.timestamp + offset * 60) * 1000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const sign = offset > 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The file system isomorphic-git reads through: its promise API, answered by synchronous calls.
 * Every object read probes for a loose object and lists the pack folder before it reaches the
 * (cached) pack; through libuv's thread pool those small operations cost ~1 ms each on a busy
 * server (a cold 3,000-commit history took 3.7 s), synchronously a few microseconds: the files
 * are tiny and in the page cache. Reads only: nothing in server/git/read writes.
 */
/** Thrown for a missing file without building a stack trace: isomorphic-git probes for loose objects on every read. */
const MISSING = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });

const syncFs = {
  promises: {
    readFile: async (path: fs.PathLike, options?: { encoding?: BufferEncoding } | BufferEncoding) => {
      if (!fs.existsSync(path)) throw MISSING;
      return fs.readFileSync(path, options);
    },
    stat: async (path: fs.PathLike) => {
      const stat = fs.statSync(path, { throwIfNoEntry: false });
      if (!stat) throw MISSING;
      return stat;
    },
    lstat: async (path: fs.PathLike) => {
      const stat = fs.lstatSync(path, { throwIfNoEntry: false });
      if (!stat) throw MISSING;
      return stat;
    },
    readdir: async (path: fs.PathLike) => fs.readdirSync(path),
    readlink: async (path: fs.PathLike) => fs.readlinkSync(path),
    writeFile: fs.promises.writeFile,
    mkdir: fs.promises.mkdir,
    rmdir: fs.promises.rmdir,
    unlink: fs.promises.unlink,
    symlink: fs.promises.symlink,
    chmod: fs.promises.chmod,
  },
};

const isNotFound = (err: unknown) => {
  const code = (err as { code?: string }).code;
  return code === 'NotFoundError' || code === 'ENOENT' || code === 'AmbiguousError' || code === 'InvalidOidError';
};

/**
 * Reads one bare repository in-process with isomorphic-git, through the repository's cache.
 * Every result keyed by object ids is memoised; refs are read from disk each time.
 */
export class RepoReader {
  private readonly cache: RepoCache;

  constructor(
    readonly gitdir: string,
    private readonly objects: GitCache,
  ) {
    this.cache = objects.repo(gitdir);
  }

  private get base() {
    return { fs: syncFs, gitdir: this.gitdir, cache: this.cache.iso };
  }

  /**
   * Resolves a branch, a tag, or a full or abbreviated commit id to a commit; null when unknown. A
   * commit id resolves only when some ref reaches it: a commit force-pushed away is not served.
   */
  async resolve(ref: string): Promise<ResolvedRef | null> {
    if (!isSafeRefName(ref)) return null;
    for (const [prefix, kind] of [
      ['refs/heads/', 'branch'],
      ['refs/tags/', 'tag'],
    ] as const) {
      const oid = this.readRef(`${prefix}${ref}`);
      if (oid) {
        const commit = await this.peel(oid);
        if (commit) return { oid: commit, kind, name: ref };
      }
    }
    if (/^[0-9a-f]{4,40}$/.test(ref)) {
      const oid = ref.length === 40 ? ref : await git.expandOid({ ...this.base, oid: ref }).catch(() => null);
      const commit = oid ? await this.peel(oid) : null;
      if (commit && (await this.reachable(commit))) return { oid: commit, kind: 'commit', name: commit };
    }
    return null;
  }

  /**
   * Whether some ref reaches a commit: one git process, then remembered until a ref moves. The key
   * holds refsStamp(), which any ref update changes, so a branch deleted or force-pushed makes its
   * commits unreachable at once, here and on every replica reading the same folder.
   */
  private async reachable(commit: string): Promise<boolean> {
    const stamp = this.refsStamp();
    const key = `reachable:${stamp.key}:${commit}`;
    const known = this.cache.memo.get(key);
    if (known !== undefined) return known as boolean;
    const reachable = (await unreachableCommits(this.gitdir, [commit])).length === 0;
    if (stamp.settled) this.cache.memo.set(key, reachable);
    return reachable;
  }

  /**
   * A value that changes whenever a ref is created, moved or deleted: the modification times of
   * packed-refs and of every folder under refs/. git writes a loose ref as `<name>.lock` renamed
   * onto `<name>`, and deletes it by unlinking, each of which updates its folder's time; a packed
   * ref changes packed-refs. Stats only, no file read: a few microseconds a folder.
   *
   * The kernel stamps files with a coarse clock (a few milliseconds), so two updates close together
   * may leave one time: `settled` is false while any of these times is under a second old, and
   * nothing is remembered under such a stamp.
   */
  private refsStamp(): { key: string; settled: boolean } {
    const hash = createHash('sha1');
    let newest = 0;
    const add = (stat: fs.Stats | undefined, extra = '') => {
      hash.update(stat ? `${stat.mtimeMs}:${extra};` : '-;');
      if (stat) newest = Math.max(newest, stat.mtimeMs, stat.ctimeMs);
    };
    const packed = fs.statSync(join(this.gitdir, 'packed-refs'), { throwIfNoEntry: false });
    add(packed, String(packed?.size));
    const walk = (dir: string) => {
      const stat = fs.statSync(dir, { throwIfNoEntry: false });
      add(stat);
      if (!stat) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
      }
    };
    walk(join(this.gitdir, 'refs'));
    return { key: hash.digest('base64'), settled: newest < Date.now() - 1000 };
  }

  /**
   * The object id a full ref name points to, read from its file or from packed-refs. Read on every
   * request, never cached, so a push is seen at once. Synchronous on purpose: a ref file is 41
   * bytes in the page cache, read in microseconds, while an async read waits its turn in libuv's
   * thread pool behind every other file operation of a busy server. The name was checked by
   * isSafeRefName, so the path stays under refs/.
   */
  private readRef(name: string, depth = 0): string | null {
    return this.looseRef(name, depth) ?? this.packedRefs().get(name) ?? null;
  }

  /** A loose ref's object id (a symbolic ref followed), or null when there is no such file. */
  private looseRef(name: string, depth = 0): string | null {
    let text: string;
    try {
      text = fs.readFileSync(join(this.gitdir, name), 'utf8');
    } catch {
      return null; // not a loose ref (missing, or a folder of refs): packed-refs may have it
    }
    const value = text.trim();
    if (/^[0-9a-f]{40}$/.test(value)) return value;
    if (value.startsWith('ref: ') && depth < 5 && isSafeRefName(value.slice(5))) return this.readRef(value.slice(5), depth + 1);
    return null;
  }

  /** packed-refs parsed, re-read when its size or modification time changes. */
  private packedRefs(): Map<string, string> {
    const file = join(this.gitdir, 'packed-refs');
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return new Map();
    const key = `packed-refs:${stat.mtimeMs}:${stat.size}`;
    const known = this.cache.memo.get(key);
    if (known) return known as Map<string, string>;
    const refs = new Map<string, string>();
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const match = /^([0-9a-f]{40}) (refs\/\S+)$/.exec(line);
      if (match) refs.set(match[2], match[1]);
    }
    this.cache.memo.set(key, refs);
    return refs;
  }

  /** Follows annotated tags down to a commit; null if the object is missing or not a commit. Memoised by id. */
  private async peel(start: string): Promise<string | null> {
    const known = this.cache.memo.get(`peel:${start}`);
    if (known !== undefined) return known as string | null;
    let oid = start;
    for (let depth = 0; depth < 10; depth++) {
      const object = await git.readObject({ ...this.base, oid, format: 'parsed' }).catch((err) => {
        if (isNotFound(err)) return null;
        throw err;
      });
      if (!object) return null;
      if (object.type === 'commit') {
        this.cache.memo.set(`peel:${start}`, oid);
        return oid;
      }
      if (object.type !== 'tag') return null;
      oid = (object.object as { object: string }).object;
    }
    return null;
  }

  /** A result derived from object ids only (a diff), remembered in this repository's cache. */
  remembered<T>(key: string): T | undefined {
    return this.cache.memo.get(key) as T | undefined;
  }

  remember(key: string, value: unknown): void {
    this.cache.memo.set(key, value);
  }

  /** A parsed commit; throws a NotFoundError when missing. */
  commit(oid: string): Promise<GitCommit> {
    return memoise(this.cache, `commit:${oid}`, async () => {
      const { commit } = await git.readCommit({ ...this.base, oid });
      return { oid, tree: commit.tree, parents: commit.parent, message: commit.message, author: commit.author, committer: commit.committer };
    });
  }

  /** A commit, or null when the id names no commit in this repository. */
  async findCommit(oid: string): Promise<GitCommit | null> {
    return this.commit(oid).catch((err) => {
      if (isNotFound(err) || (err as { code?: string }).code === 'ObjectTypeError') return null;
      throw err;
    });
  }

  /** The entries of a tree object. */
  tree(oid: string): Promise<TreeEntry[]> {
    return memoise(this.cache, `tree:${oid}`, async () => (await git.readTree({ ...this.base, oid })).tree);
  }

  /** The object at a path of a commit's tree (the root tree for ''); null when absent. */
  async entryAt(commitOid: string, path: string): Promise<GitEntry | null> {
    const parts = pathParts(path);
    if (!parts) return null;
    const commit = await this.commit(commitOid);
    let entry: GitEntry = { name: '', path: '', oid: commit.tree, mode: '040000', type: 'tree' };
    for (const part of parts) {
      if (entry.type !== 'tree') return null;
      const found = (await this.tree(entry.oid)).find((e) => e.path === part);
      if (!found) return null;
      entry = { name: part, path: entry.path ? `${entry.path}/${part}` : part, oid: found.oid, mode: found.mode, type: found.type };
    }
    return entry;
  }

  /** The entries of a folder at a commit, folders first then by name, as forges list them. */
  async listFolder(folder: GitEntry): Promise<GitEntry[]> {
    const entries = (await this.tree(folder.oid)).map((e) => ({
      name: e.path,
      path: folder.path ? `${folder.path}/${e.path}` : e.path,
      oid: e.oid,
      mode: e.mode,
      type: e.type,
    }));
    const rank = (e: GitEntry) => (e.type === 'tree' ? 0 : 1);
    return entries.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** A blob's bytes. */
  blob(oid: string): Promise<Uint8Array> {
    return this.objects.blob(this.gitdir, oid, async () => (await git.readBlob({ ...this.base, oid })).blob);
  }

  /**
   * Commits reachable from `head`, newest first, as `git log` lists them; with a path, only those
   * that changed it, with git's default history simplification. Memoised by (head, path).
   */
  history(head: string, path = ''): Promise<string[]> {
    return memoise(this.cache, `history:${head}:${path}`, () => revList(this.gitdir, head, path));
  }

  /**
   * For each entry of the folder at `path` in `head`, the newest commit that changed it, from one
   * walk of the folder's history that stops once every entry is found. Memoised by (commit, path).
   */
  lastCommits(head: string, path: string): Promise<Map<string, string>> {
    return memoise(this.cache, `last:${head}:${path}`, async () => {
      const folder = await this.entryAt(head, path);
      if (!folder || folder.type !== 'tree') return new Map<string, string>();
      return lastChanges(this.gitdir, head, folder.path, (await this.tree(folder.oid)).map((e) => e.path));
    });
  }

  /** The best common ancestor of two commits, or null when their histories never meet. */
  async mergeBase(a: string, b: string): Promise<string | null> {
    const bases = await memoise(this.cache, `base:${a}:${b}`, () => git.findMergeBase({ ...this.base, oids: [a, b] }) as Promise<string[]>);
    return bases[0] ?? null;
  }

  /** Commits reachable from `head` but not from `base`, newest first (`git log base..head`). */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    const excluded = new Set(await this.history(base));
    return (await this.history(head)).filter((oid) => !excluded.has(oid));
  }

  /** Branches, by name, with the commit each points to. */
  async branches(): Promise<RefInfo[]> {
    const refs = [...this.refsUnder('refs/heads/')].map(([name, oid]) => ({ name, commit: oid, id: oid, message: '' }));
    return refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Every ref under a prefix (`refs/heads/`), by its name after the prefix, read as git's files
   * backend reads them: the loose refs first, then packed-refs for the names not found loose. In
   * that order a concurrent `git pack-refs` cannot hide a ref, since it writes packed-refs before it
   * deletes the loose files: a loose file gone between the listing and the read is already packed.
   * Read on every call, never cached, like readRef.
   */
  private refsUnder(prefix: string): Map<string, string> {
    const refs = new Map<string, string>();
    const walk = (folder: string, names: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(join(this.gitdir, folder), { withFileTypes: true });
      } catch {
        return; // no such folder (yet, or any more)
      }
      for (const entry of entries) {
        if (entry.name.endsWith('.lock')) continue; // a ref being written: its old value is the one in force
        if (entry.isDirectory()) walk(`${folder}${entry.name}/`, `${names}${entry.name}/`);
        else {
          const oid = this.looseRef(`${folder}${entry.name}`);
          if (oid) refs.set(`${names}${entry.name}`, oid);
        }
      }
    };
    walk(prefix, '');
    for (const [name, oid] of this.packedRefs()) {
      if (name.startsWith(prefix) && !refs.has(name.slice(prefix.length))) refs.set(name.slice(prefix.length), oid);
    }
    return refs;
  }

  /** Tags, newest name first as Gitea lists them, peeled to their commits. */
  async tags(): Promise<RefInfo[]> {
    const refs = await Promise.all(
      [...this.refsUnder('refs/tags/')].map(async ([name, id]): Promise<RefInfo | null> => {
        const commit = await this.peel(id);
        if (!commit) return null;
        if (commit === id) return { name, commit, id, message: '' };
        const message = await memoise(this.cache, `tag-message:${id}`, async () => {
          const { tag } = await git.readTag({ ...this.base, oid: id });
          return tag.message;
        });
        return { name, commit, id, message };
      }),
    );
    return refs.filter((r): r is RefInfo => r !== null).sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  }
}

/** Every file of a commit's tree with its size in bytes (`git ls-tree -r -l`), without reading a blob. */
export async function fileSizes(gitdir: string, commit: string): Promise<{ path: string; size: number }[]> {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error('fileSizes: expected a full commit id');
  const { stdout } = await runGit(['ls-tree', '-r', '-l', '-z', commit], { cwd: gitdir });
  return stdout.split('\0').flatMap((line) => {
    const match = /^\d+ blob [0-9a-f]+ +(\d+)\t(.+)$/s.exec(line);
    return match ? [{ path: match[2], size: Number(match[1]) }] : [];
  });
}

/**
 * Which of these commits (or annotated tags) no ref reaches: branches, tags and pull request heads.
 * Only reachable objects are served, by git and by the pages: a commit force-pushed away, or of a
 * deleted branch, is as gone as if maintenance had already pruned it. An id naming no commit counts
 * as unreachable. When all are reachable (the usual case) this costs one git process.
 */
export async function unreachableCommits(gitdir: string, oids: string[]): Promise<string[]> {
  const ids = [...new Set(oids)];
  if (ids.length === 0 || (await allReachable(gitdir, ids))) return [];
  if (ids.length === 1) return ids;
  const found = await Promise.all(ids.map(async (oid) => ((await allReachable(gitdir, [oid])) ? null : oid)));
  return found.filter((oid): oid is string => oid !== null);
}

/**
 * Which of these objects no ref reaches. Commits and tags as above; a tree or a blob (what a partial
 * clone asks for by id) when no ref's history holds it, found by walking every reachable object,
 * which only such requests pay for.
 */
export async function unreachableObjects(gitdir: string, oids: string[]): Promise<string[]> {
  const suspects = await unreachableCommits(gitdir, oids);
  if (suspects.length === 0) return [];
  const { stdout: types } = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: gitdir, input: `${suspects.join('\n')}\n` });
  const contents = new Set(types.split('\n').filter((line) => / (tree|blob)$/.test(line)).map((line) => line.slice(0, 40)));
  if (contents.size === 0) return suspects;
  const { stdout: all } = await runGit(['rev-list', '--objects', '--no-object-names', '--all'], { cwd: gitdir });
  const reached = new Set(all.split('\n'));
  return suspects.filter((oid) => !contents.has(oid) || !reached.has(oid));
}

/** `git rev-list <ids> --not --all` prints nothing exactly when some ref reaches every id. */
async function allReachable(gitdir: string, oids: string[]): Promise<boolean> {
  if (!oids.every((oid) => /^[0-9a-f]{40}$/.test(oid))) return false;
  try {
    const { stdout } = await runGit(['rev-list', '--stdin', '--not', '--all'], { cwd: gitdir, input: `${oids.join('\n')}\n` });
    return stdout.trim() === '';
  } catch (err) {
    // A missing object, or one that is not a commit (a tree, a blob): nothing a ref reaches as a commit.
    if (err instanceof GitCommandError) return false;
    throw err;
  }
}

/** Whether bytes look binary, as git decides: a NUL byte in the first 8000. */
export function isBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 8000);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}
