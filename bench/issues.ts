/**
 * Issue list pages on a busy tracker (issue #13): 5,000 issues in one repository, with labels,
 * milestones, assignees, comments and five authors, all seeded through the real server over HTTP
 * (the Gitea API, as a client or an importer would: POST issues, labels, milestones, comments).
 * Then each filter of `GET /repos/{o}/{r}/issues` and `GET /repos/issues/search` is timed, a page
 * of 50 at a time, beside the plain `GET /repos/{o}/{r}` measured in the same run as the reference.
 * Goal: under 50 ms per page (median). Exit code 0 when every page meets it, 3 when one does not.
 * Run: `npx tsx bench/issues.ts [--issues N] [--runs K]`.
 */
import { startServer } from '../test/helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../test/helpers/factories.js';
import { median, printTable, time } from './lib.js';

const argOf = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ISSUES = argOf('--issues', 5000);
const RUNS = argOf('--runs', 30);
const COMMENTS = Math.round(ISSUES / 4);
const PAGE = 50;
const GOAL_MS = 50;
/** Requests in flight while seeding: enough to keep the server busy, few enough for 2 shared cores. */
const SEED_CONCURRENCY = 6;

const LABELS = ['bug', 'feature', 'docs', 'ui', 'backend', 'security', 'performance', 'question', 'good first issue', 'wontfix', 'duplicate', 'regression'];
const MILESTONES = ['v1.0', 'v1.1', 'v1.2', 'v2.0', 'v2.1', 'backlog'];
const AUTHORS = 5;
const WORDS = ['map', 'login', 'crash', 'timeout', 'upload', 'export', 'calendar', 'search', 'avatar', 'webhook', 'mirror', 'archive', 'translation', 'scroll', 'footer', 'token'];
const VERBS = ['fails', 'hangs', 'is slow', 'shows the wrong date', 'loses data', 'looks broken', 'needs a test', 'should be faster'];

/** A deterministic pseudo-random sequence (mulberry32), so every run seeds the same tracker. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs jobs with at most `limit` in flight. */
async function pool(count: number, limit: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const server = await startServer();
try {
  const { db, config } = server.app.forge;
  // setup: an owner and four collaborators with write access (writers label, assign and are never rate-limited).
  const owner = await buildUser(db, { username: 'owner' });
  const people = [owner];
  for (let i = 1; i < AUTHORS; i++) people.push(await buildUser(db, { username: `dev-${i}` }));
  const tokens = await Promise.all(people.map(async (p) => await buildToken(db, p, ['write:issue', 'write:repository', 'read:user'])));
  await buildRepo(db, config.reposDir, owner, { name: 'tracker' });
  const base = `/repos/owner/tracker`;
  const call = async (token: string, method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  for (const person of people.slice(1)) await call(tokens[0], 'PUT', `${base}/collaborators/${person.username}`, { permission: 'write' });
  const labelIds: number[] = [];
  for (const [i, name] of LABELS.entries()) {
    const response = await call(tokens[0], 'POST', `${base}/labels`, { name, color: `#${(0x224466 + i * 0x0a0b0c).toString(16).slice(-6)}` });
    labelIds.push(((await response.json()) as { id: number }).id);
  }
  const milestoneIds: number[] = [];
  for (const title of MILESTONES) {
    const response = await call(tokens[0], 'POST', `${base}/milestones`, { title });
    milestoneIds.push(((await response.json()) as { id: number }).id);
  }

  const rnd = random(13);
  const plan = Array.from({ length: ISSUES }, (_, i) => {
    const labels = LABELS.map((_, l) => l).filter(() => rnd() < 0.15);
    return {
      author: i % AUTHORS,
      title: `${WORDS[Math.floor(rnd() * WORDS.length)]} ${VERBS[Math.floor(rnd() * VERBS.length)]} (${i})`,
      body: `Seen on ${WORDS[Math.floor(rnd() * WORDS.length)]} after ${WORDS[Math.floor(rnd() * WORDS.length)]}.\n\nSteps: open the page, wait, then reload. Build ${i * 7}.`,
      labels: labels.map((l) => labelIds[l]),
      milestone: rnd() < 0.6 ? milestoneIds[Math.floor(rnd() * milestoneIds.length)] : undefined,
      assignees: rnd() < 0.5 ? [people[Math.floor(rnd() * AUTHORS)].username] : [],
      closed: rnd() < 0.4,
    };
  });
  const seeded = await time(() =>
    pool(ISSUES, SEED_CONCURRENCY, async (i) => {
      const { author, ...option } = plan[i];
      await call(tokens[author], 'POST', `${base}/issues`, option);
    }),
  );
  const commented = await time(() =>
    pool(COMMENTS, SEED_CONCURRENCY, async (i) => {
      const number = 1 + Math.floor(rnd() * ISSUES);
      await call(tokens[i % AUTHORS], 'POST', `${base}/issues/${number}/comments`, { body: `Still happens on build ${i}.` });
    }),
  );
  console.log(
    `seeded over HTTP: ${ISSUES} issues in ${(seeded.ms / 1000).toFixed(1)} s (${(seeded.ms / ISSUES).toFixed(1)} ms each), ` +
      `${COMMENTS} comments in ${(commented.ms / 1000).toFixed(1)} s; ${LABELS.length} labels, ${MILESTONES.length} milestones, ${AUTHORS} authors`,
  );

  const list = (query: string) => `${base}/issues?limit=${PAGE}&${query}`;
  const cases: Array<[string, (run: number) => string]> = [
    ['reference: GET /repos/{o}/{r}', () => base],
    ['unfiltered (open)', (r) => list(`page=${1 + (r % 3)}`)],
    ['state=all', (r) => list(`state=all&page=${1 + (r % 3)}`)],
    ['state=closed', (r) => list(`state=closed&page=${1 + (r % 3)}`)],
    ['state=all, page 60 (deep offset)', () => list('state=all&page=60')],
    ['type=issues', () => list('state=all&type=issues')],
    ['labels=bug', () => list('state=all&labels=bug')],
    ['labels=bug,ui (both)', () => list('state=all&labels=bug,ui')],
    ['milestones=v1.1', () => list('state=all&milestones=v1.1')],
    ['assigned_by=dev-2', () => list('state=all&assigned_by=dev-2')],
    ['created_by=dev-3', () => list('state=all&created_by=dev-3')],
    ['q=timeout (common word)', () => list('state=all&q=timeout')],
    ['q=3333 (one issue)', () => list('state=all&q=3333')],
    ['sort=oldest', () => list('state=all&sort=oldest')],
    ['sort=recentupdate', () => list('state=all&sort=recentupdate')],
    ['sort=mostcomment', () => list('state=all&sort=mostcomment')],
    ['labels+milestone+assignee+open', () => list('labels=bug&milestones=v1.1&assigned_by=dev-1')],
    ['search: /repos/issues/search', (r) => `/repos/issues/search?limit=${PAGE}&page=${1 + (r % 3)}`],
    ['search: q=timeout', () => `/repos/issues/search?limit=${PAGE}&state=all&q=timeout`],
    ['search: labels=bug', () => `/repos/issues/search?limit=${PAGE}&state=all&labels=bug`],
  ];
  const read = async (path: string) => {
    const response = await call(tokens[0], 'GET', path);
    await response.arrayBuffer();
  };
  // Warm-up: every statement prepared and every page cached once, not counted.
  for (const [, path] of cases) await read(path(0));
  const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  // Cases interleaved run by run, so a busy moment of the shared machine falls on all of them alike.
  for (let run = 0; run < RUNS; run++) {
    for (const [name, path] of cases) samples.get(name)?.push((await time(() => read(path(run)))).ms);
  }
  const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)];
  const reference = median(samples.get(cases[0][0]) ?? []);
  let slow = 0;
  const rows = [['page of 50', 'median', 'p95', '× reference', 'goal']];
  for (const [name] of cases) {
    const values = samples.get(name) ?? [];
    const ms = median(values);
    const isReference = name === cases[0][0];
    if (!isReference && ms >= GOAL_MS) slow++;
    rows.push([name, `${ms.toFixed(1)} ms`, `${p95(values).toFixed(1)} ms`, `${(ms / reference).toFixed(1)}×`, isReference ? '' : ms < GOAL_MS ? 'ok' : 'SLOW']);
  }
  console.log(`\n${RUNS} runs per page, warm server, ${ISSUES} issues; goal < ${GOAL_MS} ms per page (median)`);
  printTable(rows);
  process.exitCode = slow === 0 ? 0 : 3;
} finally {
  await server.close();
}
