/**
 * Memory of the server after a push of a large repository and a short browse mix (issue #18).
 *
 *   npm run bench:memory -- [--commits 11000] [--seed 1] [--urls 20] [--rounds 2] [--clones 5]
 *                           [--runner compiled|tsx] [--node-flags="--max-semi-space-size=1"] [--env NAME=VALUE]… [--no-snapshot]
 *
 * Starts Fabrique as production runs it, in a process of its own: `node --max-semi-space-size=1
 * dist/server/main.js` with MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072
 * (the server compiled by `npm run build:server`; `--node-flags=` and `--env NAME=VALUE` change the
 * flags and the environment; `--runner tsx` runs `node --import tsx server/main.ts` instead, as
 * `npm start` did before, to compare). It gets fresh data and repositories folders, an
 * administrator made with the compiled CLI, FORGE_METRICS_TOKEN (its V8 figures are read from
 * /metrics) and --heapsnapshot-signal=SIGUSR2. The bench pushes the generated repository
 * (`git push --mirror`, bench/gen-repo.ts), waits for the maintenance that follows the push, then
 * runs the mix: `--rounds` passes over folder listings, file views, pages of 50 commits and commit
 * diffs (`--urls` of each, 4 at a time), and `--clones` concurrent clones. It prints the server's
 * resident set size (/proc/<pid>/status: VmRSS, peak VmHWM) at each step, where the resident pages
 * are (/proc/<pid>/smaps: V8 and malloc in anonymous memory, the node binary, native addons), V8's
 * heap spaces, then a heap snapshot's summary (bench/heap-summary.ts). Goal: RSS after the mix under
 * 200 MB; exit code 3 when not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../server/lib/paths.js';
import { formatHeapSummary, summariseHeap } from './heap-summary.js';
import { cachedRepo } from './gen-repo.js';
import { git, printTable, run, tempDir } from './lib.js';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '11000' },
    seed: { type: 'string', default: '1' },
    urls: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    clones: { type: 'string', default: '5' },
    runner: { type: 'string', default: 'compiled' },
    'node-flags': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    'no-snapshot': { type: 'boolean', default: false },
  },
});
const GOAL_BYTES = 200 * 1024 * 1024;
/** How production runs the server (package.json's start script, the Dockerfile, deploy/fabrique.service): `--node-flags` and `--env` override. */
const PRODUCTION_FLAGS = '--max-semi-space-size=1';
const PRODUCTION_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };
const nodeFlags = values['node-flags'] ?? PRODUCTION_FLAGS;
const USER = { username: 'bench', email: 'bench@example.org', password: 'bench-password-1234' };
const log = (s: string) => console.error(s);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** VmRSS and VmHWM (the peak) of a process, in bytes. */
function residentOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resident bytes by mapping: anonymous memory (V8's heap, malloc arenas, buffers), the brk heap, the node binary, native addons, libraries. */
function residentByMapping(pid: number): Array<[string, number]> {
  const node = realpathSync(process.execPath);
  const totals = new Map<string, number>();
  let kind = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const path = header[1];
      kind =
        path === '' ? 'anonymous (V8 heap, malloc arenas, buffers)'
        : path === '[heap]' ? 'brk heap (malloc)'
        : path === '[stack]' ? 'stack'
        : path === node ? 'node binary (code and data)'
        : path.endsWith('.node') ? `native addon ${path.split('/').slice(-1)[0]}`
        : /\.so(\.|$)/.test(path) ? 'shared libraries'
        : 'other mappings';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals.set(kind, (totals.get(kind) ?? 0) + Number(rss[1]) * 1024);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** The server's own figures from /metrics (prom-client's defaults): V8 heap, its spaces, external memory. */
async function serverMetrics(url: string, token: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const figures = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^(nodejs_(?:heap_size_\w+|external_memory_bytes|heap_space_size_\w+)(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) figures.set(match[1], Number(match[2]));
  }
  return figures;
}

/** POST with Basic credentials; the JSON answer (201 expected). */
async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: 'Basic ' + Buffer.from(`${USER.username}:${USER.password}`).toString('base64'),
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

/** The URLs of the mix, from the repository itself: folders, files of 1–20 kB, pages of history, commits. */
async function browseMix(gitDir: string, apiBase: string, count: number): Promise<string[]> {
  const list = async (args: string[]) => (await git(['-c', 'core.quotePath=false', ...args], { cwd: gitDir })).stdout.trim().split('\n').filter(Boolean);
  const folders = (await list(['ls-tree', '-r', '-d', '--name-only', 'main'])).filter((p) => p.split('/').length <= 2);
  const files = (await list(['ls-tree', '-r', '-l', 'main']))
    .map((line) => line.split(/\s+/))
    .filter((parts) => parts[1] === 'blob' && Number(parts[3]) > 1000 && Number(parts[3]) < 20_000)
    .map((parts) => parts.slice(4).join(' '));
  const commits = await list(['log', '--no-merges', '--format=%H', '-n', String(count * 50), 'main']);
  const spread = <T>(items: T[]) => Array.from({ length: Math.min(count, items.length) }, (_, i) => items[Math.floor((i * items.length) / count)]);
  const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  return [
    ...['', ...spread(folders).slice(1)].map((p) => `${apiBase}/tree/main/${enc(p)}`),
    ...spread(files).map((p) => `${apiBase}/blob/main/${enc(p)}`),
    ...Array.from({ length: count }, (_, k) => `${apiBase}/commits?sha=main&limit=50&page=${k * 10 + 1}`),
    ...spread(commits).map((sha) => `${apiBase}/commit/${sha}/diff`),
  ];
}

/** The server process and how to reach it. */
interface Server {
  child: ChildProcess;
  url: string;
  metricsToken: string;
  output: () => string;
}

/** Starts the server as production does (or through tsx with `--runner tsx`) and waits for /api/healthz. */
async function startServer(dir: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const flags = [...nodeFlags.split(/\s+/).filter(Boolean), '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`];
  const entry = values.runner === 'tsx' ? ['--import', 'tsx', 'server/main.ts'] : ['dist/server/main.js'];
  const child = spawn(process.execPath, [...flags, ...entry], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${env.PORT}`;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline && child.exitCode === null; await sleep(250)) {
    const ok = await fetch(`${url}/api/healthz`).then((r) => r.ok, () => false);
    if (ok) return { child, url, metricsToken: env.FORGE_METRICS_TOKEN!, output: () => output };
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not answer /api/healthz; it said:\n${output}`);
}

/** Asks the server for a heap snapshot (SIGUSR2) and waits until it is written: the file's size stops changing and the server answers again. */
async function heapSnapshot(server: Server, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  server.child.kill('SIGUSR2');
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; await sleep(500)) {
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (file === undefined) continue;
    // The snapshot is written on the server's main thread: once it answers, the file is complete.
    await fetch(`${server.url}/api/healthz`).catch(() => undefined);
    const size = statSync(join(dir, file)).size;
    await sleep(500);
    if (size > 0 && statSync(join(dir, file)).size === size) return join(dir, file);
  }
  throw new Error('no heap snapshot written within 5 minutes');
}

async function main(): Promise<number> {
  const commits = Number(values.commits);
  const seed = Number(values.seed);
  const urls = Number(values.urls);
  const rounds = Number(values.rounds);
  const clones = Number(values.clones);
  if (values.runner !== 'compiled' && values.runner !== 'tsx') throw new Error('--runner is compiled or tsx');
  const compiledCli = join(PROJECT_ROOT, 'dist', 'server', 'cli.js');
  if (values.runner === 'compiled' && !existsSync(join(PROJECT_ROOT, 'dist', 'server', 'main.js'))) {
    throw new Error('dist/server/main.js is missing: run `npm run build:server` first (npm run bench:memory does)');
  }
  log(`repository: ${commits} commits, seed ${seed}`);
  const source = await cachedRepo(commits, seed);
  const scratch = tempDir('fabrique-memory-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: scratch.path,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    FORGE_DATA_DIR: join(scratch.path, 'data'),
    FORGE_REPOS_DIR: join(scratch.path, 'repos'),
    FORGE_METRICS_TOKEN: randomBytes(16).toString('hex'),
    ...PRODUCTION_ENV,
    ...Object.fromEntries(values.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
  };
  // The administrator, made as an operator would, before the server starts.
  const cli = values.runner === 'tsx' ? ['--import', 'tsx', 'server/cli.ts'] : [compiledCli];
  await run(process.execPath, [...cli, 'user', 'create', '--username', USER.username, '--email', USER.email, '--admin'], {
    cwd: PROJECT_ROOT,
    env: { ...env, FORGE_PASSWORD: USER.password },
  });
  const server = await startServer(scratch.path, env);
  const pid = server.child.pid!;
  try {
    await sleep(2000);
    const started = residentOf(pid);
    const atStart = await serverMetrics(server.url, server.metricsToken);
    const { sha1: token } = (await post(`${server.url}/api/v1/users/${USER.username}/tokens`, { name: 'bench', scopes: ['write:repository', 'read:repository'] })) as { sha1: string };
    await post(`${server.url}/api/v1/user/repos`, { name: 'memory', private: false });
    const pushUrl = new URL(`/${USER.username}/memory.git`, server.url);
    pushUrl.username = USER.username;
    pushUrl.password = token;
    const gitDir = join(env.FORGE_REPOS_DIR!, USER.username, 'memory.git');
    log('push…');
    await git(['push', '--quiet', '--mirror', pushUrl.href], { cwd: source });
    // The maintenance the push scheduled (10 s later) runs, as on a real server.
    await sleep(15_000);
    const afterPush = residentOf(pid);
    const mix = await browseMix(gitDir, `${server.url}/api/v1/repos/${USER.username}/memory`, urls);
    log(`browse mix: ${mix.length} URLs × ${rounds} rounds…`);
    for (let round = 0; round < rounds; round++) {
      const queue = [...mix];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
            const response = await fetch(url);
            const body = await response.text();
            if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 500)}`);
          }
        }),
      );
    }
    const afterBrowse = residentOf(pid);
    log(`${clones} clones…`);
    await Promise.all(Array.from({ length: clones }, (_, i) => git(['clone', '--bare', '--quiet', `${server.url}/${USER.username}/memory.git`, join(scratch.path, `clone-${i}.git`)])));
    const afterMix = residentOf(pid);
    const figures = await serverMetrics(server.url, server.metricsToken);
    const mappings = residentByMapping(pid);

    console.log('');
    console.log(`memory of the server (${values.runner === 'tsx' ? 'node --import tsx server/main.ts' : 'node dist/server/main.js'}${nodeFlags ? ` ${nodeFlags}` : ''}; ${Object.entries({ ...PRODUCTION_ENV, ...Object.fromEntries(values.env.map((pair) => pair.split('='))) }).map(([k, v]) => `${k}=${v}`).join(' ')}), ${commits}-commit repository pushed, ${mix.length * rounds} API requests, ${clones} clones`);
    console.log('');
    printTable([
      ['when', 'RSS', 'peak so far (VmHWM)'],
      ['started', mb(started.rss), mb(started.peak)],
      ['after the push and its maintenance', mb(afterPush.rss), mb(afterPush.peak)],
      ['after the browse mix', mb(afterBrowse.rss), mb(afterBrowse.peak)],
      ['after the clones (end of the mix)', mb(afterMix.rss), mb(afterMix.peak)],
    ]);
    console.log('');
    console.log('V8, from /metrics (at start → after the mix):');
    const v8Rows = [...figures.keys()]
      .filter((key) => key === 'nodejs_heap_size_total_bytes' || key === 'nodejs_heap_size_used_bytes' || key === 'nodejs_external_memory_bytes' || key.startsWith('nodejs_heap_space_size_used_bytes'))
      .map((key) => [key.replace('nodejs_', ''), mb(atStart.get(key) ?? NaN), mb(figures.get(key)!)]);
    printTable([['figure', 'at start', 'after the mix'], ...v8Rows]);
    console.log('');
    console.log('resident pages by mapping, after the mix (/proc/<pid>/smaps):');
    printTable([['mapping', 'RSS'], ...mappings.map(([name, bytes]) => [name, mb(bytes)])]);
    const anonymous = mappings.filter(([name]) => name.startsWith('anonymous') || name.startsWith('brk')).reduce((sum, [, bytes]) => sum + bytes, 0);
    const v8Heap = figures.get('nodejs_heap_size_total_bytes') ?? 0;
    const external = figures.get('nodejs_external_memory_bytes') ?? 0;
    console.log(
      `so: V8 heap committed ${mb(v8Heap)} (used ${mb(figures.get('nodejs_heap_size_used_bytes') ?? 0)}), external (Buffers) ${mb(external)}, ` +
        `native malloc and the rest of anonymous memory (better-sqlite3, zlib, V8's own tables) ≈ ${mb(Math.max(0, anonymous - v8Heap - external))}`,
    );

    if (!values['no-snapshot']) {
      log('heap snapshot…');
      const file = await heapSnapshot(server, scratch.path);
      console.log('');
      console.log(formatHeapSummary(summariseHeap(file, 15)));
    }
    const ok = afterMix.rss < GOAL_BYTES;
    console.log('');
    console.log(`RSS after the mix: ${mb(afterMix.rss)}, peak ${mb(afterMix.peak)}; under 200 MB: ${ok ? 'yes' : 'no'}`);
    return ok ? 0 : 3;
  } catch (err) {
    log(`the server said:\n${server.output()}`);
    throw err;
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      const exited = new Promise((r) => server.child.once('exit', r));
      server.child.kill('SIGTERM');
      await exited;
    }
    scratch.cleanup();
  }
}

process.exitCode = await main();
