/**
 * Server time to the first paint data of a pull request's files tab: what the page asks for before
 * it can draw the first files (the pull request, then the first slice of its diff through the
 * compare endpoint), for a 50-file pull request and a 1,000-file / 50,000-line one. Printed beside
 * `git diff` of the same range in the same run, as the reference. Goals (issue #15): under 200 ms
 * and under 1 s. Run: `npx tsx bench/diff.ts [--runs K]`.
 */
import { startServer } from '../test/helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../test/helpers/factories.js';
import { pushHistory } from '../test/helpers/git.js';
import { touchRepo } from '../server/db/repos.js';
import { repoPath } from '../server/git/store.js';
import { git, median, time } from './lib.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

/** `files` files of `lines` lines each, every fifth line changed on the branch. */
function files(count: number, lines: number, changed: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (let f = 0; f < count; f++) {
    const text: string[] = [];
    for (let l = 0; l < lines; l++) text.push(changed && l % 5 === 0 ? `export const v${l} = ${l * 2}; // changed` : `export const v${l} = ${l};`);
    out[`src/module-${Math.floor(f / 50)}/file-${f}.ts`] = `${text.join('\n')}\n`;
  }
  return out;
}

const server = await startServer();
try {
  const { db, config } = server.app.forge;
  const user = await buildUser(db);
  const token = await buildToken(db, user);
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      ...init,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const rows: string[] = [];
  for (const [name, count, lines, goal] of [
    ['pr-50', 50, 40, 200],
    ['pr-1000', 1000, 50, 1000],
  ] as const) {
    const repo = await buildRepo(db, config.reposDir, user, { name });
    const gitdir = repoPath(config.reposDir, user.username, name);
    pushHistory(gitdir, [
      { message: 'Base', files: files(count, lines, false) },
      { message: 'Change', branch: 'change', files: files(count, lines, true) },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    const base = `/repos/${user.username}/${name}`;
    await api(`${base}/pulls`, { method: 'POST', body: JSON.stringify({ head: 'change', base: 'main', title: name }) });
    let pull = await api(`${base}/pulls/1`);
    while (pull.mergeable_state === 'checking') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      pull = await api(`${base}/pulls/1`);
    }
    const from = String(pull.merge_base);
    const head = String((pull.head as { sha: string }).sha);
    const firstPaint = async () => {
      await api(`${base}/pulls/1`);
      await api(`${base}/compare/${from}...${head}`);
    };
    await firstPaint(); // warm-up, not counted
    const served: number[] = [];
    const reference: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      served.push((await time(firstPaint)).ms);
      reference.push((await time(() => git(['--git-dir', gitdir, 'diff', `${from}..${head}`]))).ms);
    }
    const ms = median(served);
    rows.push(
      `${name.padEnd(8)} ${String(count).padStart(5)} files ${String(count * lines).padStart(6)} lines  first paint ${ms.toFixed(0).padStart(5)} ms (goal < ${goal} ms)  git diff ${median(reference).toFixed(0).padStart(5)} ms`,
    );
  }
  console.log(`median of ${RUNS} runs, warm server\n${rows.join('\n')}`);
} finally {
  await server.close();
}
