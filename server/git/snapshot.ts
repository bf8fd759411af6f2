import { execFile } from 'node:child_process';
import { open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './exec.js';

/** A repository's refs at one moment: what a backup restores and its manifest records. */
export interface RefSnapshot {
  /** The content of HEAD, e.g. `ref: refs/heads/main`. */
  head: string;
  /** Every ref (branches, tags, pull request heads) with the object it names. */
  refs: Record<string, string>;
}

/** A repository file opened for copying: once open, a repack that deletes it no longer takes its content away. */
export interface OpenedFile {
  /** Path relative to the repository folder, with forward slashes. */
  path: string;
  handle: FileHandle;
  size: number;
}

/** Reads every ref through git, which reads loose and packed refs consistently while pushes write them. */
export async function snapshotRefs(repoPath: string): Promise<RefSnapshot> {
  const head = (await readFile(join(repoPath, 'HEAD'), 'utf8')).trim();
  const { stdout } = await git(['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: repoPath });
  const refs: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs[line.slice(space + 1)] = line.slice(0, space);
  }
  return { head, refs };
}

/** The packed-refs file that gives a restored repository exactly the refs of a snapshot. */
export function packedRefs(snapshot: RefSnapshot): string {
  return Object.entries(snapshot.refs).map(([name, sha]) => `${sha} ${name}\n`).join('');
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function openFile(repoPath: string, path: string): Promise<OpenedFile | null> {
  try {
    const handle = await open(join(repoPath, path), 'r');
    return { path, handle, size: (await handle.stat()).size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Top-level files that are not refs or objects (config, description) and info/: what a repository carries beside its history. */
export async function openSettingsFiles(repoPath: string): Promise<OpenedFile[]> {
  const wanted = ['config', 'description', ...(await names(join(repoPath, 'info'))).map((name) => `info/${name}`)];
  const opened: OpenedFile[] = [];
  for (const path of wanted) {
    const file = await openFile(repoPath, path);
    if (file && (await file.handle.stat()).isFile()) opened.push(file);
    else await file?.handle.close();
  }
  return opened;
}

const PACK = /^pack-[0-9a-f]+\.pack$/;
/** What a pack may carry beside its index: reverse index, bitmap, cruft mtimes. Lock-like .keep files stay out. */
const PACK_COMPANIONS = ['.rev', '.bitmap', '.mtimes'];
const LOOSE_DIR = /^[0-9a-f]{2}$/;
const LOOSE_FILE = /^[0-9a-f]{38,62}$/;
/** Passes over a repository's objects before giving up on one that repacks without pause. */
const MAX_PASSES = 10;

/**
 * Hands every object file of a repository to `copy`, each opened first. Called after the refs were
 * read, it copies every object they reach: git never deletes a reachable object before another
 * file holds it (a repack writes its new pack, then drops the old pack and the loose copies), so
 * a file that vanished before it was opened, or a pack that appeared during the pass, means one
 * more pass over what is new. Packs are listed before loose objects for the same reason.
 */
export async function copyObjectFiles(repoPath: string, copy: (file: OpenedFile) => Promise<void>): Promise<void> {
  const taken = new Set<string>();
  const take = async (paths: string[]): Promise<boolean> => {
    const files: OpenedFile[] = [];
    for (const path of paths) {
      const file = await openFile(repoPath, path);
      if (!file) {
        for (const opened of files) await opened.handle.close();
        return false;
      }
      files.push(file);
    }
    for (const file of files) {
      await copy(file);
      taken.add(file.path);
    }
    return true;
  };
  const packsNow = async () => (await names(join(repoPath, 'objects', 'pack'))).filter((name) => PACK.test(name)).map((name) => `objects/pack/${name}`);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let vanished = false;
    for (const pack of await packsNow()) {
      if (taken.has(pack)) continue;
      const base = pack.slice(0, -'.pack'.length);
      const present = new Set(await names(join(repoPath, 'objects', 'pack')));
      const companions = PACK_COMPANIONS.map((ext) => base + ext).filter((path) => present.has(path.slice('objects/pack/'.length)));
      // The index first: a pack is only usable with it, and both are opened before either is read.
      if (!(await take([`${base}.idx`, pack, ...companions]))) vanished = true;
    }
    for (const dir of (await names(join(repoPath, 'objects'))).filter((name) => LOOSE_DIR.test(name))) {
      for (const name of (await names(join(repoPath, 'objects', dir))).filter((file) => LOOSE_FILE.test(file))) {
        const path = `objects/${dir}/${name}`;
        if (!taken.has(path) && !(await take([path]))) vanished = true;
      }
    }
    const alternates = 'objects/info/alternates';
    if (!taken.has(alternates)) await take([alternates]);
    if (!vanished && (await packsNow()).every((pack) => taken.has(pack))) return;
  }
  throw new Error(`${repoPath}: its objects kept moving during ${MAX_PASSES} passes (a repack loop?); run the backup again`);
}

/** `git fsck --connectivity-only`: null when every ref reaches only objects that exist, else what git printed. */
export function fsckConnectivity(repoPath: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['fsck', '--connectivity-only', '--no-progress', '--no-dangling'], { cwd: repoPath, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve(err ? `${stdout}${stderr}`.trim() || err.message : null);
    });
  });
}
