/**
 * Server time of the blame endpoint on a long history: a 1,000-line file touched by each of 1,000
 * commits (a few lines rewritten, sometimes one inserted or removed), generated with the bench's
 * seeded Rng and written by `git fast-import`. Measured over HTTP on 127.0.0.1, cold (the
 * repository's git cache dropped before each run, so git blame runs) and warm (memoised), beside
 * `git blame --incremental` run directly on the same repository in the same run, the reference.
 * Goal (issue #16): cold median under 300 ms. Run: `npx tsx bench/blame.ts [--runs K]`.
 */
import { startServer } from '../test/helpers/server.js';
import { buildRepo, buildUser } from '../test/helpers/factories.js';
import { touchRepo } from '../server/db/repos.js';
import { repoPath } from '../server/git/store.js';
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

const server = await startServer();
try {
  const { db, config } = server.app.forge;
  const user = await buildUser(db);
  const repo = await buildRepo(db, config.reposDir, user, { name: 'long-history' });
  const gitdir = repoPath(config.reposDir, user.username, repo.name);
  await git(['--git-dir', gitdir, 'fast-import', '--quiet'], { input: history(new Rng(16)) });
  // What the forge's maintenance writes after pushes, on both sides alike.
  await git(['--git-dir', gitdir, 'commit-graph', 'write', '--reachable']);
  touchRepo(db, repo.id, { isEmpty: false });
  const url = `${server.url}/api/v1/repos/${user.username}/${repo.name}/blame/main/${PATH}`;
  const served = async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const body = (await response.json()) as { ranges: unknown[]; commits: unknown[] };
    return body;
  };
  const first = await served(); // warm-up (highlighting, pack indexes), not counted
  const cold: number[] = [];
  const warm: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    server.app.gitCache.drop(gitdir);
    cold.push((await time(served)).ms);
    warm.push((await time(served)).ms);
    reference.push((await time(() => git(['--git-dir', gitdir, 'blame', '--incremental', 'main', '--', PATH]))).ms);
  }
  const row = (label: string, values: number[]) => `${label.padEnd(34)} median ${median(values).toFixed(0).padStart(4)} ms   p95 ${percentile(values, 0.95).toFixed(0).padStart(4)} ms`;
  const ratio = median(cold) / median(reference);
  console.log(
    [
      `${LINES}-line file, ${COMMITS} commits: ${first.ranges.length} ranges from ${first.commits.length} commits; ${RUNS} runs`,
      row('blame endpoint, cold (git runs)', cold),
      row('blame endpoint, warm (memoised)', warm),
      row('git blame --incremental (direct)', reference),
      `cold / direct git: ${ratio.toFixed(2)}x   goal: cold median < ${GOAL_MS} ms: ${median(cold) < GOAL_MS ? 'met' : 'NOT met'}`,
    ].join('\n'),
  );
  process.exitCode = median(cold) < GOAL_MS ? 0 : 3;
} finally {
  await server.close();
}
