/**
 * Server time of the blame endpoint on a long history: a 1,000-line file touched by each of 1,000
 * commits (a few lines rewritten, sometimes one inserted or removed), generated with the bench's
 * seeded Rng, written by `git fast-import` and maintained as the forge does after pushes (repack,
 * commit-graph with changed-path Bloom filters). Measured over HTTP on 127.0.0.1, in one run:
 * - git blame --incremental run directly on the repository, the reference;
 * - git log -p -U0 of the file's whole history run directly: what replaying the history forward
 *   instead of running git blame would read at least (it is not faster here, so the forge does not);
 * - cold-cold: nothing cached, in memory or on disk, nobody pushed since: the forge runs git blame;
 * - after a new commit on top: a commit changing a few lines is added and the memory cache dropped
 *   (as a push does), the blame at its parent being stored: carried forward, git blame not run;
 * - stored: the memory cache dropped (a push elsewhere, a restart), the blame read from disk;
 * - cached: the same request again, memoised in memory;
 * - after a push: another commit on top, announced as a push announces it (`repo-cache-drop`, then
 *   `pushed`), the background job that carries blames forward and highlights awaited, then asked;
 * - after a push, never viewed: the same with nothing stored before the push: the job blames the
 *   file ahead because its history is long (blame-warm.ts), then asked;
 * - after a first push: nothing stored, main announced as created (a repository's first push, an
 *   import): the job blames the files with the longest histories ahead, then asked.
 * Goal (issue #16): under 300 ms. Run: `npx tsx bench/blame.ts [--runs K]`.
 */
import { startServer } from '../test/helpers/server.js';
import { buildRepo, buildUser } from '../test/helpers/factories.js';
import { findRepoById, touchRepo } from '../server/db/repos.js';
import { repoPath } from '../server/git/store.js';
import { maintainRepository } from '../server/git/maintenance.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from './gen-repo.js';
import { git, median, time } from './lib.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const LINES = 1000;
const COMMITS = 1000;
const GOAL_MS = 300;
const PATH = 'src/registry.ts';

/** The fast-import stream of the history: every commit rewrites a few lines of the one file. */
function history(rng: Rng): string {
  const lines = Array.from({ length: LINES }, (_, i) => `export const entry${i} = ${rng.int(0, 1_000_000)}; // first version`);
  const out: string[] = [];
  for (let c = 0; c < COMMITS; c++) {
    const edits = rng.int(1, 5);
    for (let e = 0; e < edits; e++) lines[rng.int(0, lines.length - 1)] = `export const value${c}_${e} = ${rng.int(0, 1_000_000)}; // commit ${c}`;
    if (c > 0 && rng.chance(0.2)) lines.splice(rng.int(0, lines.length - 1), 1);
    if (c > 0 && rng.chance(0.2)) lines.splice(rng.int(0, lines.length), 0, `// note added by commit ${c}`);
    const content = `${lines.join('\n')}\n`;
    const message = `Change ${rng.int(1, 5)} entries (${c + 1})`;
    const when = 1_577_869_200 + c * 3600;
    const author = `${rng.pick(['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra'])} <dev@example.org> ${when} +0100`;
    out.push(
      'commit refs/heads/main',
      `author ${author}`,
      `committer ${author}`,
      `data ${Buffer.byteLength(message)}`,
      message,
      `M 100644 inline ${PATH}`,
      `data ${Buffer.byteLength(content)}`,
      content,
    );
  }
  return `${out.join('\n')}\n`;
}

/** The value at fraction `q` of the sorted list (nearest rank). */
const percentile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];

/** A commit on top of main rewriting a few lines of the file: the fast-import stream. */
function nextCommit(rng: Rng, content: string, n: number): string {
  const lines = content.replace(/\n$/, '').split('\n');
  for (let e = 0; e < rng.int(1, 4); e++) lines[rng.int(0, lines.length - 1)] = `export const late${n}_${e} = ${rng.int(0, 1_000_000)}; // on top ${n}`;
  const text = `${lines.join('\n')}\n`;
  const message = `On top ${n}`;
  const author = `Ada Lovelace <dev@example.org> ${1_700_000_000 + n * 60} +0100`;
  return [
    'commit refs/heads/main',
    `author ${author}`,
    `committer ${author}`,
    `data ${Buffer.byteLength(message)}`,
    message,
    'from refs/heads/main^0',
    `M 100644 inline ${PATH}`,
    `data ${Buffer.byteLength(text)}`,
    text,
    '',
  ].join('\n');
}

const server = await startServer();
try {
  const { db, config } = server.app.forge;
  const user = await buildUser(db);
  const repo = await buildRepo(db, config.reposDir, user, { name: 'long-history' });
  const gitdir = repoPath(config.reposDir, user.username, repo.name);
  await git(['--git-dir', gitdir, 'fast-import', '--quiet'], { input: history(new Rng(16)) });
  // What the forge's maintenance writes after pushes: the same repository for both sides.
  await maintainRepository(gitdir, {});
  await touchRepo(db, repo.id, { isEmpty: false });
  const url = `${server.url}/api/v1/repos/${user.username}/${repo.name}/blame/main/${PATH}`;
  const served = async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as { ranges: unknown[]; commits: unknown[] };
  };
  const dropMemory = () => server.app.events.publish('repo-cache-drop', { repoPath: gitdir });
  const dropAll = async () => {
    await dropMemory();
    await rm(join(gitdir, 'fabrique', 'blame-cache'), { recursive: true, force: true });
  };
  const first = await served(); // warm-up (highlighting, pack indexes), not counted
  const rng = new Rng(1616);
  const reference: number[] = [];
  const cold: number[] = [];
  const incremental: number[] = [];
  const stored: number[] = [];
  const cached: number[] = [];
  const pushed: number[] = [];
  const pushedUnviewed: number[] = [];
  const firstPush: number[] = [];
  const replayRead: number[] = [];
  const tip = async () => (await git(['--git-dir', gitdir, 'rev-parse', 'main'])).stdout.trim();
  const addCommit = async (n: number) => {
    const { stdout } = await git(['--git-dir', gitdir, 'show', `main:${PATH}`]);
    await git(['--git-dir', gitdir, 'fast-import', '--quiet'], { input: nextCommit(rng, stdout, n) });
  };
  /** Announces main's move from `oldId` as a push does and waits for the background blame job it starts. */
  const announcePush = async (oldId: string) => {
    const updates = [{ ref: 'refs/heads/main', oldId, newId: await tip() }];
    await server.app.events.publish('pushed', { repo: (await findRepoById(db, repo.id)) ?? repo, repoPath: gitdir, pusher: { id: user.id, username: user.username }, updates });
    // Runs of one job name are chained: this one ends after the warm-up the push started.
    await server.app.jobs.run(`blame-warm:${gitdir}`, async () => undefined);
  };
  for (let i = 0; i < RUNS; i++) {
    reference.push((await time(() => git(['--git-dir', gitdir, 'blame', '--incremental', 'main', '--', PATH]))).ms);
    replayRead.push((await time(() => git(['--git-dir', gitdir, 'log', '--reverse', '--no-renames', '--raw', '--no-abbrev', '-p', '-U0', 'main', '--', PATH]))).ms);
    await dropAll();
    cold.push((await time(served)).ms);
    await addCommit(2 * i);
    await dropMemory();
    incremental.push((await time(served)).ms);
    await dropMemory();
    stored.push((await time(served)).ms);
    cached.push((await time(served)).ms);
    const oldId = await tip();
    await addCommit(3 * RUNS + i);
    await dropMemory();
    await announcePush(oldId);
    pushed.push((await time(served)).ms);
    // Nothing stored before this push: the job blames the long history from scratch.
    await dropAll();
    const unviewedFrom = await tip();
    await addCommit(6 * RUNS + i);
    await dropMemory();
    await announcePush(unviewedFrom);
    pushedUnviewed.push((await time(served)).ms);
    // A first push: main arrives whole, no old tip to compare with.
    await dropAll();
    await announcePush('0'.repeat(40));
    firstPush.push((await time(served)).ms);
  }
  const direct = median(reference);
  const met = (values: number[]) => (median(values) < GOAL_MS ? 'met' : 'NOT met');
  const row = (label: string, values: number[]) =>
    `${label.padEnd(48)} median ${median(values).toFixed(0).padStart(4)} ms   p95 ${percentile(values, 0.95).toFixed(0).padStart(4)} ms   ${(median(values) / direct).toFixed(2)}x git`;
  console.log(
    [
      `${LINES}-line file, ${COMMITS} commits: ${first.ranges.length} ranges from ${first.commits.length} commits; ${RUNS} runs`,
      row('git blame --incremental (direct, reference)', reference),
      row('git log -p -U0, whole history (direct)', replayRead),
      row('Fabrique cold-cold (nothing stored: git blame)', cold),
      row('Fabrique after a new commit on top', incremental),
      row('Fabrique stored (memory dropped, disk)', stored),
      row('Fabrique cached (memory)', cached),
      row('Fabrique after a push (viewed before: carried)', pushed),
      row('Fabrique after a push (never viewed: blamed)', pushedUnviewed),
      row('Fabrique after a first push (main arrives whole)', firstPush),
      `goal: a blame under ${GOAL_MS} ms (median) after a new commit: ${met(incremental)}; after a push warmed it, viewed before: ${met(pushed)}, never viewed: ${met(pushedUnviewed)}; after a first push: ${met(firstPush)}; cold-cold (no push since nothing was stored): ${met(cold)}`,
    ].join('\n'),
  );
  process.exitCode = [incremental, cached, pushed, pushedUnviewed, firstPush].every((values) => median(values) < GOAL_MS) ? 0 : 3;
} finally {
  await server.close();
}
