import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Db } from '../db/index.js';
import { findRepoById, touchRepo, type RepoRow } from '../db/repos.js';
import { insertRefUpdates, type RefUpdate } from '../db/ref-updates.js';
import { dropRepoCache } from '../git/cache.js';
import { git } from '../git/exec.js';
import { objectsSizeKb } from '../git/size.js';
import { pushNeedsCheck, pusherActor, refMoveRefusals } from './ref-gate.js';

export const ZERO_ID = '0000000000000000000000000000000000000000';

/** Who pushes, as the hooks and the activity record need it. */
export interface Pusher {
  id: number;
  username: string;
}

/** One receive-pack run: known to the server from spawn to exit, found by its random token. */
export interface PushSession {
  token: string;
  repoId: number;
  repoPath: string;
  pusher: Pusher;
  /** The ref updates the push asked for, or that the pre-receive check accepted. */
  accepted: RefUpdate[];
}

/** What listeners (pull requests, caches) learn after a push moved refs. */
export interface PushedEvent {
  repo: RepoRow;
  repoPath: string;
  pusher: Pusher;
  updates: RefUpdate[];
}

type PushedListener = (event: PushedEvent) => void | Promise<void>;

const sessions = new Map<string, PushSession>();
const pushedListeners = new Set<PushedListener>();

/** Registers work to do after every push that moved refs; returns a function that unregisters it. */
export function onPushed(listener: PushedListener): () => void {
  pushedListeners.add(listener);
  return () => pushedListeners.delete(listener);
}

/** Opens a push session before receive-pack is spawned; its token goes into git's environment. */
export function openPush(repo: RepoRow, repoPath: string, pusher: Pusher, commands: RefUpdate[]): PushSession {
  const session: PushSession = { token: randomBytes(32).toString('base64url'), repoId: repo.id, repoPath, pusher, accepted: commands };
  sessions.set(session.token, session);
  return session;
}

export function findPush(token: string): PushSession | undefined {
  return sessions.get(token);
}

export function closePush(session: PushSession): void {
  sessions.delete(session.token);
}

/** The object directories of a quarantined push, as receive-pack passes them to its hooks. */
export interface Quarantine {
  objectDirectory: string | null;
  alternateObjectDirectories: string | null;
  quarantinePath: string | null;
}

/** Git's environment that makes the quarantined objects visible, if every path stays inside the repository. */
function quarantineEnv(repoPath: string, q: Quarantine): Record<string, string> | null {
  const inside = (p: string) => resolve(repoPath, p).startsWith(resolve(repoPath) + sep);
  const env: Record<string, string> = {};
  if (q.objectDirectory) {
    if (!inside(q.objectDirectory)) return null;
    env.GIT_OBJECT_DIRECTORY = q.objectDirectory;
  }
  if (q.alternateObjectDirectories) {
    if (!q.alternateObjectDirectories.split(':').every(inside)) return null;
    env.GIT_ALTERNATE_OBJECT_DIRECTORIES = q.alternateObjectDirectories;
  }
  if (q.quarantinePath) {
    if (!inside(q.quarantinePath)) return null;
    env.GIT_QUARANTINE_PATH = q.quarantinePath;
  }
  return env;
}

/** Whether a push needs the pre-receive check (a Node process per push): the ref gate says. */
export function needsChecks(db: Db, repo: RepoRow, commands: RefUpdate[]): boolean {
  return pushNeedsCheck(db, repo, commands);
}

/**
 * The pre-receive check, run while the pushed objects are quarantined: the ref gate's check, the
 * same as for the forge's own writes; any refusal refuses the whole push (git then stores nothing).
 */
export async function checkPush(
  db: Db,
  session: PushSession,
  updates: RefUpdate[],
  quarantine: Quarantine,
): Promise<{ ok: boolean; messages: string[] }> {
  const repo = findRepoById(db, session.repoId);
  if (!repo) return { ok: false, messages: ['Fabrique: this repository no longer exists.'] };
  const env = quarantineEnv(session.repoPath, quarantine);
  if (!env) return { ok: false, messages: ['Fabrique: the push could not be checked.'] };
  const actor = pusherActor(db, session.pusher);
  const refusals = await refMoveRefusals({ db, repo, gitdir: session.repoPath, actor, kind: 'push', updates, quarantineEnv: env });
  const messages = refusals.map((r) => (r.ref === null ? `Fabrique: ${r.reason}` : `Fabrique: refused ${r.ref}: ${r.reason}`));
  session.accepted = messages.length === 0 ? updates : [];
  return { ok: messages.length === 0, messages };
}

/** Every ref of a repository and the object it points to (one git process, however many refs). */
async function currentRefs(repoPath: string): Promise<Map<string, string>> {
  const { stdout } = await git(['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: repoPath });
  return new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(41), line.slice(0, 40)] as const),
  );
}

/** On the first push: the configured default branch if pushed, else main, else master, else the first branch. */
function firstDefaultBranch(current: string, branches: string[]): string | undefined {
  return [current, 'main', 'master'].find((b) => branches.includes(b)) ?? branches[0];
}

/**
 * After receive-pack exits: records the refs that moved, the repository's size and emptiness, the
 * default branch on a first push (pointing HEAD at it), then tells the listeners.
 */
export async function recordPush(
  db: Db,
  session: PushSession,
  onListenerError: (err: unknown) => void,
): Promise<PushedEvent | null> {
  if (session.accepted.length === 0) return null;
  // Which of the accepted updates really happened (receive-pack may fail some refs, e.g. a lost race).
  const refs = await currentRefs(session.repoPath);
  const updates = session.accepted.filter((u) => (u.newId === ZERO_ID ? !refs.has(u.ref) : refs.get(u.ref) === u.newId));
  const repo = findRepoById(db, session.repoId);
  if (updates.length === 0 || !repo) return null;
  dropRepoCache(session.repoPath);
  const isEmpty = ![...refs.keys()].some((ref) => ref.startsWith('refs/heads/'));
  let defaultBranch: string | undefined;
  if (repo.is_empty && !isEmpty) {
    const created = updates.filter((u) => u.ref.startsWith('refs/heads/') && u.newId !== ZERO_ID).map((u) => u.ref.slice('refs/heads/'.length));
    defaultBranch = firstDefaultBranch(repo.default_branch, created);
    // The repository was created with HEAD on its default branch: git runs only if another was pushed.
    const head = (await readFile(join(session.repoPath, 'HEAD'), 'utf8')).trim();
    if (defaultBranch && head !== `ref: refs/heads/${defaultBranch}`) {
      await git(['symbolic-ref', 'HEAD', `refs/heads/${defaultBranch}`], { cwd: session.repoPath });
    }
  }
  const size = await objectsSizeKb(session.repoPath);
  db.transaction(() => {
    insertRefUpdates(db, repo.id, session.pusher.id, updates);
    touchRepo(db, repo.id, { sizeKb: size, isEmpty, defaultBranch });
  })();
  const event: PushedEvent = { repo: findRepoById(db, repo.id) ?? repo, repoPath: session.repoPath, pusher: session.pusher, updates };
  await notifyPushed(event, onListenerError);
  return event;
}

async function notifyPushed(event: PushedEvent, onListenerError: (err: unknown) => void): Promise<void> {
  for (const listener of pushedListeners) {
    try {
      await listener(event);
    } catch (err) {
      onListenerError(err);
    }
  }
}

/**
 * After the forge itself moved refs (a merge, a web edit, a fork sync): records them and the
 * repository's size as a push does, then tells the same listeners, so pull requests follow.
 */
export async function recordRefUpdates(
  db: Db,
  repo: RepoRow,
  repoPath: string,
  pusher: Pusher,
  updates: RefUpdate[],
  onListenerError: (err: unknown) => void,
): Promise<void> {
  dropRepoCache(repoPath);
  const size = await objectsSizeKb(repoPath);
  db.transaction(() => {
    insertRefUpdates(db, repo.id, pusher.id, updates);
    touchRepo(db, repo.id, { sizeKb: size, isEmpty: false });
  })();
  await notifyPushed({ repo: findRepoById(db, repo.id) ?? repo, repoPath, pusher, updates }, onListenerError);
}
