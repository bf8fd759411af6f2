import type { RepoRow } from '../db/repos.js';
import { findRepo, listForks } from '../db/repos.js';
import type { PullRow } from '../db/pulls.js';
import type { UserRow } from '../db/users.js';
import { RepoReader, type GitCommit, type GitEntry } from '../git/read.js';
import { fetchObjects, hasCommit, readRef, RefMovedError, writeCommit, ZERO_OID, type Signature } from '../git/write.js';
import { branchNameProblem } from './repos.js';
import { checkRefWrite, moveRefs } from './ref-gate.js';
import { messageProblem } from '../lib/identity.js';
import { forkRepository } from './forks.js';
import { recordRefUpdates } from './push.js';
import { commitSignature, createPullRequest, gitdirOf, type PullContext } from './pulls.js';
import type { Actor } from '../auth/policy.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { Language } from '../../contract/languages.js';
import { commitMessages } from './commit-messages.js';

/** One file written on the web: Gitea's create (POST) or update (PUT) of /contents/{path}. */
export interface FileWrite {
  path: string;
  content: Uint8Array;
  message?: string;
  /** The branch to start from; the default branch when absent. */
  branch?: string;
  /** Commit to this new branch instead, started from `branch`. */
  newBranch?: string;
  /** For an update: the blob id of the file being replaced (409 when it changed). */
  sha?: string;
  author?: Partial<Signature>;
  committer?: Partial<Signature>;
  /** The writer's interface language: the default commit message is written in it. */
  language?: Language;
}

export interface WrittenFile {
  repo: RepoRow;
  branch: string;
  commit: GitCommit;
  entry: GitEntry;
}

const validBranch = (name: string, field: string) => {
  const problem = branchNameProblem(name);
  if (problem) throw invalid(`${problem}.`, { field });
};

/** An identity typed into the request, trimmed as git trims it; what is left is checked when the commit is written. */
const typed = (person: Partial<Signature> | undefined): Partial<Signature> =>
  Object.fromEntries(Object.entries(person ?? {}).map(([key, value]) => [key, typeof value === 'string' ? value.trim() : value]));

/** One file of a commit written on the web: what to do with the path, and the blob id it must have now (update, delete). */
export interface FileOperation {
  operation: 'create' | 'update' | 'delete';
  path: string;
  /** The new bytes (create, update). */
  content?: Uint8Array;
  /** For an update that moves the file: where it is now. */
  fromPath?: string;
  /** The blob id of the file being replaced or deleted (409 when it changed). */
  sha?: string;
}

/** A commit of one or several files on the web: Gitea's ChangeFilesOptions, decoded. */
export interface FilesWrite extends Omit<FileWrite, 'path' | 'content' | 'sha'> {
  files: FileOperation[];
}

/** What a commit of several files wrote: the branch it moved, the commit, and the entry of each file it still holds (null for a deletion). */
export interface WrittenFiles {
  repo: RepoRow;
  branch: string;
  commit: GitCommit;
  entries: Array<GitEntry | null>;
}

/** Checks each operation against the files at `parent` and turns them into the tree changes of one commit. */
async function changesOf(reader: RepoReader, parent: string | null, branch: string, files: FileOperation[]): Promise<Array<{ path: string; content: Uint8Array | null }>> {
  const changes: Array<{ path: string; content: Uint8Array | null }> = [];
  const seen = new Set<string>();
  const claim = (path: string) => {
    if (seen.has(path)) throw invalid(`"${path}" is named twice in this commit.`, { field: 'files' });
    seen.add(path);
  };
  const current = async (path: string) => {
    const entry = parent ? await reader.entryAt(parent, path) : null;
    if (entry && entry.type !== 'blob') throw invalid(`"${path}" is a folder.`, { field: 'path' });
    return entry;
  };
  const checkSha = (file: FileOperation, path: string, oid: string) => {
    if (!file.sha) throw invalid(`sha (the blob id of "${path}" being replaced) is required.`, { field: 'sha' });
    if (file.sha !== oid) throw conflict(`The file "${path}" changed since you opened it (it is now ${oid}).`, { sha: oid });
  };
  for (const file of files) {
    claim(file.path);
    const existing = await current(file.path);
    if (file.operation === 'create') {
      if (existing) throw invalid(`The file "${file.path}" already exists on "${branch}".`, { field: 'path' });
      changes.push({ path: file.path, content: file.content ?? new Uint8Array() });
      continue;
    }
    const from = file.operation === 'update' && file.fromPath && file.fromPath !== file.path ? file.fromPath : null;
    if (from) {
      claim(from);
      const moved = await current(from);
      if (!moved) throw notFound(`The file "${from}" on "${branch}"`);
      if (existing) throw invalid(`The file "${file.path}" already exists on "${branch}".`, { field: 'path' });
      checkSha(file, from, moved.oid);
      changes.push({ path: from, content: null });
    } else {
      if (!existing) throw notFound(`The file "${file.path}" on "${branch}"`);
      checkSha(file, file.path, existing.oid);
    }
    changes.push({ path: file.path, content: file.operation === 'delete' ? null : (file.content ?? new Uint8Array()) });
  }
  return changes;
}

/** The message a commit gets when its author wrote none, in their language: "Add a.txt, b.txt". */
function defaultMessage(write: FilesWrite): string {
  const messages = commitMessages(write.language);
  const paths = write.files.map((f) => f.path).join(', ');
  return write.files.every((f) => f.operation === 'create') ? messages.addFile(paths) : messages.updateFile(paths);
}

/**
 * Writes files as one commit on top of `parent` (null: the first commit) in-process, then moves
 * `branch` from `oldId` with a compare-and-swap and records it as a push (pull requests follow).
 */
async function commitFiles(
  ctx: PullContext,
  input: { repo: RepoRow; actor: Actor; user: UserRow; write: FilesWrite; parent: string | null; branch: string; oldId: string },
): Promise<WrittenFiles> {
  const { repo, actor, user, write, parent, branch, oldId } = input;
  const gitdir = gitdirOf(ctx.reposDir, repo);
  const ref = `refs/heads/${branch}`;
  // Before any object is written: a refused write stores nothing.
  await checkRefWrite({ db: ctx.db, repo, gitdir, actor, kind: 'push', ref });
  const reader = new RepoReader(gitdir, ctx.gitCache);
  const changes = await changesOf(reader, parent, branch, write.files);
  const own = commitSignature(user, ctx.baseUrl);
  const author = { ...own, ...typed(write.author) };
  const committer = { ...own, ...typed(write.committer) };
  const message = write.message?.trim() || defaultMessage(write);
  const sha = await writeCommit({ gitdir, objects: ctx.gitCache, parent, changes, message, author, committer });
  try {
    await moveRefs({ db: ctx.db, repo, gitdir, actor, kind: 'push', updates: [{ ref, oldId, newId: sha }] });
  } catch (err) {
    if (err instanceof RefMovedError) throw conflict(`The branch "${branch}" moved while saving; reload and try again.`);
    throw err;
  }
  await recordRefUpdates(ctx.db, repo, gitdir, { id: user.id, username: user.username }, [{ ref, oldId, newId: sha }], ctx.events);
  const entries = await Promise.all(write.files.map(async (f) => (f.operation === 'delete' ? null : ((await reader.entryAt(sha, f.path)) as GitEntry))));
  return { repo, branch, commit: await reader.commit(sha), entries };
}

/** One file as a commit: `mode` says whether the file must be new, or must exist (with `sha` its current blob). */
async function commitOneFile(
  ctx: PullContext,
  input: { repo: RepoRow; actor: Actor; user: UserRow; file: FileWrite; parent: string | null; branch: string; oldId: string; mode: 'create' | 'update' },
): Promise<WrittenFile> {
  const { file, mode } = input;
  const write: FilesWrite = { ...file, files: [{ operation: mode, path: file.path, content: file.content, sha: file.sha }] };
  const written = await commitFiles(ctx, { ...input, write });
  return { repo: written.repo, branch: written.branch, commit: written.commit, entry: written.entries[0] as GitEntry };
}

/** The branch a web write starts from and the branch it moves: `new_branch` when given (it must not exist), else `branch`. */
async function targetBranch(repo: RepoRow, gitdir: string, write: { branch?: string; newBranch?: string }): Promise<{ tip: string | null; branch: string; oldId: string }> {
  const from = write.branch || repo.default_branch;
  validBranch(from, 'branch');
  const tip = await readRef(gitdir, `refs/heads/${from}`);
  // An empty repository gets its first commit on its default branch.
  if (!tip && !(repo.is_empty && from === repo.default_branch && !write.newBranch)) throw notFound(`The branch "${from}"`);
  if (!write.newBranch) return { tip, branch: from, oldId: tip ?? ZERO_OID };
  validBranch(write.newBranch, 'new_branch');
  if (await readRef(gitdir, `refs/heads/${write.newBranch}`)) throw invalid(`The branch "${write.newBranch}" already exists.`, { field: 'new_branch' });
  return { tip, branch: write.newBranch, oldId: ZERO_OID };
}

/** Gitea's ChangeFiles: several files created, updated, moved or deleted in one commit on `branch` (or `new_branch`), through the ref gate. */
export async function changeFiles(ctx: PullContext, repo: RepoRow, actor: Actor, write: FilesWrite): Promise<WrittenFiles> {
  const user = ctx.policy.signedIn(actor);
  if (write.files.length === 0) throw invalid('files must name at least one file.', { field: 'files' });
  const { tip, branch, oldId } = await targetBranch(repo, gitdirOf(ctx.reposDir, repo), write);
  return commitFiles(ctx, { repo, actor, user, write, parent: tip, branch, oldId });
}

/** Gitea's create/update file: a commit on `branch` (or on `new_branch` started from it) by someone with write access. */
export async function writeFile(ctx: PullContext, repo: RepoRow, actor: Actor, file: FileWrite, mode: 'create' | 'update'): Promise<WrittenFile> {
  const user = ctx.policy.signedIn(actor);
  const { tip, branch, oldId } = await targetBranch(repo, gitdirOf(ctx.reposDir, repo), file);
  return commitOneFile(ctx, { repo, actor, user, file, parent: tip, branch, oldId, mode });
}

/** A branch name `patch-N` not yet used in the repository. */
async function freeBranchName(gitdir: string): Promise<string> {
  for (let n = 1; ; n++) {
    if (!(await readRef(gitdir, `refs/heads/patch-${n}`))) return `patch-${n}`;
  }
}

/** The user's fork of a repository, made now if they have none (named like the parent, or `<name>-<owner>` when taken). */
async function forkFor(ctx: PullContext, repo: RepoRow, user: UserRow): Promise<RepoRow> {
  const existing = (await listForks(ctx.db, repo.id)).find((f) => f.owner_id === user.id);
  if (existing) return existing;
  const taken = await findRepo(ctx.db, user.username, repo.name) !== undefined;
  return forkRepository(ctx.db, ctx.reposDir, { parent: repo, owner: user, name: taken ? `${repo.name}-${repo.owner_name}` : repo.name, events: ctx.events });
}

export interface ProposedChange {
  pull: PullRow;
  /** Where the commit was written: the repository itself, or the user's fork. */
  written: WrittenFile;
  forked: boolean;
}

/**
 * "Propose a change" from the file page: someone with write access gets a new branch in the
 * repository; anyone else signed in gets it in their fork (made if needed), started from the
 * repository's current branch. Then the pull request is opened.
 */
export async function proposeChange(
  ctx: PullContext,
  repo: RepoRow,
  actor: Actor,
  input: FileWrite & { mode: 'create' | 'update'; title?: string; body?: string },
): Promise<ProposedChange> {
  const user = ctx.policy.signedIn(actor);
  // The pull request's title is checked again when it is opened, too late to store nothing.
  const titleProblem = messageProblem(input.title ?? '', 'The title');
  if (titleProblem) throw invalid(titleProblem, { field: 'title' });
  const baseBranch = input.branch || repo.default_branch;
  validBranch(baseBranch, 'branch');
  const basePath = gitdirOf(ctx.reposDir, repo);
  const tip = await readRef(basePath, `refs/heads/${baseBranch}`);
  if (!tip) throw notFound(`The branch "${baseBranch}"`);
  const maintainer = await ctx.policy.can(actor, 'repo:write', { type: 'repo', repo });
  if (!maintainer && !await ctx.policy.can(actor, 'user:create-repo', { type: 'user', user })) {
    throw forbidden('Proposing a change needs a fork in your account: your token may not create repositories.');
  }
  const target = maintainer ? repo : await forkFor(ctx, repo, user);
  const targetPath = gitdirOf(ctx.reposDir, target);
  if (target.id !== repo.id && !(await hasCommit(targetPath, tip))) await fetchObjects(targetPath, basePath, `refs/heads/${baseBranch}`);
  const branch = input.newBranch || (await freeBranchName(targetPath));
  validBranch(branch, 'new_branch');
  if (await readRef(targetPath, `refs/heads/${branch}`)) throw invalid(`The branch "${branch}" already exists.`, { field: 'new_branch' });
  const written = await commitOneFile(ctx, { repo: target, actor, user, file: input, parent: tip, branch, oldId: ZERO_OID, mode: input.mode });
  const pull = await createPullRequest(ctx, {
    base: repo,
    poster: user,
    actor,
    head: target.id === repo.id ? branch : `${user.username}:${branch}`,
    baseBranch,
    title: input.title?.trim() || written.commit.message.split('\n')[0],
    body: input.body ?? '',
  });
  return { pull, written, forked: target.id !== repo.id };
}
