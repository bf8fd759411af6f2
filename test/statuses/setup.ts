import { makeWorld, settledPull, type PullWorld } from '../pulls/setup.js';
import { api, as } from '../helpers/http.js';
import { buildToken, buildUser } from '../helpers/factories.js';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import type { UserRow } from '../../server/db/users.js';

/** A pull request world whose `main` requires the contexts given, with a CI account that may write (it posts the statuses). */
export interface StatusWorld extends PullWorld {
  ci: UserRow;
  ciToken: string;
}

export async function makeStatusWorld(contexts: string[], rule: Record<string, unknown> = {}): Promise<StatusWorld> {
  // setup
  const world = await makeWorld();
  const ci = await buildUser(world.server.app.forge.db);
  const ciToken = await buildToken(world.server.app.forge.db, ci, ['all']);
  const owner = world.maintainer.username;
  const auth = as(world.tokens.maintainer);
  const added = await api(world.server.url, 'PUT', `/repos/${owner}/site/collaborators/${ci.username}`, { auth, body: { permission: 'write' } });
  if (added.status !== 204) throw new Error(`collaborator: ${added.status}`);
  const body = { rule_name: 'main', enable_status_check: true, status_check_contexts: contexts, ...rule };
  const protection = await api(world.server.url, 'POST', `/repos/${owner}/site/branch_protections`, { auth, body });
  if (protection.status !== 201) throw new Error(`protection: ${protection.status} ${JSON.stringify(protection.body)}`);
  return { ...world, ci, ciToken };
}

/** Opens a pull request from `head` into main as the maintainer and waits for its mergeability. */
export async function openPull(w: PullWorld, head: string): Promise<{ number: number; sha: string }> {
  const owner = w.maintainer.username;
  const opened = await api(w.server.url, 'POST', `/repos/${owner}/site/pulls`, { auth: as(w.tokens.maintainer), body: { head, base: 'main', title: `From ${head}` } });
  if (opened.status !== 201) throw new Error(`pull: ${opened.status} ${JSON.stringify(opened.body)}`);
  const settled = await settledPull(w, owner, 'site', opened.body.number);
  return { number: opened.body.number, sha: settled.head.sha };
}

/** Posts a status as the CI account. */
export async function postStatus(w: StatusWorld, sha: string, state: string, context = 'ci/test'): Promise<void> {
  const posted = await api(w.server.url, 'POST', `/repos/${w.maintainer.username}/site/statuses/${sha}`, { auth: as(w.ciToken), body: { state, context } });
  if (posted.status !== 201) throw new Error(`status: ${posted.status} ${JSON.stringify(posted.body)}`);
}

/** The pull request as the API shows it. */
export async function getPull(w: PullWorld, number: number) {
  return (await api(w.server.url, 'GET', `/repos/${w.maintainer.username}/site/pulls/${number}`, { auth: as(w.tokens.maintainer) })).body;
}

/** Waits until every automatic merge attempt planned for the pull request has run (the job lock runs one name's jobs in order). */
export async function autoMergeSettled(w: PullWorld, number: number): Promise<void> {
  const id = await w.server.app.forge.db.prepare('SELECT id FROM pull_requests WHERE base_repo_id = ? AND number = ?').pluck().get(w.repo.id, number) as number;
  await w.server.app.jobs.run(`auto-merge:${id}`, async () => undefined);
}

/** Pushes a new commit onto a branch (made from `from` when given) with the real git client, as the maintainer; returns the new commit. */
export async function pushCommit(w: PullWorld, branch: string, file: string, from?: string): Promise<string> {
  const dir = tempDir();
  const url = repoUrl(w.server.url, w.maintainer.username, 'site', { user: w.maintainer.username, secret: w.tokens.maintainer });
  await git(['clone', '-q', '--branch', from ?? branch, url, dir]);
  if (from) await git(['checkout', '-q', '-b', branch], { cwd: dir });
  await git(['config', 'user.email', 'dev@example.org'], { cwd: dir });
  await git(['config', 'user.name', 'Dev'], { cwd: dir });
  const sha = await commitFiles(dir, { [file]: `${file}\n` }, `Add ${file}`);
  await git(['push', '-q', 'origin', branch], { cwd: dir });
  return sha;
}
