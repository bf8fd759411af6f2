import { readdir, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/index.js';
import { findRepoById, listAllRepos, touchRepo, type RepoRow } from '../db/repos.js';
import { deletePushIntent, listPushIntents } from '../db/ref-updates.js';
import { findPullById, listOpenPulls } from '../db/pulls.js';
import type { Policy } from '../auth/policy.js';
import type { GitCache } from '../git/cache.js';
import { repoPath } from '../git/store.js';
import { readRef } from '../git/write.js';
import { currentRefs, readDiskState, recordAccepted } from './push.js';
import { followHead, gitdirOf, type PullContext } from './pulls.js';
import { checkPull, type MergeabilityChecker } from './mergeability.js';
import type { EventBus } from './events.js';
import { refreshPublicFacts } from './catalogue.js';
import { sweepAttachments } from './releases.js';
import { imagesDir } from './images.js';

/** Where recovery writes what it found: pino's signature, so that the server's logger fits. */
export interface RecoveryLog {
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
  error(data: object, message: string): void;
}

export interface RecoveryOptions {
  db: Db;
  reposDir: string;
  policy: Policy;
  baseUrl: string;
  log: RecoveryLog;
  /** The instance's mergeability checker and event bus: pull requests corrected here are published as any other. */
  checker: MergeabilityChecker;
  events: EventBus;
  /** The instance's git object cache, which the pull requests and catalogue facts are read through. */
  gitCache: GitCache;
  /**
   * When this server started (ms since the epoch): temporaries and lock files older than that
   * were left by a previous run, since no git of this server runs before recovery ends.
   */
  startedAt: number;
  /** The data folder, where release attachments and their interrupted uploads are. */
  dataDir?: string;
  /**
   * The ids of the other replicas serving now (ReplicaPresence). While there are any, what they
   * may be writing is not a leftover: only files older than SHARED_LEFTOVER_MS and the push
   * intents of replicas that are gone are cleared, and the rest waits for a later start.
   */
  otherReplicas?: string[];
}

/**
 * How old a temporary, a quarantine, a lock file or an upload must be to be a leftover while other
 * replicas serve: older than any push or upload they could still be taking.
 */
export const SHARED_LEFTOVER_MS = 3600_000;

/** What a start-up recovery did, for the log and the tests. */
export interface RecoveryReport {
  /** Paths removed: temporary repositories, push quarantines and temporary packs, stale lock files. */
  removed: string[];
  /** Pushes the server died during, by what they turned out to be. */
  pushesRecorded: number;
  pushesWithoutEffect: number;
  /** owner/name of rows whose folder is missing, and folders (relative to the repositories folder) without a row. */
  rowsWithoutFolder: string[];
  foldersWithoutRow: string[];
  /** Repositories whose size, emptiness or default branch were corrected; pull requests whose head followed or were checked again. */
  reposCorrected: number;
  pullsCorrected: number;
}

/** Folders directly under the repositories folder that hold temporaries: new repositories being built, deleted ones being removed. */
const TEMPORARY_FOLDERS = ['.tmp', '.trash'];
/** receive-pack's quarantine (objects/tmp_objdir-incoming-*, older gits objects/incoming-*). */
const QUARANTINE = /^(tmp_objdir-)?incoming-/;
/** index-pack's and repack's files being written (objects/pack/tmp_pack_*, tmp_idx_*, .tmp-*). */
const TEMPORARY_PACK = /^(tmp_|\.tmp-)/;
/** Loose object folders: never holds lock files, and can hold very many entries. */
const LOOSE_OBJECTS = /^[0-9a-f]{2}$/;

async function olderThan(path: string, time: number): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs < time;
  } catch {
    return false;
  }
}

async function entries(dir: string): Promise<Array<{ name: string; dir: boolean }>> {
  try {
    return (await readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, dir: e.isDirectory() }));
  } catch {
    return [];
  }
}

async function remove(path: string, report: RecoveryReport): Promise<void> {
  await rm(path, { recursive: true, force: true });
  report.removed.push(path);
}

/** Lock files under a folder (git's `<file>.lock`), skipping loose objects. */
async function lockFiles(dir: string, found: string[] = []): Promise<string[]> {
  for (const entry of await entries(dir)) {
    const path = join(dir, entry.name);
    if (entry.dir && !LOOSE_OBJECTS.test(entry.name)) await lockFiles(path, found);
    else if (!entry.dir && entry.name.endsWith('.lock')) found.push(path);
  }
  return found;
}

/** Removes what a killed git left in one repository: the push quarantine, half-written packs and lock files. */
async function sweepRepository(path: string, cutoff: number, report: RecoveryReport): Promise<void> {
  const objects = join(path, 'objects');
  for (const entry of await entries(objects)) {
    if (entry.dir && QUARANTINE.test(entry.name) && (await olderThan(join(objects, entry.name), cutoff))) {
      await remove(join(objects, entry.name), report);
    }
  }
  const packs = join(objects, 'pack');
  for (const entry of await entries(packs)) {
    if (TEMPORARY_PACK.test(entry.name) && (await olderThan(join(packs, entry.name), cutoff))) await remove(join(packs, entry.name), report);
  }
  for (const lock of await lockFiles(path)) {
    if (await olderThan(lock, cutoff)) await remove(lock, report);
  }
}

/** The repository folders on disk (`<owner>/<name>.git`), relative to the repositories folder. */
export async function repositoryFolders(reposDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const owner of await entries(reposDir)) {
    if (!owner.dir || owner.name.startsWith('.')) continue;
    for (const repo of await entries(join(reposDir, owner.name))) {
      if (repo.dir && repo.name.endsWith('.git')) found.push(join(owner.name, repo.name));
    }
  }
  return found;
}

/** Records what the pushes the server died during really did, comparing their intents with the refs on disk. */
async function settlePushes(options: RecoveryOptions, report: RecoveryReport): Promise<void> {
  const { db, reposDir, log } = options;
  const live = new Set(options.otherReplicas ?? []);
  for (const intent of await listPushIntents(db)) {
    if (live.has(intent.replica)) continue; // a push another replica is taking now
    const repo = await findRepoById(db, intent.repoId);
    const path = repo ? repoPath(reposDir, repo.owner_name, repo.name) : null;
    if (!repo || !path || !existsSync(path) || intent.updates === null) {
      // Unknown commands (a signed push): the state pass below still brings the row in line.
      await deletePushIntent(db, intent.token);
      report.pushesWithoutEffect += 1;
      continue;
    }
    const updates = await recordAccepted(db, repo, path, { token: intent.token, actorId: intent.actorId, accepted: intent.updates });
    if (updates.length > 0) {
      report.pushesRecorded += 1;
      log.warn({ repo: `${repo.owner_name}/${repo.name}`, updates }, 'recovery: recorded the ref updates of a push the server died during');
    } else {
      report.pushesWithoutEffect += 1;
    }
  }
}

/** Brings a repository's row in line with its folder: size, emptiness, default branch after a first push. */
async function reconcileRepository(db: Db, repo: RepoRow, path: string): Promise<boolean> {
  const state = await readDiskState(repo, path, await currentRefs(path), []);
  const changed =
    state.sizeKb !== repo.size_kb ||
    state.isEmpty !== (repo.is_empty === 1) ||
    (state.defaultBranch !== undefined && state.defaultBranch !== repo.default_branch);
  if (changed) await touchRepo(db, repo.id, state);
  return changed;
}

/** Open pull requests follow their head branch, and are checked again when the commits they were checked at are not the current ones. */
async function reconcilePulls(options: RecoveryOptions, report: RecoveryReport): Promise<void> {
  const { db, reposDir, log } = options;
  const onListenerError = (err: unknown) => log.error({ err }, 'recovery: a pull request step failed');
  const ctx: PullContext = {
    db,
    reposDir,
    policy: options.policy,
    checker: options.checker,
    baseUrl: options.baseUrl,
    onListenerError,
    events: options.events,
    gitCache: options.gitCache,
  };
  for (const pull of await listOpenPulls(db)) {
    try {
      const base = await findRepoById(db, pull.base_repo_id);
      const head = pull.head_repo_id === null ? undefined : await findRepoById(db, pull.head_repo_id);
      if (!base || !existsSync(gitdirOf(reposDir, base))) continue;
      let corrected = false;
      if (head && existsSync(gitdirOf(reposDir, head))) {
        const tip = await readRef(gitdirOf(reposDir, head), `refs/heads/${pull.head_branch}`);
        if (tip && tip !== pull.head_sha) {
          await followHead(ctx, pull, tip);
          corrected = true;
        }
      }
      const now = await findPullById(db, pull.id) ?? pull;
      const baseTip = await readRef(gitdirOf(reposDir, base), `refs/heads/${now.base_branch}`);
      if (now.mergeable_state === 'checking' || now.checked_head_sha !== now.head_sha || now.checked_base_sha !== baseTip) {
        await checkPull(db, reposDir, now.id);
        corrected = true;
      }
      if (corrected) report.pullsCorrected += 1;
    } catch (err) {
      onListenerError(err);
    }
  }
}

/**
 * Start-up recovery, run once before the server takes requests: removes what a crash left on
 * disk (temporary repositories, push quarantines, stale lock files), records what pushes the
 * server died during really did, and brings every repository's derived state back in line with
 * its folder (size, emptiness, default branch, pull request heads and mergeability, catalogue
 * facts). Rows without a folder and folders without a row are reported, not guessed at.
 */
export async function recover(options: RecoveryOptions): Promise<RecoveryReport> {
  const { db, reposDir, log } = options;
  const report: RecoveryReport = { removed: [], pushesRecorded: 0, pushesWithoutEffect: 0, rowsWithoutFolder: [], foldersWithoutRow: [], reposCorrected: 0, pullsCorrected: 0 };
  const shared = (options.otherReplicas?.length ?? 0) > 0;
  const cutoff = shared ? Math.min(options.startedAt, Date.now() - SHARED_LEFTOVER_MS) : options.startedAt;
  if (shared) log.info({ replicas: options.otherReplicas }, 'recovery: other replicas are serving; only leftovers over an hour old and the pushes of replicas that stopped are cleared');
  for (const folder of TEMPORARY_FOLDERS) {
    for (const entry of await entries(join(reposDir, folder))) {
      const path = join(reposDir, folder, entry.name);
      if (await olderThan(path, cutoff)) await remove(path, report);
    }
  }
  const folders = await repositoryFolders(reposDir);
  for (const folder of folders) await sweepRepository(join(reposDir, folder), cutoff, report);

  await settlePushes(options, report);
  // Uploads a crash cut short, and files of a release deleted just before it.
  if (options.dataDir) {
    const swept = await sweepAttachments(db, options.dataDir, cutoff);
    if (swept > 0) log.warn({ files: swept }, 'recovery: release attachment files without a row were removed');
    // Avatar and logo uploads a crash cut short: images.ts writes `.tmp-*`, then renames it.
    const images = imagesDir(options.dataDir);
    for (const name of await readdir(images).catch(() => [] as string[])) {
      const path = join(images, name);
      if (name.startsWith('.tmp-') && (await olderThan(path, cutoff))) await remove(path, report);
    }
  }

  const expected = new Set<string>();
  for (const repo of await listAllRepos(db)) {
    const path = repoPath(reposDir, repo.owner_name, repo.name);
    expected.add(path);
    if (!existsSync(path)) {
      report.rowsWithoutFolder.push(`${repo.owner_name}/${repo.name}`);
      continue;
    }
    try {
      if (await reconcileRepository(db, repo, path)) report.reposCorrected += 1;
    } catch (err) {
      log.error({ err, repo: `${repo.owner_name}/${repo.name}` }, 'recovery: the repository could not be read');
    }
  }
  report.foldersWithoutRow = folders.filter((folder) => !expected.has(join(reposDir, folder)));

  await reconcilePulls(options, report);
  await refreshPublicFacts(db, reposDir, options.gitCache).catch((err: unknown) => log.error({ err }, 'recovery: the catalogue facts could not be refreshed'));

  for (const name of report.rowsWithoutFolder) log.warn({ repo: name }, 'recovery: this repository has a row but no folder on disk');
  for (const folder of report.foldersWithoutRow) log.warn({ folder }, 'recovery: this repository folder has no row in the database; left in place');
  const { removed, ...counts } = report;
  if (removed.length > 0 || counts.pushesRecorded + counts.pushesWithoutEffect + counts.reposCorrected + counts.pullsCorrected > 0) {
    log.warn({ removed, ...counts }, 'recovery: the previous run did not end cleanly; its leftovers are cleared');
  }
  return report;
}
