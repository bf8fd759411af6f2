import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Db } from '../db/index.js';
import { findRepoById, touchRepo, type RepoRow } from '../db/repos.js';
import { deletePushIntent, insertPushIntent, insertRefUpdates, type RefUpdate } from '../db/ref-updates.js';
import { git } from '../git/exec.js';
import { objectsSizeKb } from '../git/size.js';
import type { EventBus } from './events.js';
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
  /** The app instance's bus, told once the push moved refs. */
  events: EventBus;
  /** The replica it runs in (ReplicaPresence's id). */
  replica: string;
}

/** What listeners (pull requests, caches) learn after a push moved refs. */
export interface PushedEvent {
  repo: RepoRow;
  repoPath: string;
  pusher: Pusher;
  updates: RefUpdate[];
}

/**
 * The receive-pack runs of one app instance, from spawn to exit, found by their random token (the
 * pre-receive hook calls back the process that spawned it, so sessions never leave the process).
 */
export class PushSessions {
  private readonly sessions = new Map<string, PushSession>();

  constructor(
    private readonly events: EventBus,
    /** The replica these pushes run in: recovery elsewhere leaves their intents alone while it lives. */
    private readonly replica = '',
  ) {}

  /** Opens a push session before receive-pack is spawned; its token goes into git's environment. */
  open(repo: RepoRow, repoPath: string, pusher: Pusher, commands: RefUpdate[]): PushSession {
    const token = randomBytes(32).toString('base64url');
    const session: PushSession = { token, repoId: repo.id, repoPath, pusher, accepted: commands, events: this.events, replica: this.replica };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The session of a running push, by the token its hook sent. */
  find(token: string): PushSession | undefined {
    return this.sessions.get(token);
  }

  /** Forgets a push once receive-pack exited and the push was recorded. */
  close(session: PushSession): void {
    this.sessions.delete(session.token);
  }
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
export function needsChecks(db: Db, repo: RepoRow, commands: RefUpdate[]): Promise<boolean> {
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
  const repo = await findRepoById(db, session.repoId);
  if (!repo) return { ok: false, messages: ['Fabrique: this repository no longer exists.'] };
  const env = quarantineEnv(session.repoPath, quarantine);
  if (!env) return { ok: false, messages: ['Fabrique: the push could not be checked.'] };
  const actor = await pusherActor(db, session.pusher);
  const refusals = await refMoveRefusals({ db, repo, gitdir: session.repoPath, actor, kind: 'push', updates, quarantineEnv: env });
  const messages = refusals.map((r) => (r.ref === null ? `Fabrique: ${r.reason}` : `Fabrique: refused ${r.ref}: ${r.reason}`));
  session.accepted = messages.length === 0 ? updates : [];
  return { ok: messages.length === 0, messages };
}

/** Every ref of a repository and the object it points to (one git process, however many refs). */
export async function currentRefs(repoPath: string): Promise<Map<string, string>> {
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

/** What a repository's row says of its folder: size, emptiness and, after a first push, the default branch. */
export interface DiskState {
  sizeKb: number;
  isEmpty: boolean;
  defaultBranch?: string;
}

/**
 * Reads a repository's state from its folder. An empty repository that now has branches takes
 * its default branch from those created, or from all it has when that is not known (HEAD is
 * pointed at it); others keep theirs.
 */
export async function readDiskState(repo: RepoRow, repoPath: string, refs: Map<string, string>, created: string[]): Promise<DiskState> {
  const isEmpty = ![...refs.keys()].some((ref) => ref.startsWith('refs/heads/'));
  let defaultBranch: string | undefined;
  if (repo.is_empty && !isEmpty) {
    const branches = [...refs.keys()].filter((r) => r.startsWith('refs/heads/')).map((r) => r.slice('refs/heads/'.length));
    defaultBranch = firstDefaultBranch(repo.default_branch, created.length > 0 ? created : branches);
    // The repository was created with HEAD on its default branch: git runs only if another was pushed.
    const head = (await readFile(join(repoPath, 'HEAD'), 'utf8')).trim();
    if (defaultBranch && head !== `ref: refs/heads/${defaultBranch}`) {
      await git(['symbolic-ref', 'HEAD', `refs/heads/${defaultBranch}`], { cwd: repoPath });
    }
  }
  return { sizeKb: await objectsSizeKb(repoPath), isEmpty, defaultBranch };
}

/** Writes a push's intent before receive-pack may move refs: a crash before recordPush is then found at start-up. */
export async function notePushIntent(db: Db, session: PushSession, commands: RefUpdate[] | null): Promise<void> {
  await insertPushIntent(db, { token: session.token, repoId: session.repoId, actorId: session.pusher.id, updates: commands, replica: session.replica });
}

/** Forgets a push's intent when receive-pack never ran. */
export async function dropPushIntent(db: Db, session: PushSession): Promise<void> {
  await deletePushIntent(db, session.token);
}

/**
 * Records which of a push's accepted updates really happened (receive-pack may fail some refs,
 * e.g. a lost race), with the repository's state, and removes the push's intent, in one
 * transaction. Used after receive-pack exits and, for a push the server died during, at start-up.
 */
export async function recordAccepted(
  db: Db,
  repo: RepoRow,
  repoPath: string,
  push: { token: string; actorId: number | null; accepted: RefUpdate[] },
): Promise<RefUpdate[]> {
  if (push.accepted.length === 0) {
    await deletePushIntent(db, push.token);
    return [];
  }
  const refs = await currentRefs(repoPath);
  const updates = push.accepted.filter((u) => (u.newId === ZERO_ID ? !refs.has(u.ref) : refs.get(u.ref) === u.newId));
  if (updates.length === 0) {
    await deletePushIntent(db, push.token);
    return [];
  }
  const created = updates.filter((u) => u.ref.startsWith('refs/heads/') && u.newId !== ZERO_ID).map((u) => u.ref.slice('refs/heads/'.length));
  const state = await readDiskState(repo, repoPath, refs, created);
  await db.transaction(async () => {
    await insertRefUpdates(db, repo.id, push.actorId, updates);
    await touchRepo(db, repo.id, state);
    await deletePushIntent(db, push.token);
  });
  return updates;
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
  const repo = await findRepoById(db, session.repoId);
  if (!repo) {
    await deletePushIntent(db, session.token);
    return null;
  }
  const updates = await recordAccepted(db, repo, session.repoPath, { token: session.token, actorId: session.pusher.id, accepted: session.accepted });
  if (updates.length === 0) return null;
  // receive-pack may have repacked (gc --auto): what was cached of the old packs goes.
  await session.events.publish('repo-cache-drop', { repoPath: session.repoPath }, onListenerError);
  const event: PushedEvent = { repo: await findRepoById(db, repo.id) ?? repo, repoPath: session.repoPath, pusher: session.pusher, updates };
  await session.events.publish('pushed', event, onListenerError);
  return event;
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
  events: EventBus,
): Promise<void> {
  await events.publish('repo-cache-drop', { repoPath });
  const size = await objectsSizeKb(repoPath);
  await db.transaction(async () => {
    await insertRefUpdates(db, repo.id, pusher.id, updates);
    await touchRepo(db, repo.id, { sizeKb: size, isEmpty: false });
  });
  await events.publish('pushed', { repo: await findRepoById(db, repo.id) ?? repo, repoPath, pusher, updates });
}
