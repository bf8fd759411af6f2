import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { openDb, type Db } from '../db/index.js';
import { backupDatabase, lastMigration, tableCounts } from '../db/backup.js';
import { listAllRepos } from '../db/repos.js';
import { copyObjectFiles, openSettingsFiles, packedRefs, snapshotRefs, type OpenedFile } from '../git/snapshot.js';
import { repoPath } from '../git/store.js';
import { conflict } from '../errors.js';

/** What a backup holds, written last as manifest.json: restore checks every file against it. */
export interface BackupManifest {
  format: 1;
  /** Fabrique's version (package.json) that wrote the backup. */
  fabrique: string;
  createdAt: string;
  /** The newest migration of the database copy: its schema version. */
  schema: string | null;
  /** Rows per table in the database copy. */
  tables: Record<string, number>;
  /** Repositories by their folder under repos/ (`owner/name.git`), with HEAD and every ref's object. */
  repositories: Array<{ owner: string; name: string; path: string; head: string; refs: Record<string, string> }>;
  /** Rows whose folder was already missing when the backup ran (deleted meanwhile, or lost before). */
  missingRepositories: string[];
  /** Every file of the backup but the manifest, by its path in the backup: size and SHA-256. */
  files: Record<string, { size: number; sha256: string }>;
}

export interface BackupOptions {
  /** The running instance's database (the server keeps writing it meanwhile). */
  db: Db;
  dataDir: string;
  reposDir: string;
  /** A folder to create, or a file ending in .tar. */
  to: string;
  fabriqueVersion: string;
}

/** Where the files of a backup go: a folder or a tar stream, written one file at a time. */
interface Sink {
  add(path: string, size: number, mode: number, content: Readable): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** The manifest's name in a backup. */
export const MANIFEST = 'manifest.json';

/** Files at the top of the data folder that are not copied as files: the live database (copied through the backup API) and its journals. */
const LIVE_DATABASE = /^fabrique\.db(-wal|-shm|-journal)?$/;
/** config.ts proves the folder writable with these probes. */
const WRITE_PROBE = /^\.write-test-/;

function folderSink(dir: string): Sink {
  return {
    async add(path, _size, mode, content) {
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true });
      await pipeline(content, createWriteStream(target, { mode }));
      await chmod(target, mode);
    },
    async finish() {},
    async abort() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function tarSink(file: string): Sink {
  const partial = `${file}.partial`;
  const pack = tar.pack();
  const written = pipeline(pack, createWriteStream(partial, { mode: 0o600 }));
  return {
    async add(path, size, mode, content) {
      await pipeline(content, pack.entry({ name: path, size, mode, type: 'file' }));
    },
    async finish() {
      pack.finalize();
      await written;
      await rename(partial, file);
    },
    async abort() {
      pack.destroy();
      await written.catch(() => undefined);
      await rm(partial, { force: true });
    },
  };
}

/** Copies the stream into the sink, recording its size and SHA-256 in the manifest. */
async function addChecked(sink: Sink, manifest: BackupManifest, path: string, size: number, mode: number, content: Readable): Promise<void> {
  const hash = createHash('sha256');
  let seen = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      seen += chunk.length;
      done(null, chunk);
    },
  });
  await sink.add(path, size, mode, content.pipe(tap));
  if (seen !== size) throw new Error(`${path} changed size while it was copied (${size} then ${seen} bytes)`);
  manifest.files[path] = { size, sha256: hash.digest('hex') };
}

/** Copies an opened file (its content as of opening, whatever happens to the path since), then closes it. */
async function addOpened(sink: Sink, manifest: BackupManifest, path: string, file: Pick<OpenedFile, 'handle' | 'size'>): Promise<void> {
  try {
    const mode = (await file.handle.stat()).mode & 0o777;
    const content = file.size === 0 ? Readable.from([]) : file.handle.createReadStream({ start: 0, end: file.size - 1, autoClose: false });
    await addChecked(sink, manifest, path, file.size, mode, content);
  } finally {
    await file.handle.close();
  }
}

async function addPath(sink: Sink, manifest: BackupManifest, path: string, source: string): Promise<void> {
  const handle = await open(source, 'r');
  await addOpened(sink, manifest, path, { handle, size: (await handle.stat()).size });
}

async function addText(sink: Sink, manifest: BackupManifest, path: string, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  await addChecked(sink, manifest, path, bytes.length, 0o644, Readable.from([bytes]));
}

/** Every file under a folder, relative to it, skipping the names `skip` refuses. */
async function filesUnder(root: string, skip: (name: string) => boolean, dir = root): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(root, skip, path)));
    else if (entry.isFile()) found.push(relative(root, path));
  }
  return found;
}

/**
 * Writes a consistent backup of a running instance: the database first through SQLite's online
 * backup, then each repository it names (refs read, then the objects they reach), the other files
 * of the data folder and release attachments, and the manifest last. A repository pushed to during
 * the backup may hold newer refs than the database copy: the next start reconciles them, as after
 * a crash (GitLab's backups take the same order). Nothing is read whole into memory.
 */
export async function backup(options: BackupOptions): Promise<BackupManifest> {
  const asTar = options.to.endsWith('.tar');
  if (asTar ? existsSync(options.to) : (await readdir(options.to).catch(() => [])).length > 0) {
    throw conflict(`${options.to} already exists${asTar ? '' : ' and is not empty'}: name a new ${asTar ? 'file' : 'folder'} for the backup.`);
  }
  const manifest: BackupManifest = {
    format: 1,
    fabrique: options.fabriqueVersion,
    createdAt: new Date().toISOString(),
    schema: null,
    tables: {},
    repositories: [],
    missingRepositories: [],
    files: {},
  };
  const scratch = await mkdtemp(join(tmpdir(), 'fabrique-backup-'));
  const sink = asTar ? tarSink(options.to) : folderSink(options.to);
  try {
    const copy = join(scratch, 'fabrique.db');
    await backupDatabase(options.db, copy);
    const snapshot = openDb(copy);
    let repos;
    try {
      manifest.schema = await lastMigration(snapshot);
      manifest.tables = await tableCounts(snapshot);
      repos = await listAllRepos(snapshot);
    } finally {
      await snapshot.close();
    }
    await addPath(sink, manifest, 'data/fabrique.db', copy);
    await rm(scratch, { recursive: true, force: true });

    for (const name of await readdir(options.dataDir)) {
      const path = join(options.dataDir, name);
      if (LIVE_DATABASE.test(name) || WRITE_PROBE.test(name) || !(await stat(path)).isFile()) continue;
      await addPath(sink, manifest, `data/${name}`, path);
    }
    // Release attachments, avatars and the site's logo; interrupted uploads (.tmp…) belong to nothing.
    for (const folder of ['attachments', 'avatars']) {
      for (const file of await filesUnder(join(options.dataDir, folder), (name) => name.startsWith('.tmp'))) {
        await addPath(sink, manifest, `data/${folder}/${file}`, join(options.dataDir, folder, file));
      }
    }

    for (const repo of repos) {
      const path = repoPath(options.reposDir, repo.owner_name, repo.name);
      const folder = relative(options.reposDir, path);
      if (!existsSync(join(path, 'HEAD'))) {
        manifest.missingRepositories.push(`${repo.owner_name}/${repo.name}`);
        continue;
      }
      const prefix = `repos/${folder}`;
      const refs = await snapshotRefs(path);
      manifest.repositories.push({ owner: repo.owner_name, name: repo.name, path: folder, ...refs });
      await addText(sink, manifest, `${prefix}/HEAD`, `${refs.head}\n`);
      await addText(sink, manifest, `${prefix}/packed-refs`, packedRefs(refs));
      for (const file of await openSettingsFiles(path)) await addOpened(sink, manifest, `${prefix}/${file.path}`, file);
      await copyObjectFiles(path, (file) => addOpened(sink, manifest, `${prefix}/${file.path}`, file));
    }
    // Last, and outside its own list of files: it names the checksum of everything before it.
    const text = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await sink.add(MANIFEST, text.length, 0o644, Readable.from([text]));
    await sink.finish();
    return manifest;
  } catch (err) {
    await sink.abort();
    throw err;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
