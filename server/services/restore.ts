import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { pathUnder } from '../lib/names.js';
import { conflict, invalid } from '../errors.js';
import { MANIFEST, type BackupManifest } from './backup.js';

export interface RestoreOptions {
  /** A backup folder or .tar file written by `backup`. */
  from: string;
  /** The folders the restored instance will run on (FORGE_DATA_DIR, FORGE_REPOS_DIR). */
  dataDir: string;
  reposDir: string;
  /** Replace what the folders hold instead of refusing them when they are not empty. */
  force: boolean;
}

/** Where a file of the backup goes: data/… under the data folder, repos/… under the repositories folder; anything else is refused. */
function targetOf(path: string, options: RestoreOptions): string {
  const clean = posix.normalize(path);
  const [top, ...rest] = clean.split('/');
  if (clean !== path || rest.length === 0 || rest.includes('..') || path.startsWith('/')) throw invalid(`The backup holds an unexpected path: ${path}`);
  if (top === 'data') return pathUnder(options.dataDir, ...rest);
  if (top === 'repos') return pathUnder(options.reposDir, ...rest);
  throw invalid(`The backup holds an unexpected path: ${path}`);
}

/** Writes one file of the backup into place and returns its SHA-256. */
async function place(content: AsyncIterable<unknown>, target: string, mode: number): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(content, tap, createWriteStream(target, { mode }));
  return hash.digest('hex');
}

function parseManifest(text: string): BackupManifest {
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== 1 || typeof manifest.files !== 'object' || !Array.isArray(manifest.repositories)) {
    throw invalid('The manifest.json of this backup is not one Fabrique can read.');
  }
  return manifest;
}

/** Reads a backup folder: the manifest first, then each file it lists. */
async function fromFolder(options: RestoreOptions, seen: Map<string, string>): Promise<BackupManifest> {
  const manifest = parseManifest(await readFile(join(options.from, MANIFEST), 'utf8').catch(() => {
    throw invalid(`${options.from} holds no ${MANIFEST}: it is not a Fabrique backup.`);
  }));
  for (const path of Object.keys(manifest.files)) {
    const source = pathUnder(options.from, path);
    const mode = (await stat(source).catch(() => { throw invalid(`The backup is incomplete: ${path} is missing.`); })).mode & 0o777;
    seen.set(path, await place(createReadStream(source), targetOf(path, options), mode));
  }
  return manifest;
}

/** Reads a backup tar as one stream: files go into place as they come, the manifest (written last) is checked at the end. */
async function fromTar(options: RestoreOptions, seen: Map<string, string>): Promise<BackupManifest> {
  const extract = tar.extract();
  const reading = pipeline(createReadStream(options.from), extract);
  let manifestText: string | null = null;
  for await (const entry of extract) {
    const { name, type, mode } = entry.header;
    if (type === 'directory') {
      entry.resume();
      continue;
    }
    if (type !== 'file') throw invalid(`The backup holds ${name}, which is not a plain file.`);
    if (name === MANIFEST) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      manifestText = Buffer.concat(chunks).toString('utf8');
      continue;
    }
    seen.set(name, await place(entry, targetOf(name, options), (mode ?? 0o644) & 0o777));
  }
  await reading;
  if (manifestText === null) throw invalid(`${options.from} holds no ${MANIFEST}: it is not a Fabrique backup, or it was cut short.`);
  return parseManifest(manifestText);
}

async function isEmpty(dir: string): Promise<boolean> {
  return (await readdir(dir).catch(() => [])).length === 0;
}

async function emptyFolder(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) await rm(join(dir, name), { recursive: true, force: true });
}

/**
 * Restores a backup into empty data and repositories folders (or, with `force`, folders whose
 * content it replaces), and checks every file against the manifest's SHA-256: a backup that does
 * not match leaves the folders empty. The restored repositories carry their refs as packed-refs.
 */
export async function restore(options: RestoreOptions): Promise<BackupManifest> {
  for (const [dir, variable] of [[options.dataDir, 'FORGE_DATA_DIR'], [options.reposDir, 'FORGE_REPOS_DIR']] as const) {
    if (!options.force && !(await isEmpty(dir))) {
      throw conflict(`The folder ${dir} (${variable}) is not empty: restore only into empty folders, or pass --force to replace what it holds.`);
    }
  }
  const source = await stat(options.from).catch(() => {
    throw invalid(`${options.from} does not exist.`);
  });
  await emptyFolder(options.dataDir);
  await emptyFolder(options.reposDir);
  try {
    const seen = new Map<string, string>();
    const manifest = source.isDirectory() ? await fromFolder(options, seen) : await fromTar(options, seen);
    for (const [path, { sha256 }] of Object.entries(manifest.files)) {
      const found = seen.get(path);
      if (found === undefined) throw invalid(`The backup is incomplete: ${path} is missing.`);
      if (found !== sha256) throw invalid(`The backup is damaged: ${path} does not match its checksum in the manifest.`);
    }
    const unexpected = [...seen.keys()].find((path) => !(path in manifest.files));
    if (unexpected !== undefined) throw invalid(`The backup holds ${unexpected}, which its manifest does not list.`);
    // git recognises a repository by these folders; a backup carries files only.
    for (const repo of manifest.repositories) {
      for (const dir of ['refs/heads', 'refs/tags', 'objects/pack', 'objects/info']) await mkdir(pathUnder(options.reposDir, repo.path, dir), { recursive: true });
    }
    return manifest;
  } catch (err) {
    await emptyFolder(options.dataDir);
    await emptyFolder(options.reposDir);
    throw err;
  }
}
