import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import isogit from 'isomorphic-git';
import type { GitCache } from './cache.js';
import { git, gitCommand, GitCommandError } from './exec.js';
import { pathParts } from './read.js';
import { ForgeError } from '../errors.js';
import { cleanIdentity, commitObjectProblem, identityProblem, messageProblem } from '../lib/identity.js';

export const ZERO_OID = '0000000000000000000000000000000000000000';

/** A person and time written into a commit. */
export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch; now when absent. */
  timestamp?: number;
}

/** Refuses (422) an author or committer git would write as a malformed commit line. */
function checkSignature(s: Signature, role: 'author' | 'committer'): void {
  const problem = identityProblem(s.name, `The ${role} name`) ?? identityProblem(s.email, `The ${role} e-mail address`);
  if (problem) throw new ForgeError('invalid', problem, { field: role });
}

/** Refuses (422) what cannot go into a commit: a malformed identity, a NUL in the message. */
function checkCommitInput(message: string, author: Signature, committer: Signature): void {
  checkSignature(author, 'author');
  checkSignature(committer, 'committer');
  const problem = messageProblem(message, 'The commit message');
  if (problem) throw new ForgeError('invalid', problem, { field: 'message' });
}

/** A ref moved by someone else since it was read: the caller rereads and tries again, or says so. */
export class RefMovedError extends ForgeError {
  constructor(readonly ref: string) {
    super('conflict', `${ref.replace(/^refs\/heads\//, 'The branch ')} changed meanwhile; try again.`);
  }
}

/** The commit a full ref name points to, or null when the ref does not exist. */
export async function readRef(gitdir: string, ref: string): Promise<string | null> {
  try {
    const { stdout } = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: gitdir });
    return stdout.trim() || null;
  } catch (err) {
    if (err instanceof GitCommandError && err.code === 1) return null;
    throw err;
  }
}

/**
 * Moves refs through git's own lock files, each only if it still points where the caller saw it
 * (ZERO_OID: must not exist; as the new value: delete). All or none (`update-ref --stdin`
 * transaction). isomorphic-git's writeRef has neither the lock nor the expected old value.
 */
export async function updateRefs(gitdir: string, updates: Array<{ ref: string; newId: string; oldId: string }>): Promise<void> {
  const lines = ['start'];
  for (const u of updates) lines.push(u.newId === ZERO_OID ? `delete ${u.ref} ${u.oldId}` : `update ${u.ref} ${u.newId} ${u.oldId}`);
  lines.push('prepare', 'commit');
  try {
    await git(['update-ref', '--stdin'], { cwd: gitdir, input: `${lines.join('\n')}\n` });
  } catch (err) {
    if (err instanceof GitCommandError && /cannot lock ref|but expected|reference already exists|unable to resolve/i.test(err.stderr)) {
      throw new RefMovedError(updates[0].ref);
    }
    throw err;
  }
}

/** Compare-and-swap of one ref: see updateRefs. */
export function updateRef(gitdir: string, ref: string, newId: string, oldId: string): Promise<void> {
  return updateRefs(gitdir, [{ ref, newId, oldId }]);
}

/** The raw objects `git cat-file --batch` prints for these ids, as bytes (a message may be in any encoding). */
function catFileBatch(gitdir: string, oids: string[]): Promise<Buffer> {
  return new Promise((resolveRun, reject) => {
    const command = gitCommand(['cat-file', '--batch']);
    const child = execFile(command.file, command.args, { cwd: gitdir, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new GitCommandError(['cat-file', '--batch'], typeof err.code === 'number' ? err.code : null, stderr.toString()));
      else resolveRun(stdout);
    });
    child.stdin?.end(`${oids.join('\n')}\n`);
  });
}

/** How many new commits of one ref move are checked: far more than any in-process write makes. */
const CHECKED_COMMITS = 1000;

/**
 * Why `git fsck` would refuse the commit `newId` or one that moving a ref there would make
 * reachable (not yet reachable from any ref), or null. Checked before the move, so that no branch ever points at
 * a commit that breaks clones with fsck, history pages and every other reader.
 */
export async function newCommitProblem(gitdir: string, newId: string): Promise<string | null> {
  const { stdout } = await git(['rev-list', `--max-count=${CHECKED_COMMITS}`, newId, '--not', '--all'], { cwd: gitdir });
  // The new tip itself always: a ref must not point at a broken commit even if another ref already does.
  const oids = [...new Set([newId, ...stdout.split('\n').filter(Boolean)])];
  const out = await catFileBatch(gitdir, oids);
  let pos = 0;
  while (pos < out.length) {
    const eol = out.indexOf(10, pos);
    const [oid, type, size] = out.subarray(pos, eol).toString('latin1').split(' ');
    const body = out.subarray(eol + 1, eol + 1 + Number(size));
    pos = eol + 1 + Number(size) + 1;
    if (type !== 'commit') return `${oid} is not a commit`;
    const problem = commitObjectProblem(body.toString('latin1'));
    if (problem) return `the commit ${oid} is malformed: ${problem}`;
  }
  return null;
}

/**
 * Copies the objects reachable from `ref` of another repository on this disk into `gitdir`, without
 * touching any ref (and without FETCH_HEAD, which concurrent fetches would race on).
 */
export async function fetchObjects(gitdir: string, fromPath: string, ref: string): Promise<void> {
  try {
    await git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', fromPath, ref], { cwd: gitdir });
  } catch (err) {
    // transfer.fsckObjects: the other repository holds objects git refuses, written there behind the forge's back.
    if (err instanceof GitCommandError && /fsck error|fsck failed|bad object/i.test(err.stderr)) {
      throw new ForgeError('invalid', `The commits of ${ref.replace(/^refs\/heads\//, 'the branch ')} are malformed: git fsck refuses them.`);
    }
    throw err;
  }
}

/** Whether a commit is in the repository. */
export async function hasCommit(gitdir: string, oid: string): Promise<boolean> {
  try {
    await git(['cat-file', '-e', `${oid}^{commit}`], { cwd: gitdir });
    return true;
  } catch (err) {
    if (err instanceof GitCommandError) return false;
    throw err;
  }
}

/** Whether `ancestor` is reachable from `descendant` (`env`: e.g. a push's quarantined objects). */
export async function isAncestor(gitdir: string, ancestor: string, descendant: string, env?: Record<string, string>): Promise<boolean> {
  try {
    await git(['merge-base', '--is-ancestor', ancestor, descendant], { cwd: gitdir, env });
    return true;
  } catch (err) {
    if (err instanceof GitCommandError && err.code === 1) return false;
    throw err;
  }
}

/** One file to write (content) or remove (null) in a commit. */
export interface FileChange {
  path: string;
  content: Uint8Array | null;
}

interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

/** Writes `changes` into the tree `treeOid` (null: empty) and returns the new tree id; only touched subtrees are rewritten. */
async function rewriteTree(gitdir: string, cache: object, treeOid: string | null, changes: Array<{ parts: string[]; content: Uint8Array | null }>): Promise<string | null> {
  const entries: TreeEntry[] = treeOid ? (await isogit.readTree({ fs, gitdir, oid: treeOid, cache })).tree : [];
  const byName = new Map(entries.map((e) => [e.path, e]));
  const nested = new Map<string, Array<{ parts: string[]; content: Uint8Array | null }>>();
  for (const change of changes) {
    const [head, ...rest] = change.parts;
    if (rest.length > 0) {
      nested.set(head, [...(nested.get(head) ?? []), { parts: rest, content: change.content }]);
      continue;
    }
    if (change.content === null) {
      byName.delete(head);
      continue;
    }
    const existing = byName.get(head);
    if (existing?.type === 'tree') throw new ForgeError('invalid', `"${head}" is a folder.`);
    const oid = await isogit.writeBlob({ fs, gitdir, blob: change.content });
    byName.set(head, { mode: existing?.mode === '100755' ? '100755' : '100644', path: head, oid, type: 'blob' });
  }
  for (const [name, subChanges] of nested) {
    const existing = byName.get(name);
    if (existing && existing.type !== 'tree') throw new ForgeError('invalid', `"${name}" is a file, not a folder.`);
    const sub = await rewriteTree(gitdir, cache, existing?.oid ?? null, subChanges);
    if (sub === null) byName.delete(name);
    else byName.set(name, { mode: '040000', path: name, oid: sub, type: 'tree' });
  }
  if (byName.size === 0) return null;
  return isogit.writeTree({ fs, gitdir, tree: [...byName.values()] });
}

/**
 * Writes a commit in-process with isomorphic-git: the parent's tree with `changes` applied. Only
 * objects are written; moving a branch to it is the caller's compare-and-swap (updateRef).
 */
export async function writeCommit(options: {
  gitdir: string;
  /** The instance's object cache: the parent's commit and trees are read through it. */
  objects: GitCache;
  parent: string | null;
  changes: FileChange[];
  message: string;
  author: Signature;
  committer?: Signature;
}): Promise<string> {
  const { gitdir, parent, changes, message, author } = options;
  if (changes.length === 0) throw new Error('writeCommit needs at least one change');
  checkCommitInput(message, author, options.committer ?? author);
  const parsed = changes.map((c) => {
    const parts = pathParts(c.path);
    if (!parts || parts.length === 0 || parts.some((p) => p === '.git')) throw new ForgeError('invalid', `"${c.path}" is not a valid file path.`, { field: 'path' });
    return { parts, content: c.content };
  });
  const cache = options.objects.repo(gitdir).iso;
  const baseTree = parent ? (await isogit.readCommit({ fs, gitdir, oid: parent, cache })).commit.tree : null;
  const tree = (await rewriteTree(gitdir, cache, baseTree, parsed)) ?? (await isogit.writeTree({ fs, gitdir, tree: [] }));
  const person = (s: Signature) => ({ name: s.name, email: s.email, timestamp: s.timestamp ?? Math.floor(Date.now() / 1000), timezoneOffset: 0 });
  return isogit.writeCommit({
    fs,
    gitdir,
    commit: {
      message: message.endsWith('\n') ? message : `${message}\n`,
      tree,
      parent: parent ? [parent] : [],
      author: person(author),
      committer: person(options.committer ?? author),
    },
  });
}

/** A file of a repository's first commit. */
export interface InitialFile {
  path: string;
  content: string;
}

/**
 * Writes a first commit holding the given files (at the top level) on `branch` of a new bare
 * repository not yet in place (no row, no readers), creating the ref through git's own locking
 * against zero. The author comes from an account: cleaned as git cleans GIT_AUTHOR_NAME.
 */
export async function writeInitialCommit(options: { gitdir: string; branch: string; files: InitialFile[]; author: Signature; message: string }): Promise<string> {
  const { gitdir, branch, files, message } = options;
  if (files.length === 0) throw new Error('writeInitialCommit needs at least one file');
  const entries = [];
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const oid = await isogit.writeBlob({ fs, gitdir, blob: new TextEncoder().encode(file.content) });
    entries.push({ mode: '100644', path: file.path, oid, type: 'blob' as const });
  }
  const tree = await isogit.writeTree({ fs, gitdir, tree: entries });
  const author = { name: cleanIdentity(options.author.name), email: cleanIdentity(options.author.email) };
  checkCommitInput(message, author, author);
  const person = { ...author, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
  const oid = await isogit.writeCommit({ fs, gitdir, commit: { message, tree, parent: [], author: person, committer: person } });
  await updateRef(gitdir, `refs/heads/${branch}`, oid, ZERO_OID);
  return oid;
}

/** git's environment naming a commit's author and committer. */
export function signatureEnv(author: Signature, committer: Signature = author): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

/** Writes a commit of an existing tree with `git commit-tree` (merges and squashes). */
export async function commitTree(gitdir: string, tree: string, parents: string[], message: string, author: Signature, committer?: Signature): Promise<string> {
  checkCommitInput(message, author, committer ?? author);
  const args = ['commit-tree', tree];
  for (const p of parents) args.push('-p', p);
  const { stdout } = await git(args, { cwd: gitdir, input: message.endsWith('\n') ? message : `${message}\n`, env: signatureEnv(author, committer) });
  return stdout.trim();
}

/** Hard-links a file, or copies it when the two paths are on different filesystems. */
function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'EXDEV' && code !== 'EPERM') throw err;
    fs.copyFileSync(from, to);
  }
}

/** Copies the objects of `fromPath` into `toPath` once: pack files hard-linked (packs are immutable), loose objects copied. */
function shareObjectsOnce(fromPath: string, toPath: string): void {
  const packs = join(fromPath, 'objects', 'pack');
  const targetPacks = join(toPath, 'objects', 'pack');
  fs.mkdirSync(targetPacks, { recursive: true });
  // The index (.idx) last: git trusts a pack once its index is there.
  const names = fs.existsSync(packs) ? fs.readdirSync(packs).filter((n) => /^pack-[0-9a-f]+\.[a-z]+$/.test(n)) : [];
  names.sort((a, b) => Number(a.endsWith('.idx')) - Number(b.endsWith('.idx')));
  for (const name of names) linkOrCopy(join(packs, name), join(targetPacks, name));
  for (const dir of fs.readdirSync(join(fromPath, 'objects'))) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    fs.mkdirSync(join(toPath, 'objects', dir), { recursive: true });
    for (const name of fs.readdirSync(join(fromPath, 'objects', dir))) {
      fs.copyFileSync(join(fromPath, 'objects', dir, name), join(toPath, 'objects', dir, name));
    }
  }
}

/**
 * Gives the new bare repository at `toPath` the objects and the branches and tags of `fromPath`, as a
 * fork starts: pack files are hard links (no copy of the objects), refs are written in one
 * `update-ref --stdin` transaction. A repack of the source running meanwhile removes the packs
 * being linked: then the copy starts over from the new packs.
 */
export async function cloneObjectsAndRefs(fromPath: string, toPath: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      shareObjectsOnce(fromPath, toPath);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT' || attempt >= 3) throw err;
      fs.rmSync(join(toPath, 'objects'), { recursive: true, force: true });
      fs.mkdirSync(join(toPath, 'objects', 'info'), { recursive: true });
    }
  }
  const { stdout } = await git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/', 'refs/tags/'], { cwd: fromPath });
  const refs = stdout.split('\n').filter(Boolean).map((line) => ({ ref: line.slice(41), newId: line.slice(0, 40), oldId: ZERO_OID }));
  if (refs.length > 0) await updateRefs(toPath, refs);
}
