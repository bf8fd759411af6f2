import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { findRepoById, touchRepo, type RepoRow } from '../db/repos.js';
import { dueMirrorIds, findRepoSource, recordMirrorSync } from '../db/mirrors.js';
import type { RefUpdate } from '../db/ref-updates.js';
import { git } from '../git/exec.js';
import { fetchAll, remoteHeadBranch, type RemoteLimits } from '../git/remote.js';
import { setHeadBranch } from '../git/setup.js';
import { repoPath } from '../git/store.js';
import { badRequest, invalid, notFound } from '../errors.js';
import { CONTACT_TIMEOUT_MS, FETCH_TIMEOUT_MS, connectRemote, openSecret, remoteProblem } from './import.js';
import { recordRefUpdates, ZERO_ID } from './push.js';
import type { EventBus } from './events.js';
import type { JobLock } from './jobs.js';
import { mirrorSyncRefusal } from './ref-gate.js';

export interface MirrorServiceOptions {
  db: Db;
  config: Config;
  /** The app instance's job lock: one sync of a mirror at a time, whichever process starts it. */
  jobs: JobLock;
  /** The app instance's event bus, told when a sync moved refs. */
  events: EventBus;
  /** After a sync moved refs: maintenance of the repository. */
  onSynced: (repoPath: string) => void;
  onError: (err: unknown, repoId: number) => void;
  /** How often the scheduler looks for mirrors that are due. */
  tickMs?: number;
}

/** A mirror's stored credential; a clear refusal when FORGE_SECRET changed since it was sealed. */
function readSecret(secret: string, sealed: string): string {
  try {
    return openSecret(secret, sealed);
  } catch {
    throw invalid("This mirror's stored credential cannot be read (FORGE_SECRET changed since the import?): import it again with its token.");
  }
}

async function refsOf(path: string): Promise<Map<string, string>> {
  const { stdout } = await git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/', 'refs/tags/'], { cwd: path });
  return new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(41), line.slice(0, 40)] as const),
  );
}

function changes(before: Map<string, string>, after: Map<string, string>): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const [ref, newId] of after) {
    const oldId = before.get(ref) ?? ZERO_ID;
    if (oldId !== newId) updates.push({ ref, oldId, newId });
  }
  for (const [ref, oldId] of before) if (!after.has(ref)) updates.push({ ref, oldId, newId: ZERO_ID });
  return updates;
}

/**
 * Keeps mirrors up to date: fetches from their source on demand and on their interval. One sync of
 * a repository at a time (a second request joins the one running); close() stops the timer and
 * interrupts the fetches under way.
 */
export class MirrorService {
  private readonly running = new Map<number, Promise<RefUpdate[]>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly options: MirrorServiceOptions) {}

  /** Starts the periodic check for mirrors that are due. */
  start(): void {
    if (this.timer || this.abort.signal.aborted) return;
    this.timer = setInterval(() => {
      this.ticking ??= this.syncDue().finally(() => (this.ticking = null));
    }, this.options.tickMs ?? 60_000);
    this.timer.unref();
  }

  /**
   * Syncs the mirrors whose time has come, one after the other. Several replicas may list the same
   * mirror as due: each sync takes the job lock, then reads again whether the mirror is still due
   * (a sync moves its next time forward under that lock), so it is fetched once, not once a replica.
   */
  async syncDue(): Promise<void> {
    const now = new Date().toISOString();
    const ids = await dueMirrorIds(this.options.db, now, 20);
    for (const id of ids) {
      if (this.abort.signal.aborted) return;
      if (this.running.has(id)) continue;
      await this.options.jobs
        .run(`mirror-sync:${id}`, async () => {
          const source = await findRepoSource(this.options.db, id);
          if (source?.next_sync_at == null || source.next_sync_at > now) return;
          await this.fetch(id);
        })
        .catch((err) => this.options.onError(err, id));
    }
  }

  /** Syncs one mirror now, or joins the sync already running; resolves with the refs that moved. */
  sync(repoId: number): Promise<RefUpdate[]> {
    const current = this.running.get(repoId);
    if (current) return current;
    const run = this.options.jobs.run(`mirror-sync:${repoId}`, () => this.fetch(repoId)).finally(() => this.running.delete(repoId));
    this.running.set(repoId, run);
    return run;
  }

  private async fetch(repoId: number): Promise<RefUpdate[]> {
    const { db, config } = this.options;
    const repo = await findRepoById(db, repoId);
    if (!repo) throw notFound('The repository');
    const source = await findRepoSource(db, repoId);
    if (!repo.is_mirror || !source) throw badRequest(`${repo.owner_name}/${repo.name} is not a mirror.`);
    const started = new Date();
    const nextAt = source.interval_s > 0 ? new Date(started.getTime() + source.interval_s * 1000).toISOString() : null;
    const path = repoPath(config.reposDir, repo.owner_name, repo.name);
    try {
      const refusal = mirrorSyncRefusal(repo);
      if (refusal) throw badRequest(refusal);
      const secret = source.auth_secret ? readSecret(config.secret, source.auth_secret) : '';
      const { remote } = await connectRemote(source.clone_addr, { username: source.auth_username, secret }, config.importAllowPrivate);
      const limits: RemoteLimits = { timeoutMs: FETCH_TIMEOUT_MS, maxBytes: config.maxPushBytes, signal: this.abort.signal };
      const before = await refsOf(path);
      await fetchAll(path, remote, limits);
      const head = await remoteHeadBranch(remote, { ...limits, timeoutMs: CONTACT_TIMEOUT_MS });
      const after = await refsOf(path);
      const updates = changes(before, after);
      await this.followHead(repo, path, head, after);
      await recordMirrorSync(db, repoId, { at: started.toISOString(), error: '', nextAt, succeeded: true });
      await this.options.events.publish('repo-cache-drop', { repoPath: path });
      if (updates.length > 0) {
        // A sync has no pusher: the refs moved on the owner's behalf.
        const owner = { id: repo.owner_id, username: repo.owner_name };
        await recordRefUpdates(db, repo, path, owner, updates, this.options.events);
        if (![...after.keys()].some((ref) => ref.startsWith('refs/heads/'))) await touchRepo(db, repoId, { isEmpty: true });
        this.options.onSynced(path);
      }
      return updates;
    } catch (err) {
      const problem = remoteProblem(err);
      const message = problem instanceof Error ? problem.message : String(problem);
      await recordMirrorSync(db, repoId, { at: started.toISOString(), error: message, nextAt, succeeded: false });
      throw problem;
    }
  }

  /** HEAD and the default branch follow the source's, when that branch exists here. */
  private async followHead(repo: RepoRow, path: string, head: string | null, refs: Map<string, string>): Promise<void> {
    if (head === null || head === repo.default_branch || !refs.has(`refs/heads/${head}`)) return;
    await setHeadBranch(path, head);
    await touchRepo(this.options.db, repo.id, { defaultBranch: head });
  }

  /** Stops the timer, interrupts running fetches and waits for them to end. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await Promise.allSettled([...this.running.values(), this.ticking]);
  }
}
