import type { Db } from '../db/index.js';
import type { RepoRow } from '../db/repos.js';
import type { RefUpdate } from '../db/ref-updates.js';
import { findUserById } from '../db/users.js';
import { isAncestor, newCommitProblem, updateRefs, ZERO_OID } from '../git/write.js';
import { changedPaths } from '../git/merge.js';
import picomatch from 'picomatch';
import { Policy, type Actor } from '../auth/policy.js';
import { protectionFor, pushListed } from './branch-protections.js';
import { ForgeError } from '../errors.js';
import { someAsync } from '../lib/async.js';

/**
 * Why a ref moves, which decides the rules that apply:
 * - `push`: someone changes a branch or tag directly (git push, a web edit, propose, apply
 *   suggestion, fork sync, deleting a merged branch): write permission and every branch rule.
 * - `merge`: the forge merges a pull request into its base. The merge checked the rules that are
 *   the merge's own (approvals; status checks later); the push allow-list does not apply, as in
 *   Gitea, but a merge may never delete or rewrite a protected branch.
 * - `pull-head`: the forge's own `refs/pull/<n>/head`, following a branch that moved through this
 *   gate: no permission of the mover, no branch rule; still a checked compare-and-swap.
 */
export type RefMoveKind = 'push' | 'merge' | 'pull-head';

/** One ref move to check and make. */
export interface RefMoveRequest {
  db: Db;
  repo: RepoRow;
  gitdir: string;
  /** Who moves the refs; unused for the forge's own `pull-head` refs. */
  actor: Actor;
  kind: RefMoveKind;
  updates: RefUpdate[];
  /**
   * Where the new objects are still quarantined (a push's pre-receive check). receive-pack has
   * already run fsck on them (receive.fsckObjects), so the gate does not check them again.
   */
  quarantineEnv?: Record<string, string>;
}

/** A refusal: of the whole request (ref null) or of one ref, with its HTTP kind for in-process writes. */
export interface RefRefusal {
  ref: string | null;
  /** Lower-case, as git prints it after `refused <ref>: `. */
  reason: string;
  kind: 'forbidden' | 'invalid';
}

/**
 * The actor behind a pusher whose request was authorised earlier (a push's pre-receive step, a
 * fork sync): the route checked the token's scopes; the gate checks the account still may write.
 * Anonymous when the account is gone, which the gate refuses.
 */
export async function pusherActor(db: Db, pusher: { id: number }): Promise<Actor> {
  const user = await findUserById(db, pusher.id);
  return user ? { kind: 'user', user, via: 'session', scopes: null } : { kind: 'anonymous' };
}

const OBJECT_ID = /^[0-9a-f]{40}$/;
const PULL_HEAD = /^refs\/pull\/[1-9][0-9]*\/head$/;

/**
 * Which refs the mover may write: every one (write access), or only the head branches of the
 * open pull requests from this fork that allow edits by the base repository's maintainers.
 */
type WriteScope = 'all' | ReadonlySet<string>;

/** The mover's write scope in this repository for this kind of move. */
async function writeScope(db: Db, repo: RepoRow, actor: Actor, kind: RefMoveKind): Promise<WriteScope> {
  const policy = new Policy(db);
  if (kind === 'pull-head' || await policy.can(actor, 'repo:write', { type: 'repo', repo })) return 'all';
  // Only a push: a merge or the forge's own writes need write access itself.
  return new Set(kind === 'push' ? await policy.maintainerEditBranches(actor, repo) : []);
}

/** The repository-wide rules: archive and mirror state, then the mover's permission. */
function repositoryRefusal(repo: RepoRow, kind: RefMoveKind, scope: WriteScope): RefRefusal | null {
  // The forge's own pull request refs follow branches that already passed the gate.
  if (kind === 'pull-head') return null;
  const name = `${repo.owner_name}/${repo.name}`;
  if (repo.is_archived) return { ref: null, reason: `${name} is archived: it is read-only.`, kind: 'forbidden' };
  if (repo.is_mirror) return { ref: null, reason: `${name} is a mirror: its branches change only when it syncs from its source.`, kind: 'forbidden' };
  if (scope !== 'all' && scope.size === 0) return { ref: null, reason: `you may not write to ${name}.`, kind: 'forbidden' };
  return null;
}

/** A maintainer's push to a fork: only to the head branch of a pull request that allows it, never deleting it. */
function maintainerRefusal(scope: WriteScope, ref: string, deleting: boolean): string | null {
  if (scope === 'all') return null;
  const branches = [...scope].map((r) => r.slice('refs/heads/'.length)).join('", "');
  if (!scope.has(ref)) return `you may push only to the head branch of a pull request that allows edits from maintainers ("${branches}").`;
  if (deleting) return 'a pull request\'s head branch cannot be deleted by a maintainer of its base.';
  return null;
}

/**
 * Branch protection for one ref: push allow-list, force push and its allow-list, deletion of
 * protected and default branches. `rewrites` says whether the move drops commits (asked only
 * when a rule makes it matter).
 */
async function branchRefusal(req: Omit<RefMoveRequest, 'updates'>, ref: string, deleting: boolean, rewrites: () => Promise<boolean>): Promise<string | null> {
  const { db, repo, actor, kind } = req;
  if (ref.startsWith('refs/tags/') && kind === 'push') return null;
  if (!ref.startsWith('refs/heads/')) return 'only branches (refs/heads/) and tags (refs/tags/) can be pushed.';
  const branch = ref.slice('refs/heads/'.length);
  if (deleting && branch === repo.default_branch) return `the default branch "${branch}" cannot be deleted.`;
  const rule = await protectionFor(db, repo.id, branch);
  if (!rule) return null;
  if (deleting) return `the branch "${branch}" is protected and cannot be deleted.`;
  const username = actor.kind === 'user' ? actor.user.username.toLowerCase() : '';
  const listed = (names: string[]) => names.some((n) => n.toLowerCase() === username);
  if (kind === 'push') {
    if (!rule.enable_push) return `the branch "${branch}" is protected: changes go through a pull request.`;
    if (rule.enable_push_whitelist && !await pushListed(db, repo.id, rule, actor.kind === 'user' ? actor.user : null)) {
      return `the branch "${branch}" is protected and you are not allowed to push to it.`;
    }
  }
  if (!(await rewrites())) return null;
  if (!rule.enable_force_push) return `the branch "${branch}" is protected: force-pushing (rewriting its history) is not allowed.`;
  if (rule.enable_force_push_allowlist && !listed(rule.force_push_allowlist_usernames)) {
    return `the branch "${branch}" is protected and you are not allowed to force-push to it.`;
  }
  return null;
}

/**
 * A branch rule's protected file patterns (Gitea's `protected_file_patterns`: globs separated by
 * `;`, without case): a push or a merge that changes a matching file is refused, naming the first.
 * A new branch changes no file; a deleted one is refused by branchRefusal.
 */
async function protectedFileRefusal(req: RefMoveRequest, u: RefUpdate): Promise<string | null> {
  if (req.kind === 'pull-head' || !u.ref.startsWith('refs/heads/') || u.oldId === ZERO_OID || u.newId === ZERO_OID) return null;
  const branch = u.ref.slice('refs/heads/'.length);
  const patterns = ((await protectionFor(req.db, req.repo.id, branch))?.protected_file_patterns ?? '').split(';').map((p) => p.trim()).filter(Boolean);
  if (patterns.length === 0) return null;
  const matches = picomatch(patterns, { nocase: true, dot: true });
  const file = (await changedPaths(req.gitdir, u.oldId, u.newId, req.quarantineEnv)).find((path) => matches(path));
  return file === undefined ? null : `the branch "${branch}" is protected from changing the file "${file}".`;
}

/** Every reason to refuse one ref move. */
async function updateRefusals(req: RefMoveRequest, u: RefUpdate, scope: WriteScope): Promise<RefRefusal[]> {
  if (!OBJECT_ID.test(u.oldId) || !OBJECT_ID.test(u.newId) || !u.ref.startsWith('refs/')) return [{ ref: u.ref, reason: 'malformed update.', kind: 'invalid' }];
  if (req.kind === 'pull-head') {
    if (!PULL_HEAD.test(u.ref)) return [{ ref: u.ref, reason: 'only refs/pull/<n>/head follows a pull request.', kind: 'invalid' }];
  } else {
    const limited = maintainerRefusal(scope, u.ref, u.newId === ZERO_OID);
    if (limited) return [{ ref: u.ref, reason: limited, kind: 'forbidden' }];
    const rewrites = async () => u.oldId !== ZERO_OID && !(await isAncestor(req.gitdir, u.oldId, u.newId, req.quarantineEnv));
    const reason = (await branchRefusal(req, u.ref, u.newId === ZERO_OID, rewrites)) ?? (await protectedFileRefusal(req, u));
    if (reason) return [{ ref: u.ref, reason, kind: 'forbidden' }];
  }
  if (u.newId !== ZERO_OID && !req.quarantineEnv) {
    const problem = await newCommitProblem(req.gitdir, u.newId);
    if (problem) return [{ ref: u.ref, reason: `${problem}; git fsck would refuse it.`, kind: 'invalid' }];
  }
  return [];
}

/**
 * The one ref gate's check: why these ref moves are refused (empty: they may go ahead). Applies,
 * in order, archive and mirror state, the mover's permission (a maintainer's edit of a fork: its
 * pull request's head branch only), the branch rules of the kind of
 * move (protected files included), and the validity of every commit the move would make reachable.
 */
export async function refMoveRefusals(req: RefMoveRequest): Promise<RefRefusal[]> {
  const scope = await writeScope(req.db, req.repo, req.actor, req.kind);
  const whole = repositoryRefusal(req.repo, req.kind, scope);
  if (whole) return [whole];
  const refusals: RefRefusal[] = [];
  for (const u of req.updates) refusals.push(...(await updateRefusals(req, u, scope)));
  return refusals;
}

/**
 * Whether a push needs the gate's pre-receive check (a Node process per push): only when a
 * command could be refused beyond what the route (write permission, archive, mirror) and
 * receive-pack (fsck, compare-and-swap) already enforce.
 */
export async function pushNeedsCheck(db: Db, repo: RepoRow, commands: RefUpdate[]): Promise<boolean> {
  return someAsync(commands, async (u) => {
    if (u.ref.startsWith('refs/tags/')) return false;
    if (!u.ref.startsWith('refs/heads/')) return true;
    const branch = u.ref.slice('refs/heads/'.length);
    return (u.newId === ZERO_OID && branch === repo.default_branch) || (await protectionFor(db, repo.id, branch)) !== null;
  });
}

/**
 * The gate's rules for a commit about to be written on top of `ref` (or starting it): lets an
 * in-process write refuse before it stores any object. moveRefs checks the real move again.
 */
export async function checkRefWrite(req: Omit<RefMoveRequest, 'updates' | 'quarantineEnv'> & { ref: string }): Promise<void> {
  const scope = await writeScope(req.db, req.repo, req.actor, req.kind);
  const whole = repositoryRefusal(req.repo, req.kind, scope);
  const reason = whole ? whole.reason : (maintainerRefusal(scope, req.ref, false) ?? (await branchRefusal(req, req.ref, false, async () => false)));
  if (reason) throw refusalError([{ ref: req.ref, reason, kind: 'forbidden' }]);
}

/** A refusal as the error an in-process write answers: 403 for a rule, 422 for a malformed move. */
function refusalError(refusals: RefRefusal[]): ForgeError {
  const text = refusals.map((r) => r.reason.charAt(0).toUpperCase() + r.reason.slice(1)).join(' ');
  return new ForgeError(refusals.some((r) => r.kind === 'forbidden') ? 'forbidden' : 'invalid', text, { refs: refusals.map((r) => r.ref).filter((r) => r !== null) });
}

/**
 * The one function through which the forge moves refs in place: checks the moves with the gate
 * (refMoveRefusals), then makes them all or none with a compare-and-swap against the old values
 * (RefMovedError, a 409, when one moved meanwhile). git push goes through the same check in its
 * pre-receive step; receive-pack makes its own compare-and-swap.
 */
export async function moveRefs(req: RefMoveRequest): Promise<void> {
  const refusals = await refMoveRefusals(req);
  if (refusals.length > 0) throw refusalError(refusals);
  await updateRefs(req.gitdir, req.updates);
}

/** Mirror sync's own rule: only a mirror takes refs fetched from its source, and not once archived. */
export function mirrorSyncRefusal(repo: RepoRow): string | null {
  if (!repo.is_mirror) return `${repo.owner_name}/${repo.name} is not a mirror.`;
  if (repo.is_archived) return `${repo.owner_name}/${repo.name} is archived: it is read-only.`;
  return null;
}
