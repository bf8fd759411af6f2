import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isUniqueViolation, type Db } from '../db/index.js';
import { deleteRepoRow, detachPublicForks, findRepo, findRepoById, insertRepo, renameRepoRow, updateRepoRow, type RepoChanges, type RepoRow } from '../db/repos.js';
import { deleteCollaborator, upsertCollaborator, type CollaboratorPermission } from '../db/collaborators.js';
import type { UserRow } from '../db/users.js';
import { discardRepo, initTempRepo, placeRepo, repoPath } from '../git/store.js';
import { branchExists, setHeadBranch } from '../git/setup.js';
import { readRef, RefMovedError, writeInitialCommit, ZERO_OID, type InitialFile } from '../git/write.js';
import { isSafeRefName, RepoReader } from '../git/read.js';
import type { GitCache } from '../git/cache.js';
import { nameProblem, pathUnder } from '../lib/names.js';
import type { Actor } from '../auth/policy.js';
import { recordAudit } from './audit.js';
import { moveRefs } from './ref-gate.js';
import { recordRefUpdates } from './push.js';
import type { EventBus } from './events.js';
import { GitCommandError } from '../git/exec.js';
import { conflict, ForgeError, invalid, notFound, unauthorized } from '../errors.js';
import { FRENCH_LICENCES } from '../../contract/licences.js';
import type { CreateRepoOption } from '../../contract/repositories.js';

export interface CreateRepoInput {
  owner: UserRow;
  name: string;
  description?: string;
  website?: string;
  isPrivate?: boolean;
  defaultBranch?: string;
  /** A read-only copy of another forge's repository, updated by fetching from it. */
  isMirror?: boolean;
  /** The repository this one is a fork of. */
  forkId?: number;
  /** Called with the temporary bare repository before it is put in place (e.g. to write a first commit). */
  prepare?: (tmpPath: string, defaultBranch: string) => Promise<boolean>;
  /** Called inside the transaction that inserts the row, for rows that must exist with it or not at all. */
  record?: (row: RepoRow) => Promise<void> | void;
}

/** What a new branch may be named on top of git's own ref rules: a narrower alphabet, no leading "-" or trailing ".". */
const BRANCH_NAME = /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$/;

/**
 * Whether anyone, signed in or not, may read a repository: it is public and so is its owner. Only
 * such a repository may have public forks; the fork of any other is private and stays so.
 */
export function isPubliclyReadable(repo: RepoRow): boolean {
  return repo.is_private === 0 && repo.owner_visibility === 'public';
}

/** Whether a branch name is one git and Fabrique accept. */
export function branchNameProblem(name: string): string | null {
  return isSafeRefName(name) && BRANCH_NAME.test(name) && !name.endsWith('.') ? null : `"${name}" is not a valid branch name`;
}

/** Errors of a filesystem that refuses writes: read-only, not ours, or full. */
const UNWRITABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);
const UNWRITABLE_GIT = /Read-only file system|Permission denied|Operation not permitted|No space left on device|Disk quota exceeded/;

/** A 503 when the repositories folder cannot be written (an operator's problem, not the request's); null for other errors. */
function unwritable(err: unknown): ForgeError | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const refused = (typeof code === 'string' && UNWRITABLE_CODES.has(code)) || (err instanceof GitCommandError && UNWRITABLE_GIT.test(err.stderr));
  return refused
    ? new ForgeError('unavailable', 'The repositories folder cannot be written at the moment (read-only or full): nothing was created. Try again later, or tell the administrator.')
    : null;
}

/**
 * Creates a repository: the bare repository is prepared under a temporary name, the row is inserted
 * and the directory renamed into place in one transaction, so either both exist or neither does.
 */
export async function createRepository(db: Db, reposDir: string, input: CreateRepoInput): Promise<RepoRow> {
  const problem = nameProblem(input.name);
  if (problem) throw invalid(`The repository name ${problem}.`, { field: 'name' });
  const defaultBranch = input.defaultBranch || 'main';
  const branchProblem = branchNameProblem(defaultBranch);
  if (branchProblem) throw invalid(`The default branch: ${branchProblem}.`, { field: 'default_branch' });
  if ((input.description ?? '').length > 2048) throw invalid('The description must be at most 2048 characters long.', { field: 'description' });
  if (await findRepo(db, input.owner.username, input.name)) {
    throw conflict(`The repository ${input.owner.username}/${input.name} already exists.`, { field: 'name' });
  }
  const finalPath = repoPath(reposDir, input.owner.username, input.name);
  if (existsSync(finalPath)) throw conflict(`A repository folder for ${input.owner.username}/${input.name} already exists on disk.`);

  const tmp = await initTempRepo(reposDir, defaultBranch).catch((err: unknown) => {
    throw unwritable(err) ?? err;
  });
  try {
    const hasCommits = input.prepare ? await input.prepare(tmp, defaultBranch) : false;
    return await db.transaction(async () => {
      const row = await insertRepo(db, {
        ownerId: input.owner.id,
        name: input.name,
        description: input.description ?? '',
        website: input.website ?? '',
        isPrivate: input.isPrivate ?? false,
        defaultBranch,
        isEmpty: !hasCommits,
        isMirror: input.isMirror,
        forkId: input.forkId,
      });
      await input.record?.(row);
      // Inside the transaction: if the rename fails, the row is rolled back with it.
      placeRepo(tmp, finalPath);
      return row;
    });
  } catch (err) {
    discardRepo(tmp);
    if (isUniqueViolation(err)) {
      throw conflict(`The repository ${input.owner.username}/${input.name} already exists.`, { field: 'name' });
    }
    throw unwritable(err) ?? err;
  }
}

/** Who did something and from where, for the audit trail. */
export interface AuditContext {
  actor: Actor;
  ip: string | null;
}

const licenceTexts = createRequire(import.meta.url)('spdx-license-list/full') as Record<string, { licenseText: string }>;

/** The text of a licence of the French list, with the year and holder filled in where the text asks. */
export function licenceText(id: string, holder: string): string {
  const entry = licenceTexts[id];
  if (!entry || !(FRENCH_LICENCES as readonly string[]).includes(id)) throw invalid(`The licence "${id}" is not one of: ${FRENCH_LICENCES.join(', ')}.`, { field: 'license' });
  const year = String(new Date().getUTCFullYear());
  return entry.licenseText.replace(/<year>/g, year).replace(/<(copyright holders?|owner|name of author)>/g, holder);
}

export interface AutoInitInput {
  owner: UserRow;
  author: UserRow;
  name: string;
  description?: string;
  license?: string;
  readme?: string;
}

/** A `prepare` step for createRepository that writes a first commit: README.md and, if chosen, LICENSE. */
export function autoInitPrepare(input: AutoInitInput): (tmpPath: string, defaultBranch: string) => Promise<boolean> {
  if (input.readme && input.readme !== 'Default') throw invalid(`The README template "${input.readme}" does not exist; use "Default".`, { field: 'readme' });
  const holder = input.owner.full_name || input.owner.username;
  const files: InitialFile[] = [{ path: 'README.md', content: `# ${input.name}\n\n${input.description ? `${input.description}\n` : ''}` }];
  if (input.license) files.push({ path: 'LICENSE', content: licenceText(input.license, holder) });
  return async (tmpPath, defaultBranch) => {
    await writeInitialCommit({
      gitdir: tmpPath,
      branch: defaultBranch,
      files,
      author: { name: input.author.full_name || input.author.username, email: input.author.email ?? `${input.author.lower_name}@noreply.invalid` },
      message: 'Initial commit\n',
    });
    return true;
  };
}

export interface RepoUpdate extends RepoChanges {
  name?: string;
}

/**
 * Changes a repository's settings. A rename moves the directory and leaves a redirect; a new default
 * branch must exist unless the repository is empty, and HEAD follows it. Disk moves happen inside the
 * transaction, so a failed move rolls the row back.
 */
export async function updateRepository(db: Db, reposDir: string, repo: RepoRow, update: RepoUpdate, context: AuditContext, events: EventBus): Promise<RepoRow> {
  const path = repoPath(reposDir, repo.owner_name, repo.name);
  if (update.description !== undefined && update.description.length > 2048) {
    throw invalid('The description must be at most 2048 characters long.', { field: 'description' });
  }
  if (update.website !== undefined && update.website !== '' && !/^https?:\/\/\S+$/.test(update.website)) {
    throw invalid('The website must be an http:// or https:// address.', { field: 'website' });
  }
  const newName = update.name !== undefined && update.name !== repo.name ? update.name : undefined;
  let newPath = path;
  if (newName !== undefined) {
    const problem = nameProblem(newName);
    if (problem) throw invalid(`The repository name ${problem}.`, { field: 'name' });
    const existing = await findRepo(db, repo.owner_name, newName);
    if (existing && existing.id !== repo.id) throw conflict(`The repository ${repo.owner_name}/${newName} already exists.`, { field: 'name' });
    newPath = repoPath(reposDir, repo.owner_name, newName);
    if (newPath !== path && existsSync(newPath)) throw conflict(`A repository folder for ${repo.owner_name}/${newName} already exists on disk.`);
  }
  const publishing = update.isPrivate === false && repo.is_private === 1;
  const parent = publishing && repo.fork_id !== null ? await findRepoById(db, repo.fork_id) : undefined;
  if (parent && !isPubliclyReadable(parent)) {
    // Making it public would publish what only the parent's readers may see (as GitHub refuses).
    throw invalid(
      `${repo.owner_name}/${repo.name} is a fork of ${parent.owner_name}/${parent.name}, which is not public: it must stay private.`,
      { field: 'private' },
    );
  }
  const hiding = update.isPrivate === true && repo.is_private === 0;
  const branch = update.defaultBranch !== undefined && update.defaultBranch !== repo.default_branch ? update.defaultBranch : undefined;
  if (branch !== undefined) {
    const problem = branchNameProblem(branch);
    if (problem) throw invalid(`The default branch: ${problem}.`, { field: 'default_branch' });
    if (!repo.is_empty && !(await branchExists(path, branch))) {
      throw invalid(`The branch "${branch}" does not exist in ${repo.owner_name}/${repo.name}.`, { field: 'default_branch' });
    }
    await setHeadBranch(path, branch);
  }
  const target = `repo:${repo.owner_name}/${repo.name}`;
  try {
    await db.transaction(async () => {
      await updateRepoRow(db, repo.id, { ...update, defaultBranch: branch });
      if (update.isPrivate !== undefined && update.isPrivate !== (repo.is_private === 1)) {
        // Public forks keep what was published but no longer hang from a private repository.
        const detachedForks = hiding ? await detachPublicForks(db, repo.id) : 0;
        await recordAudit(db, { ...context, action: 'repo.visibility', target, data: { private: update.isPrivate, detached_forks: detachedForks } });
      }
      if (update.isArchived !== undefined && update.isArchived !== (repo.is_archived === 1)) {
        await recordAudit(db, { ...context, action: update.isArchived ? 'repo.archive' : 'repo.unarchive', target });
      }
      if (newName !== undefined) {
        await renameRepoRow(db, repo, newName);
        await recordAudit(db, { ...context, action: 'repo.rename', target, data: { from: repo.name, to: newName } });
        if (newPath !== path) renameSync(path, newPath);
      }
    });
    // What was read through the old path must not be served for another repository created there.
    if (newPath !== path) await events.publish('repo-cache-drop', { repoPath: path });
  } catch (err) {
    // The row is rolled back; HEAD goes back to the branch the row still names.
    if (branch !== undefined) await setHeadBranch(path, repo.default_branch).catch(() => undefined);
    throw err;
  }
  return await findRepoById(db, repo.id) as RepoRow;
}

/** Deletes a repository: the row goes and the directory is moved aside in one transaction, then removed. */
export async function deleteRepository(db: Db, reposDir: string, repo: RepoRow, context: AuditContext, events: EventBus): Promise<void> {
  const path = repoPath(reposDir, repo.owner_name, repo.name);
  const trash = pathUnder(reposDir, '.trash', `${randomUUID()}.git`);
  mkdirSync(pathUnder(reposDir, '.trash'), { recursive: true });
  await db.transaction(async () => {
    await deleteRepoRow(db, repo.id);
    await recordAudit(db, { ...context, action: 'repo.delete', target: `repo:${repo.owner_name}/${repo.name}` });
    if (existsSync(path)) renameSync(path, trash);
  });
  await events.publish('repo-cache-drop', { repoPath: path });
  await events.publish('repository', { repo, action: 'deleted', actorId: context.actor.kind === 'user' ? context.actor.user.id : null });
  discardRepo(trash);
}

/** Adds a collaborator or changes their permission, and records the change. */
export async function setCollaborator(db: Db, repo: RepoRow, user: UserRow, permission: CollaboratorPermission, context: AuditContext): Promise<void> {
  if (user.type !== 'user') throw invalid('Only an account can be a collaborator, not an organisation.', { field: 'collaborator' });
  if (user.id === repo.owner_id) throw invalid('The owner of a repository cannot be added as a collaborator.', { field: 'collaborator' });
  await db.transaction(async () => {
    const previous = await upsertCollaborator(db, repo.id, user.id, permission);
    if (previous !== permission) {
      await recordAudit(db, {
        ...context,
        action: previous === null ? 'repo.collaborator.add' : 'repo.collaborator.change',
        target: `repo:${repo.owner_name}/${repo.name}`,
        data: { user: user.username, permission, previous },
      });
    }
  });
}

/** Removes a collaborator; a 404 when the account was not one. */
export async function removeCollaborator(db: Db, repo: RepoRow, user: UserRow, context: AuditContext): Promise<void> {
  await db.transaction(async () => {
    if (!await deleteCollaborator(db, repo.id, user.id)) throw notFound(`The collaborator ${user.username}`);
    await recordAudit(db, { ...context, action: 'repo.collaborator.remove', target: `repo:${repo.owner_name}/${repo.name}`, data: { user: user.username } });
  });
}

/**
 * Creates a repository from Gitea's CreateRepoOption under `owner` (an account or an organisation the
 * caller may create under, checked by the route), with `author` signing the first commit of auto_init.
 */
export async function createRepoFromOption(db: Db, reposDir: string, author: UserRow, owner: UserRow, option: CreateRepoOption, context: AuditContext, events?: EventBus): Promise<RepoRow> {
  if (option.auto_init !== true && (option.license || option.readme)) {
    throw invalid('A licence or a README is written only with auto_init: true.', { field: option.license ? 'license' : 'readme' });
  }
  const prepare = option.auto_init
    ? autoInitPrepare({ owner, author, name: option.name, description: option.description, license: option.license || undefined, readme: option.readme || undefined })
    : undefined;
  const repo = await createRepository(db, reposDir, {
    owner,
    name: option.name,
    description: option.description,
    isPrivate: option.private ?? false,
    defaultBranch: option.default_branch || undefined,
    prepare,
  });
  await recordAudit(db, { actor: context.actor, ip: context.ip, action: 'repo.create', target: `repo:${repo.owner_name}/${repo.name}`, data: { private: repo.is_private === 1 } });
  await events?.publish('repository', { repo, action: 'created', actorId: author.id });
  return repo;
}

/** What creating a branch needs from the forge: the store, the folders, the object cache and the bus pushes are told on. */
export interface BranchContext {
  db: Db;
  reposDir: string;
  gitCache: GitCache;
  events: EventBus;
}

/** Where a new branch starts: a branch, tag or commit (`fromRef`), a branch only (`fromBranch`), or the default branch. */
export interface NewBranch {
  name: string;
  fromRef?: string;
  fromBranch?: string;
}

/**
 * Gitea's `POST /repos/{owner}/{repo}/branches`: a new branch at the commit its start names, moved
 * through the ref gate (permission, archive and mirror state, branch protection) as a push is,
 * then recorded and published as one. Returns the branch's name.
 */
export async function createBranch(ctx: BranchContext, repo: RepoRow, actor: Actor, input: NewBranch): Promise<string> {
  if (actor.kind !== 'user') throw unauthorized();
  const pusher = { id: actor.user.id, username: actor.user.username };
  const problem = branchNameProblem(input.name);
  if (problem) throw invalid(`The new branch: ${problem}.`, { field: 'new_branch_name' });
  if (repo.is_empty) throw new ForgeError('not_found', 'The repository is empty: there is no commit to start a branch from.');
  const gitdir = repoPath(ctx.reposDir, repo.owner_name, repo.name);
  const reader = new RepoReader(gitdir, ctx.gitCache);
  let start: string | null;
  if (input.fromRef !== undefined) {
    start = (await reader.resolve(input.fromRef))?.oid ?? null;
    if (!start) throw notFound(`The branch, tag or commit "${input.fromRef}"`);
  } else {
    const from = input.fromBranch ?? repo.default_branch;
    start = isSafeRefName(from) ? await readRef(gitdir, `refs/heads/${from}`) : null;
    // Gitea's words for a missing start branch.
    if (!start) throw new ForgeError('not_found', 'The old branch does not exist');
  }
  const ref = `refs/heads/${input.name}`;
  const branches = await reader.branches();
  if (branches.some((b) => b.name === input.name)) throw conflict('The branch already exists.', { field: 'new_branch_name' });
  if (await readRef(gitdir, `refs/tags/${input.name}`)) throw conflict('The branch with the same tag already exists.', { field: 'new_branch_name' });
  // git keeps refs as files: "a" and "a/b" cannot both be branches.
  const clash = branches.find((b) => b.name.startsWith(`${input.name}/`) || input.name.startsWith(`${b.name}/`));
  if (clash) throw conflict(`The branch "${clash.name}" exists: git cannot have both "${clash.name}" and "${input.name}".`, { field: 'new_branch_name' });
  const update = { ref, oldId: ZERO_OID, newId: start };
  try {
    await moveRefs({ db: ctx.db, repo, gitdir, actor, kind: 'push', updates: [update] });
  } catch (err) {
    if (err instanceof RefMovedError) throw conflict('The branch already exists.', { field: 'new_branch_name' });
    throw err;
  }
  await recordRefUpdates(ctx.db, repo, gitdir, pusher, [update], ctx.events);
  return input.name;
}

/**
 * Gitea's `DELETE /repos/{owner}/{repo}/branches/{branch}`: removes the branch where it points now,
 * through the ref gate (which refuses the default branch and protected ones, with the reason),
 * then records and publishes the deletion as a push would.
 */
export async function deleteBranch(ctx: BranchContext, repo: RepoRow, actor: Actor, name: string): Promise<void> {
  if (actor.kind !== 'user') throw unauthorized();
  const gitdir = repoPath(ctx.reposDir, repo.owner_name, repo.name);
  const oldId = isSafeRefName(name) ? await readRef(gitdir, `refs/heads/${name}`) : null;
  if (!oldId) throw notFound(`The branch "${name}"`);
  const update = { ref: `refs/heads/${name}`, oldId, newId: ZERO_OID };
  try {
    await moveRefs({ db: ctx.db, repo, gitdir, actor, kind: 'push', updates: [update] });
  } catch (err) {
    if (err instanceof RefMovedError) throw conflict(`The branch "${name}" moved meanwhile: look at it again before deleting it.`);
    throw err;
  }
  await recordRefUpdates(ctx.db, repo, gitdir, { id: actor.user.id, username: actor.user.username }, [update], ctx.events);
}
