import type { Db } from '../db/index.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import { findUserByName, type UserRow } from '../db/users.js';
import {
  deletePullRow,
  findOpenPull,
  insertPull,
  openPullsFromHead,
  openPullsIntoBase,
  setPullChecking,
  setPullHead,
  updatePullRow,
  setAllowMaintainerEdit,
  findPullById,
  markMerged,
  networkReposOf,
  type PullRow,
} from '../db/pulls.js';
import { ANONYMOUS, type Actor, type Policy } from '../auth/policy.js';
import type { GitCache } from '../git/cache.js';
import { repoPath } from '../git/store.js';
import { fetchObjects, hasCommit, isAncestor, readRef, ZERO_OID, type Signature } from '../git/write.js';
import { mergeBase } from '../git/merge.js';
import { cleanIdentity, messageProblem } from '../lib/identity.js';
import { isValidRefName } from '../lib/names.js';
import { ZERO_ID, type PushedEvent } from './push.js';
import { noteReferences } from './references.js';
import type { MergeabilityChecker } from './mergeability.js';
import type { EventBus } from './events.js';
import { moveRefs, pusherActor } from './ref-gate.js';
import { noteHeadBranchDeleted, notePullEvent, notePullPush } from './timeline.js';
import { addedMentions, publishPullConversation } from './notifications.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { draftTitle, readyTitle } from '../../contract/drafts.js';
import { filterAsync } from '../lib/async.js';

/** What the pull request services need from the running forge. */
export interface PullContext {
  db: Db;
  reposDir: string;
  policy: Policy;
  checker: MergeabilityChecker;
  /** The forge's public URL: its host names no-reply addresses. */
  baseUrl: string;
  onListenerError: (err: unknown) => void;
  /** The instance's bus: refs the services move are published there. */
  events: EventBus;
  /** The instance's git object cache, which every reader and in-process commit goes through. */
  gitCache: GitCache;
}

/**
 * The author line of a commit the forge writes for a user: their name and email, or a no-reply
 * address; cleaned as git cleans GIT_AUTHOR_NAME, since the profile was not typed for a commit.
 */
export function commitSignature(user: UserRow, baseUrl: string): Signature {
  const host = new URL(baseUrl).hostname || 'localhost';
  const name = cleanIdentity(user.full_name) || user.username;
  return { name, email: cleanIdentity(user.email ?? '') || `${user.lower_name}@noreply.${host}` };
}

/** Where a pull request's head lives in the base repository. */
export const pullHeadRef = (pull: Pick<PullRow, 'number'>) => `refs/pull/${pull.number}/head`;

export const gitdirOf = (reposDir: string, repo: RepoRow) => repoPath(reposDir, repo.owner_name, repo.name);

/**
 * The head of a new pull request, as Gitea writes it: `branch` (in the base repository) or
 * `owner:branch` (that owner's repository of the same fork network, usually a fork of the base).
 */
export async function resolveHead(ctx: PullContext, actor: Actor, base: RepoRow, head: string): Promise<{ repo: RepoRow; branch: string }> {
  const colon = head.indexOf(':');
  if (colon < 0) return { repo: base, branch: head };
  const ownerName = head.slice(0, colon);
  const branch = head.slice(colon + 1);
  if (ownerName.toLowerCase() === base.owner_name.toLowerCase()) return { repo: base, branch };
  const owner = await findUserByName(ctx.db, ownerName);
  const candidates = owner
    ? await filterAsync(
        await Promise.all((await networkReposOf(ctx.db, owner.id, base)).map(async (id) => (await findRepoById(ctx.db, id)) as RepoRow)),
        (r) => ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: r }),
      )
    : [];
  // The owner's fork of this very repository first, then any other repository of the network.
  const repo = candidates.find((r) => r.fork_id === base.id) ?? candidates[0];
  if (!repo) throw notFound(`A fork of ${base.owner_name}/${base.name} owned by "${ownerName}"`);
  return { repo, branch };
}

/** The commit a branch points to; a 404 naming the branch when it does not exist. */
async function branchTip(repo: RepoRow, gitdir: string, branch: string): Promise<string> {
  // git's own ref rules: any branch git could push can be a pull request's head or base.
  const sha = isValidRefName(branch) ? await readRef(gitdir, `refs/heads/${branch}`) : null;
  if (!sha) throw notFound(`The branch "${branch}" of ${repo.owner_name}/${repo.name}`);
  return sha;
}

/**
 * Brings the head branch's commit into the base repository (objects only) and returns it. For a
 * pull request inside one repository there is nothing to copy.
 */
async function importHead(ctx: PullContext, base: RepoRow, headRepo: RepoRow, branch: string): Promise<string> {
  const headPath = gitdirOf(ctx.reposDir, headRepo);
  const sha = await branchTip(headRepo, headPath, branch);
  if (headRepo.id === base.id) return sha;
  const basePath = gitdirOf(ctx.reposDir, base);
  if (!(await hasCommit(basePath, sha))) await fetchObjects(basePath, headPath, `refs/heads/${branch}`);
  // The branch may have been force-pushed between reading it and fetching it: then its old tip is gone.
  if (!(await hasCommit(basePath, sha))) throw conflict(`The branch "${branch}" changed meanwhile; try again.`);
  return sha;
}

export interface NewPullRequest {
  base: RepoRow;
  poster: UserRow;
  actor: Actor;
  head: string;
  baseBranch: string;
  title: string;
  body: string;
  /** The author lets the base repository's writers push to the head branch. */
  allowMaintainerEdit?: boolean;
}

/** Only the author, who may write to the head repository, lets maintainers push to the head branch (as Gitea). */
async function requireMayAllowMaintainerEdit(ctx: PullContext, actor: Actor, posterId: number, headRepo: RepoRow | undefined): Promise<void> {
  const user = ctx.policy.signedIn(actor);
  if (user.id !== posterId || !headRepo || !await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: headRepo })) {
    throw forbidden("Only the author of the pull request, who may write to its head repository, may let maintainers edit its branch.");
  }
}

/**
 * What any new pull request must pass before anything is fetched or stored: a base that still takes
 * pull requests and a title git can carry. Returns the title trimmed.
 */
export function newPullTitle(base: RepoRow, rawTitle: string): string {
  if (base.is_archived) throw forbidden(`${base.owner_name}/${base.name} is archived: it takes no new pull requests.`);
  const title = rawTitle.trim();
  if (!title) throw invalid('A pull request needs a title.', { field: 'title' });
  const titleProblem = pullTitleProblem(title);
  if (titleProblem) throw invalid(titleProblem, { field: 'title' });
  return title;
}

/**
 * The title becomes a merge commit's subject: git refuses a NUL, and a line break would let the
 * title write the message's body (trailers such as Co-authored-by or Signed-off-by) unseen.
 */
function pullTitleProblem(title: string): string | null {
  if (/[\r\n\u2028\u2029]/.test(title)) return 'The title must be one line.';
  return messageProblem(title, 'The title');
}

/**
 * Opens a pull request: the head commit is copied into the base repository first, then the row
 * takes the next number, then refs/pull/<n>/head is created; if creating the ref fails, the row goes.
 */
export async function createPullRequest(ctx: PullContext, input: NewPullRequest): Promise<PullRow> {
  const { base } = input;
  const title = newPullTitle(base, input.title);
  const basePath = gitdirOf(ctx.reposDir, base);
  await branchTip(base, basePath, input.baseBranch);
  const head = await resolveHead(ctx, input.actor, base, input.head);
  if (head.repo.id === base.id && head.branch === input.baseBranch) {
    throw invalid('The head and the base are the same branch.', { field: 'head' });
  }
  if (headUnavailableReason({ head_repo_id: head.repo.id }, base, head.repo) !== null) {
    // Opening it would publish the private fork's commits to everyone who reads the base.
    throw invalid(`${head.repo.owner_name}/${head.repo.name} is read by fewer people than ${base.owner_name}/${base.name}: its branches cannot be proposed there.`, { field: 'head' });
  }
  if (input.allowMaintainerEdit) await requireMayAllowMaintainerEdit(ctx, input.actor, input.poster.id, head.repo);
  const headSha = await importHead(ctx, base, head.repo, head.branch);
  const existing = await findOpenPull(ctx.db, base.id, input.baseBranch, head.repo.id, head.branch);
  if (existing) throw conflict(`A pull request from this branch is already open: #${existing.number}.`, { number: existing.number });
  const pull = await insertPull(ctx.db, {
    baseRepoId: base.id,
    posterId: input.poster.id,
    title,
    body: input.body,
    baseBranch: input.baseBranch,
    headRepoId: head.repo.id,
    headBranch: head.branch,
    headSha,
    allowMaintainerEdit: input.allowMaintainerEdit,
  });
  try {
    await moveRefs({ db: ctx.db, repo: base, gitdir: basePath, actor: input.actor, kind: 'pull-head', updates: [{ ref: pullHeadRef(pull), oldId: ZERO_OID, newId: headSha }] });
  } catch (err) {
    await deletePullRow(ctx.db, pull.id);
    throw err;
  }
  ctx.checker.schedule(pull.id);
  await noteReferences(ctx, input.actor, { repo: base, kind: 'pull', number: pull.number }, `${title}\n${input.body}`);
  await publishPullConversation(ctx.events, pull, 'opened', input.poster.id, { text: pull.body });
  return pull;
}

/** Changes a pull request's title, body, state or draft mark (the poster or someone with write access). */
export async function editPullRequest(
  ctx: PullContext,
  base: RepoRow,
  pull: PullRow,
  actor: Actor,
  edit: { title?: string; body?: string; state?: 'open' | 'closed'; draft?: boolean; allow_maintainer_edit?: boolean },
): Promise<PullRow> {
  // A draft is a title prefix, as in Gitea: marking one ready (or a draft) is a title change.
  const { draft, allow_maintainer_edit: allowEdit, ...rest } = edit;
  const changes = draft === undefined ? rest : { ...rest, title: (draft ? draftTitle : readyTitle)(rest.title ?? pull.title) };
  const user = ctx.policy.signedIn(actor);
  const maintainer = await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo: base });
  if (!maintainer && user.id !== pull.poster_id) throw forbidden('Only the author of the pull request or a maintainer may change it.');
  if (changes.title !== undefined && !changes.title.trim()) throw invalid('A pull request needs a title.', { field: 'title' });
  const titleProblem = changes.title === undefined ? null : pullTitleProblem(changes.title.trim());
  if (titleProblem) throw invalid(titleProblem, { field: 'title' });
  if (changes.state !== undefined && pull.merged) throw conflict('A merged pull request cannot be reopened or closed.');
  if (allowEdit !== undefined) await requireMayAllowMaintainerEdit(ctx, actor, pull.poster_id, pull.head_repo_id === null ? undefined : await findRepoById(ctx.db, pull.head_repo_id));
  if (changes.state === 'open' && pull.state === 'closed') {
    const other = pull.head_repo_id === null ? undefined : await findOpenPull(ctx.db, base.id, pull.base_branch, pull.head_repo_id, pull.head_branch);
    if (other) throw conflict(`Another pull request from this branch is open: #${other.number}.`);
  }
  const title = changes.title?.trim();
  await ctx.db.transaction(async () => {
    await updatePullRow(ctx.db, pull.id, { title, body: changes.body, state: changes.state });
    if (allowEdit !== undefined) await setAllowMaintainerEdit(ctx.db, pull.id, allowEdit);
    if (title !== undefined && title !== pull.title) await notePullEvent(ctx.db, pull, 'change_title', user.id, { old_title: pull.title, new_title: title });
    if (changes.state !== undefined && changes.state !== pull.state) await notePullEvent(ctx.db, pull, changes.state === 'open' ? 'reopen' : 'close', user.id);
  });
  if (changes.state === 'open') ctx.checker.schedule(pull.id);
  const updated = await findPullById(ctx.db, pull.id) as PullRow;
  if (changes.body !== undefined && changes.body !== pull.body) await publishPullConversation(ctx.events, updated, 'edited', user.id, { text: addedMentions(pull.body, updated.body) });
  if (changes.state !== undefined && changes.state !== pull.state) await publishPullConversation(ctx.events, updated, changes.state === 'open' ? 'reopened' : 'closed', user.id);
  return updated;
}

/** Who may read a repository, widest first: anyone (2), anyone signed in (1), those granted access (0). */
function audience(repo: RepoRow): number {
  if (repo.is_private) return 0;
  return repo.owner_visibility === 'public' ? 2 : repo.owner_visibility === 'limited' ? 1 : 0;
}

/** Why a pull request's head no longer follows its branch: its repository was deleted, or fewer may now read it. */
export type HeadUnavailableReason = 'head_repo_deleted' | 'head_repo_private';

/**
 * Why a pull request's head no longer follows its branch, or null while it does. A head repository
 * that was deleted, or that fewer people may now read than the base (a public fork made private),
 * stops feeding the base: its later commits would be published to the base's readers. The pull
 * request keeps the last head it had.
 */
export function headUnavailableReason(pull: Pick<PullRow, 'head_repo_id'>, base: RepoRow, headRepo: RepoRow | undefined): HeadUnavailableReason | null {
  if (pull.head_repo_id === null || !headRepo) return 'head_repo_deleted';
  if (headRepo.id === base.id || audience(headRepo) >= audience(base)) return null;
  return 'head_repo_private';
}

/** Moves refs/pull/<n>/head to the head branch's commit now, notes the push on the timeline, and plans a mergeability check. */
export async function followHead(ctx: PullContext, pull: PullRow, newSha: string, pusherId: number | null = null): Promise<void> {
  const base = await findRepoById(ctx.db, pull.base_repo_id);
  const headRepo = pull.head_repo_id === null ? undefined : await findRepoById(ctx.db, pull.head_repo_id);
  if (!base || !headRepo || newSha === pull.head_sha) return;
  // Nothing of a head that stopped feeding the base is copied into it, nor does its ref move.
  if (headUnavailableReason(pull, base, headRepo) !== null) return;
  const basePath = gitdirOf(ctx.reposDir, base);
  if (!(await hasCommit(basePath, newSha))) await fetchObjects(basePath, gitdirOf(ctx.reposDir, headRepo), `refs/heads/${pull.head_branch}`);
  // Another push moved the branch on meanwhile: its own event brings the newer commit.
  if (!(await hasCommit(basePath, newSha))) return;
  const current = (await readRef(basePath, pullHeadRef(pull))) ?? ZERO_OID;
  // The forge's own ref, following a branch that moved through the gate: no mover to check.
  await moveRefs({ db: ctx.db, repo: base, gitdir: basePath, actor: ANONYMOUS, kind: 'pull-head', updates: [{ ref: pullHeadRef(pull), oldId: current, newId: newSha }] });
  await setPullHead(ctx.db, pull.id, newSha);
  await notePullPush(ctx.db, basePath, pull, pusherId, pull.head_sha, newSha);
  ctx.checker.schedule(pull.id);
}

/**
 * A pull request merged by hand with git: its head is now reachable from its base branch, so it is
 * marked merged by the pusher, at the pushed commit, as Gitea does after a push to the base.
 */
async function mergedByHand(ctx: PullContext, pull: PullRow, baseSha: string, pusherId: number): Promise<boolean> {
  const base = await findRepoById(ctx.db, pull.base_repo_id);
  if (!base) return false;
  const gitdir = gitdirOf(ctx.reposDir, base);
  // A pull request that never had anything to merge is not "merged" by a push that still lacks nothing.
  if (pull.mergeable_state === 'empty' || !(await isAncestor(gitdir, pull.head_sha, baseSha))) return false;
  const found = await mergeBase(gitdir, baseSha, pull.head_sha);
  await ctx.db.transaction(async () => {
    await markMerged(ctx.db, pull.id, pusherId, baseSha, found);
    await notePullEvent(ctx.db, pull, 'merge_pull', pusherId, { commit_sha: baseSha, new_ref: pull.base_branch });
  });
  return true;
}

/**
 * After refs moved in a repository: pull requests from a moved branch follow it into their base
 * repository; pull requests into a moved branch are checked again.
 */
export async function pullsAfterPush(ctx: PullContext, event: PushedEvent): Promise<void> {
  for (const update of event.updates) {
    if (!update.ref.startsWith('refs/heads/')) continue;
    const branch = update.ref.slice('refs/heads/'.length);
    if (update.newId !== ZERO_ID) {
      for (const pull of await openPullsFromHead(ctx.db, event.repo.id, branch)) {
        try {
          await followHead(ctx, pull, update.newId, event.pusher.id);
        } catch (err) {
          ctx.onListenerError(err);
        }
      }
    } else await noteHeadBranchDeleted(ctx.db, event.repo.id, branch, event.pusher.id);
    for (const pull of await openPullsIntoBase(ctx.db, event.repo.id, branch)) {
      try {
        if (update.newId !== ZERO_ID && (await mergedByHand(ctx, pull, update.newId, event.pusher.id))) continue;
      } catch (err) {
        ctx.onListenerError(err);
      }
      await setPullChecking(ctx.db, pull.id);
      ctx.checker.schedule(pull.id);
    }
  }
}

/**
 * What `git push` prints after a push (as `remote:` lines), as Gitea and GitHub do: for a new
 * branch, where to open its pull request (in a fork, against the parent when the pusher may read
 * it); for a branch with an open pull request, where it is.
 */
export async function pushHints(ctx: Pick<PullContext, 'db' | 'policy' | 'baseUrl'>, event: PushedEvent): Promise<string[]> {
  const lines: string[] = [];
  const { repo } = event;
  const actor = await pusherActor(ctx.db, event.pusher);
  const parent = repo.fork_id === null ? undefined : await findRepoById(ctx.db, repo.fork_id);
  const target = parent && await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: parent }) ? parent : repo;
  for (const update of event.updates) {
    if (!update.ref.startsWith('refs/heads/') || update.newId === ZERO_ID) continue;
    const branch = update.ref.slice('refs/heads/'.length);
    const open = (await openPullsFromHead(ctx.db, repo.id, branch))[0];
    if (open) {
      const base = await findRepoById(ctx.db, open.base_repo_id);
      if (base) lines.push(`Visit the existing pull request: ${ctx.baseUrl}/${base.owner_name}/${base.name}/pulls/${open.number}`);
      continue;
    }
    if (update.oldId !== ZERO_ID || (target.id === repo.id && branch === repo.default_branch)) continue;
    const head = target.id === repo.id ? branch : `${repo.owner_name}:${branch}`;
    lines.push(`Create a pull request for '${branch}': ${ctx.baseUrl}/${target.owner_name}/${target.name}/compare/${target.default_branch}...${head}`);
  }
  return lines;
}
