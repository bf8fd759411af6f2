import type { Db } from '../db/index.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { createRepository, isPubliclyReadable } from './repos.js';
import { recordRefUpdates, type Pusher } from './push.js';
import type { EventBus } from './events.js';
import { cloneObjectsAndRefs, fetchObjects, hasCommit, isAncestor, readRef } from '../git/write.js';
import { moveRefs, pusherActor } from './ref-gate.js';
import { repoPath } from '../git/store.js';
import { conflict, invalid, notFound } from '../errors.js';

/**
 * Forks a repository into an account or organisation (the caller checked it may create there): a
 * new bare repository whose packs are hard links to the parent's, with its branches and tags, put
 * in place with its row in one step by createRepository. A parent that not everyone may read (a
 * private repository, or one of a private or limited organisation) gives a private fork.
 */
export async function forkRepository(db: Db, reposDir: string, input: { parent: RepoRow; owner: UserRow; name?: string; events?: EventBus; actorId?: number }): Promise<RepoRow> {
  const { parent, owner } = input;
  const name = input.name || parent.name;
  if (owner.id === parent.owner_id && name.toLowerCase() === parent.lower_name) {
    throw conflict(`${owner.username}/${name} is the repository itself; choose another name.`, { field: 'name' });
  }
  const parentPath = repoPath(reposDir, parent.owner_name, parent.name);
  const fork = await createRepository(db, reposDir, {
    owner,
    name,
    description: parent.description,
    website: parent.website,
    isPrivate: !isPubliclyReadable(parent),
    defaultBranch: parent.default_branch,
    forkId: parent.id,
    prepare: async (tmpPath) => {
      await cloneObjectsAndRefs(parentPath, tmpPath);
      return (await readRef(tmpPath, `refs/heads/${parent.default_branch}`)) !== null;
    },
  });
  await input.events?.publish('fork', { parent, fork, actorId: input.actorId ?? owner.id });
  return fork;
}

/** The repository a fork was made from, or a 404 when the repository is not a fork. */
export async function parentOf(db: Db, fork: RepoRow): Promise<RepoRow> {
  const parent = fork.fork_id === null ? undefined : await findRepoById(db, fork.fork_id);
  if (!parent) throw invalid(`${fork.owner_name}/${fork.name} is not a fork.`);
  return parent;
}

/**
 * Fast-forwards a branch of a fork to the same branch of its parent (Gitea's merge-upstream):
 * the parent's objects are fetched into the fork, then the branch moves only if it still points
 * where it was read. A 409 says so when the fork's branch has commits the parent lacks.
 */
export async function syncFork(
  db: Db,
  reposDir: string,
  input: { fork: RepoRow; parent: RepoRow; branch: string; pusher: Pusher; events: EventBus },
): Promise<{ branch: string; sha: string; moved: boolean }> {
  const { fork, parent, branch } = input;
  const forkPath = repoPath(reposDir, fork.owner_name, fork.name);
  const parentPath = repoPath(reposDir, parent.owner_name, parent.name);
  if (isPubliclyReadable(fork) && !isPubliclyReadable(parent)) {
    throw invalid(`${fork.owner_name}/${fork.name} is public and ${parent.owner_name}/${parent.name} is not: syncing would publish its commits.`);
  }
  const ref = `refs/heads/${branch}`;
  const upstream = /^[A-Za-z0-9._/-]{1,255}$/.test(branch) && !branch.includes('..') ? await readRef(parentPath, ref) : null;
  if (!upstream) throw notFound(`The branch "${branch}" of ${parent.owner_name}/${parent.name}`);
  const current = await readRef(forkPath, ref);
  if (!current) throw notFound(`The branch "${branch}" of ${fork.owner_name}/${fork.name}`);
  if (current === upstream) return { branch, sha: current, moved: false };
  if (!(await hasCommit(forkPath, upstream))) await fetchObjects(forkPath, parentPath, ref);
  if (!(await hasCommit(forkPath, upstream))) throw conflict(`The branch "${branch}" of ${parent.owner_name}/${parent.name} changed meanwhile; try again.`);
  if (await isAncestor(forkPath, upstream, current)) return { branch, sha: current, moved: false };
  if (!(await isAncestor(forkPath, current, upstream))) {
    throw conflict(
      `The branch "${branch}" of ${fork.owner_name}/${fork.name} has commits that ${parent.owner_name}/${parent.name} does not have: it cannot be fast-forwarded. Merge or rebase it with git.`,
    );
  }
  await moveRefs({ db, repo: fork, gitdir: forkPath, actor: await pusherActor(db, input.pusher), kind: 'push', updates: [{ ref, oldId: current, newId: upstream }] });
  await recordRefUpdates(db, fork, forkPath, input.pusher, [{ ref, oldId: current, newId: upstream }], input.events);
  return { branch, sha: upstream, moved: true };
}
