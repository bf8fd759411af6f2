/**
 * Beyond one machine (issue #18): what the forge costs under the loads that outgrow one process.
 *
 *   npx tsx bench/replicas.ts [--section storm] [--commits 3000] [--seed 1] [--clients 20] [--runs 3] [--ttl 5]
 *
 * Each section is one function of `sections` below, run in the order given (all by default).
 *
 * storm: a clone storm, as when CI runners start together: `--clients` concurrent `git clone --bare`
 * of the same generated repository, against three servers in the same run, each its own process so
 * that its CPU can be read from /proc (its own time and its reaped children's: git upload-pack and
 * pack-objects): the anchor (lighttpd + git http-backend, bench/anchor.ts), Fabrique with the pack
 * cache off, and Fabrique with it on. The three repositories are repacked alike (bitmap and
 * commit-graph). Per server: one unmeasured warm-up clone (protocol v0, so not the storm's cache
 * key), then `--runs` storms, the servers interleaved; between two storms the bench waits for the
 * cache's lifetime (`--ttl` seconds, passed as FORGE_PACK_CACHE_TTL) so that every storm starts cold.
 * Prints the median wall time and server CPU of a storm, and the ratios.
 *
 *   npx tsx bench/replicas.ts --section browse [--commits 3000] [--duration 10] [--connections 20] [--database sqlite|postgres|postgres://…]
 *
 * browse: browse requests per second with one replica and with two behind HAProxy, in the same run:
 * deploy/replicas.sh starts two replicas and HAProxy on one database (`--database`: `sqlite`, the
 * shared file of the data folder, or a PostgreSQL URL given as FORGE_DATABASE_URL); the generated
 * repository is pushed over HTTP, each replica is warmed on every URL, then autocannon (in a worker
 * thread) sends the same mix — folder listings, file views, 50-commit histories, commit diffs —
 * through HAProxy unmeasured (so that both replicas are as warm), then measured `--runs` times each,
 * the order turning each round, each run after the machine has gone quiet (the push's background
 * work done): to replica 1 directly, to HAProxy, and half the connections to each replica directly
 * at once (no balancer). Prints the median of each and the ratios to one replica.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startAnchor } from './anchor.js';
import { startFabrique } from './fabrique.js';
import { cachedRepo } from './gen-repo.js';
import { formatBytes, formatMs, git, median, printTable, repoStats, run, tempDir } from './lib.js';
import { startPostgres } from '../test/helpers/postgres.js';

const { values } = parseArgs({
  options: {
    section: { type: 'string', multiple: true },
    commits: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '1' },
    clients: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    ttl: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    database: { type: 'string', default: 'sqlite' },
    // Internal: this file started as a Fabrique server process for the storm (pack cache on or off).
    serve: { type: 'string' },
  },
});

const log = (s: string) => console.error(s);
/** The line a server process prints once it serves, before where it serves. */
const SERVING = 'storm-serving';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server the storm measures: where to clone from, and the process whose CPU it costs. */
interface StormServer {
  name: string;
  cloneUrl: string;
  pushUrl: string;
  gitDir: string;
  pid: number;
  stop(): Promise<void>;
}

/** CPU seconds of a process itself and of the children it has reaped (git), apart, from /proc/<pid>/stat. */
function cpuApart(pid: number): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime, stime, cutime, cstime are the 14th to 17th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { own: ((fields[11] ?? 0) + (fields[12] ?? 0)) / 100, children: ((fields[13] ?? 0) + (fields[14] ?? 0)) / 100 };
}

/** CPU seconds of a process and of its children it has reaped (user + system): git upload-pack and pack-objects for a server. */
function cpuSeconds(pid: number): number {
  const { own, children } = cpuApart(pid);
  return own + children;
}

/** The machine's busy CPU share (0–1) over `ms`, from /proc/stat's first line (all cores, all processes). */
async function machineBusy(ms: number): Promise<number> {
  const sample = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { idle, total: fields.reduce((sum, n) => sum + n, 0) };
  };
  const before = sample();
  await sleep(ms);
  const after = sample();
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0;
}

/**
 * Waits until the machine is quiet: the busy share under `threshold` for one second, at most
 * `limitMs`. A push starts background work (repack, commit-graph, blame warm-up) that takes a core
 * for tens of seconds; a rate measured over it is the background's, not the replicas'.
 */
async function waitForQuiet(limitMs = 180_000, threshold = 0.1): Promise<{ waitedMs: number; busy: number }> {
  const start = Date.now();
  let busy = 1;
  while (Date.now() - start < limitMs) {
    busy = await machineBusy(1000);
    if (busy < threshold) break;
  }
  return { waitedMs: Date.now() - start, busy };
}

/** In the child process: a Fabrique server with one public repository; prints where it is, serves until SIGTERM. */
async function serveFabrique(cache: string, ttl: string): Promise<void> {
  const fabrique = await startFabrique({ env: { FORGE_PACK_CACHE: cache, FORGE_PACK_CACHE_TTL: ttl, LOG_LEVEL: 'warn' } });
  const repo = await fabrique.createRepo('storm');
  // Prefixed: the server's own logs (pino, JSON) share this stdout.
  console.log(`${SERVING} ${JSON.stringify({ cloneUrl: repo.cloneUrl, pushUrl: repo.pushUrl, gitDir: repo.gitDir })}`);
  process.once('SIGTERM', () => void fabrique.close().then(() => process.exit(0)));
}

/** Starts this file as a Fabrique server process and reads where it serves. */
async function startFabriqueProcess(name: string, cache: 'on' | 'off', ttl: number): Promise<StormServer> {
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--serve', cache, '--ttl', String(ttl)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const line = await new Promise<string>((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (text) => {
      if (text.startsWith(`${SERVING} `)) resolveLine(text.slice(SERVING.length + 1));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before serving`)));
  });
  const where = JSON.parse(line) as { cloneUrl: string; pushUrl: string; gitDir: string };
  return {
    name,
    ...where,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The same pack layout on every side: one pack with a reachability bitmap, and a commit-graph. */
async function repackAlike(gitDir: string): Promise<void> {
  await git(['--git-dir', gitDir, 'repack', '-a', '-d', '-b', '-q']);
  await git(['--git-dir', gitDir, 'commit-graph', 'write', '--reachable']);
}

async function storm(): Promise<void> {
  const commits = Number(values.commits);
  const seed = Number(values.seed);
  const clients = Number(values.clients);
  const runs = Number(values.runs);
  const ttl = Number(values.ttl);
  log(`storm: ${clients} concurrent clones, ${runs} runs, repository of ${commits} commits (seed ${seed})`);
  const source = await cachedRepo(commits, seed);
  const stats = await repoStats(join(source, '.git'));
  const head = (await git(['rev-parse', 'main'], { cwd: source })).stdout.trim();
  const scratch = tempDir('fabrique-storm-');
  const servers: StormServer[] = [];
  try {
    const anchorRoot = join(scratch.path, 'anchor');
    const anchor = await startAnchor({ projectRoot: anchorRoot });
    const anchorGit = join(anchorRoot, 'storm.git');
    await git(['init', '--bare', '--quiet', '--initial-branch=main', anchorGit]);
    servers.push({ name: 'anchor (http-backend)', cloneUrl: `${anchor.url}/storm.git`, pushUrl: `${anchor.url}/storm.git`, gitDir: anchorGit, pid: anchor.pid, stop: () => anchor.stop() });
    servers.push(await startFabriqueProcess('Fabrique, pack cache off', 'off', ttl));
    servers.push(await startFabriqueProcess('Fabrique, pack cache on', 'on', ttl));
    for (const server of servers) await git(['push', '--quiet', '--mirror', server.pushUrl], { cwd: source });
    // Fabrique schedules its own maintenance 10 s after a push: let it pass, then give every side the same packs.
    await sleep(12_000);
    for (const server of servers) await repackAlike(server.gitDir);

    let n = 0;
    const clone = async (url: string, version: string) => {
      const dest = join(scratch.path, `clone-${++n}.git`);
      await git(['-c', `protocol.version=${version}`, 'clone', '--bare', '--quiet', url, dest]);
      const main = (await git(['--git-dir', dest, 'rev-parse', 'refs/heads/main'])).stdout.trim();
      rmSync(dest, { recursive: true, force: true });
      if (main !== head) throw new Error(`a clone of ${url} has main at ${main}, not ${head}`);
    };
    for (const server of servers) await clone(server.cloneUrl, '0');

    const results = new Map<StormServer, { wall: number[]; cpu: number[] }>(servers.map((s) => [s, { wall: [], cpu: [] }]));
    for (let run = 0; run < runs; run++) {
      for (const server of servers) {
        // Every storm starts cold: what the previous one cached has expired.
        await sleep(ttl * 1000 + 1500);
        const cpuBefore = cpuSeconds(server.pid);
        const started = performance.now();
        await Promise.all(Array.from({ length: clients }, () => clone(server.cloneUrl, '2')));
        const wall = performance.now() - started;
        // Children are reaped as they exit; a moment lets the last ones be counted.
        await sleep(300);
        const cpu = cpuSeconds(server.pid) - cpuBefore;
        results.get(server)!.wall.push(wall);
        results.get(server)!.cpu.push(cpu);
        log(`  run ${run + 1}, ${server.name}: ${formatMs(wall)} wall, ${cpu.toFixed(2)} s CPU`);
      }
    }

    console.log('');
    console.log(`clone storm: ${clients} concurrent git clone --bare (protocol v2), ${commits} commits, ${stats.objects} objects, pack ${formatBytes(stats.packBytes)}; median of ${runs}`);
    console.log('CPU: the server process and its reaped children (git), user + system');
    console.log('');
    const rows = [['server', 'storm wall', 'storm CPU', 'CPU per clone']];
    for (const server of servers) {
      const r = results.get(server)!;
      rows.push([server.name, formatMs(median(r.wall)), `${median(r.cpu).toFixed(2)} s`, `${((median(r.cpu) / clients) * 1000).toFixed(0)} ms`]);
    }
    printTable(rows);
    const [anchorSide, off, on] = servers.map((s) => results.get(s)!);
    const ratio = (x: number[], y: number[]) => `${(median(x) / median(y)).toFixed(2)}×`;
    console.log('');
    console.log(`cache on / anchor: wall ${ratio(on.wall, anchorSide.wall)}, CPU ${ratio(on.cpu, anchorSide.cpu)}`);
    console.log(`cache on / cache off: wall ${ratio(on.wall, off.wall)}, CPU ${ratio(on.cpu, off.cpu)}`);
    console.log(`cache off / anchor: wall ${ratio(off.wall, anchorSide.wall)}, CPU ${ratio(off.cpu, anchorSide.cpu)}`);
  } finally {
    for (const server of servers) await server.stop().catch(() => undefined);
    scratch.cleanup();
  }
}

/** Runs deploy/replicas.sh with `env`; rejects with its output when it fails. */
function replicasScript(command: 'start' | 'stop', dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const script = join(fileURLToPath(new URL('..', import.meta.url)), 'deploy', 'replicas.sh');
  return new Promise((resolve, reject) => {
    const child = spawn(script, [command, dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`replicas.sh ${command}: ${output}`))));
  });
}

/** A free TCP port on 127.0.0.1 whose next one is free too (the replicas take consecutive ports). */
async function freePorts(): Promise<number> {
  const probe = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer().once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
  for (;;) {
    const port = await probe(0);
    if (port < 65_000 && (await probe(port + 1).then(() => true, () => false))) return port;
  }
}

/** The browse mix: `count` URLs of each kind, spread over the repository (as bench/browse.ts's Fabrique side). */
async function browseMix(workTree: string, apiBase: string, count: number): Promise<string[]> {
  const lines = async (args: string[]) => (await git(['-c', 'core.quotePath=false', ...args], { cwd: workTree })).stdout.trim().split('\n').filter(Boolean);
  const folders = (await lines(['ls-tree', '-r', '-d', '--name-only', 'main'])).filter((p) => p.split('/').length <= 2);
  const files = (await lines(['ls-tree', '-r', '-l', 'main']))
    .map((line) => line.split(/\s+/))
    .filter((parts) => parts[1] === 'blob' && Number(parts[3]) > 1000 && Number(parts[3]) < 20_000)
    .map((parts) => parts.slice(4).join(' '));
  const commits = await lines(['log', '--no-merges', '--format=%H', '-n', String(count * 5), 'main']);
  const spread = <T>(items: T[]) => Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)] as T);
  const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  return [
    ...['', ...spread(folders).slice(1)].map((p) => `${apiBase}/tree/main/${enc(p)}`),
    ...spread(files).map((p) => `${apiBase}/blob/main/${enc(p)}`),
    ...Array.from({ length: count }, (_, k) => `${apiBase}/commits?sha=main&limit=50&page=${k + 1}`),
    ...spread(commits).map((sha) => `${apiBase}/commit/${sha}/diff`),
  ];
}

async function browse(): Promise<void> {
  const commits = Number(values.commits);
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  // `postgres`: a throw-away cluster under a temporary folder (test/helpers/postgres.ts), stopped at the end.
  const cluster = values.database === 'postgres' ? await startPostgres() : null;
  const database = cluster ? await cluster.createDatabase('bench') : values.database;
  if (database !== 'sqlite' && !/^postgres(ql)?:\/\//.test(database)) throw new Error(`--database: sqlite, postgres or a postgres:// URL, got "${database}"`);
  log(`browse: ${connections} connections for ${duration} s, one replica then two behind HAProxy, repository of ${commits} commits, database ${database === 'sqlite' ? 'SQLite (shared file)' : 'PostgreSQL'}`);
  const source = await cachedRepo(commits, Number(values.seed));
  const scratch = tempDir('fabrique-browse-replicas-');
  const first = await freePorts();
  const proxyPort = await freePorts();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: scratch.path,
    REPLICAS: '2',
    FIRST_PORT: String(first),
    PROXY_BIND: `127.0.0.1:${proxyPort}`,
    LOG_LEVEL: 'warn',
    FORGE_PASSWORD_HASH_COST: '10',
    ...(database === 'sqlite' ? {} : { FORGE_DATABASE_URL: database }),
  };
  const replicas = [`http://127.0.0.1:${first}`, `http://127.0.0.1:${first + 1}`];
  const proxy = `http://127.0.0.1:${proxyPort}`;
  try {
    await replicasScript('start', scratch.path, env);
    const user = { name: 'bench', password: 'bench-password-1234' };
    const auth = { authorization: `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}`, 'content-type': 'application/json' };
    // The account through the CLI, on the replicas' shared data (their logs, at warn, do not print the setup link).
    const checkout = fileURLToPath(new URL('..', import.meta.url));
    await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'user', 'create', '--username', user.name, '--email', 'bench@example.org', '--password', user.password], {
      cwd: checkout,
      env: { ...env, FORGE_DATA_DIR: join(scratch.path, 'data'), FORGE_REPOS_DIR: join(scratch.path, 'repos') },
    });
    const created = await fetch(`${replicas[0]}/api/v1/user/repos`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'browse' }) });
    if (created.status !== 201) throw new Error(`creating the repository answered ${created.status}`);
    const pushUrl = new URL(`/${user.name}/browse.git`, replicas[0]);
    pushUrl.username = user.name;
    pushUrl.password = user.password;
    await git(['push', '--quiet', pushUrl.href, 'main'], { cwd: source });
    const paths = await browseMix(source, `/api/v1/repos/${user.name}/browse`, 10);
    // The push plans a maintenance run (repack, commit-graph) 10 s later, which drops the
    // replicas' caches of the repository when it ends: it is let run before anything is warmed.
    await sleep(12_000);
    const settled = await waitForQuiet();
    log(`  the push's maintenance done after ${(12 + settled.waitedMs / 1000).toFixed(0)} s`);
    // Each replica has its own caches: both are warmed on every URL, and every URL must answer 200.
    for (const base of replicas) {
      for (const path of paths) {
        const res = await fetch(base + path);
        await res.arrayBuffer();
        if (res.status !== 200) {
          // The replica's own account of it, before the folder goes.
          const logs = replicas.map((_, i) => readFileSync(join(scratch.path, 'log', `replica-${i + 1}.log`), 'utf8').split('\n').slice(-5).join('\n'));
          throw new Error(`${base}${path} answered ${res.status}\n${logs.join('\n')}`);
        }
      }
    }
    const measure = async (url: string) => {
      const result = await autocannon({ url, connections, duration, workers: 1, requests: paths.map((path) => ({ method: 'GET', path })) });
      return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors + result.timeouts };
    };
    // Both replicas run the mix as long before anything is measured: a replica that served more
    // requests has more of its code optimised by V8 and more results memoised, and the first figure
    // (replica 1 alone) would otherwise meet a hot replica 1 and a cold replica 2 in the second.
    const quiet = async () => {
      const { waitedMs, busy } = await waitForQuiet();
      log(`  machine quiet after ${(waitedMs / 1000).toFixed(0)} s (busy ${(busy * 100).toFixed(0)} %)`);
    };
    await quiet();
    await measure(proxy);
    // Without the balancer: half the connections on each replica directly, at the same time. What
    // the replicas give when HAProxy's own cost is left out (the two rates add up).
    const splitRun = async () => {
      const halves = await Promise.all(replicas.map(async (url) => {
        const result = await autocannon({ url, connections: Math.max(1, Math.floor(connections / 2)), duration, workers: 1, requests: paths.map((path) => ({ method: 'GET', path })) });
        return { rps: result.requests.average, errors: result.non2xx + result.errors + result.timeouts };
      }));
      return { rps: halves.reduce((sum, h) => sum + h.rps, 0), errors: halves.reduce((sum, h) => sum + h.errors, 0) };
    };
    // `--runs` rounds, the order turning each round, so that neither setup always meets a machine
    // warmer or busier than the other; each figure is the median of its runs.
    const runs = Math.max(1, Number(values.runs));
    const kinds = ['one', 'two', 'split'] as const;
    const results: Record<(typeof kinds)[number], { rps: number; p50: number; p99: number; errors: number; cpu: number }[]> = { one: [], two: [], split: [] };
    const pids = [1, 2].map((i) => Number(readFileSync(join(scratch.path, 'run', `replica-${i}.pid`), 'utf8')));
    const haproxy = Number(readFileSync(join(scratch.path, 'run', 'haproxy.pid'), 'utf8'));
    for (let round = 0; round < runs; round++) {
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(k + round) % kinds.length]!;
        await quiet();
        const before = { replicas: pids.map(cpuApart), haproxy: cpuApart(haproxy).own, bench: process.cpuUsage(), at: performance.now() };
        const result = kind === 'one' ? await measure(replicas[0] as string) : kind === 'two' ? await measure(proxy) : { ...(await splitRun()), p50: 0, p99: 0 };
        // Where the machine's two cores went during the run: each replica's own thread(s), the git
        // processes it spawned, HAProxy, and this process (autocannon's worker).
        const seconds = (performance.now() - before.at) / 1000;
        const bench = process.cpuUsage(before.bench);
        const used = pids.map((pid, i) => {
          const now = cpuApart(pid);
          const was = before.replicas[i]!;
          return { own: now.own - was.own, children: now.children - was.children };
        });
        const share = (cpu: number) => `${((cpu / seconds) * 100).toFixed(0)} %`;
        const split = used.map((u, i) => `replica ${i + 1} ${share(u.own)} + git ${share(u.children)}`);
        const replicaCpu = used.reduce((sum, u) => sum + u.own + u.children, 0) / seconds;
        log(`  round ${round + 1}, ${kind}: ${result.rps.toFixed(0)} req/s; CPU: ${split.join(', ')}, HAProxy ${share(cpuApart(haproxy).own - before.haproxy)}, bench ${share((bench.user + bench.system) / 1e6)}`);
        results[kind].push({ ...result, cpu: replicaCpu });
      }
    }
    const summary = (kind: (typeof kinds)[number]) => ({
      rps: median(results[kind].map((r) => r.rps)),
      p50: median(results[kind].map((r) => r.p50)),
      p99: median(results[kind].map((r) => r.p99)),
      errors: results[kind].reduce((sum, r) => sum + r.errors, 0),
      cpu: median(results[kind].map((r) => r.cpu)),
    });
    const one = summary('one');
    const two = summary('two');
    const split = summary('split');
    // The replicas' CPU (their own and their git processes') tells how much of the machine they got:
    // on two cores the load generator and HAProxy take their share of the same cores.
    const cpu = (c: number) => `${(c * 100).toFixed(0)} %`;
    printTable([
      ['setup', 'req/s', 'p50', 'p99', "replicas' CPU", 'req per CPU-second', 'errors'],
      ['1 replica, direct', one.rps.toFixed(0), formatMs(one.p50), formatMs(one.p99), cpu(one.cpu), (one.rps / one.cpu).toFixed(0), String(one.errors)],
      ['2 replicas, HAProxy', two.rps.toFixed(0), formatMs(two.p50), formatMs(two.p99), cpu(two.cpu), (two.rps / two.cpu).toFixed(0), String(two.errors)],
      ['2 replicas, clients split', split.rps.toFixed(0), '', '', cpu(split.cpu), (split.rps / split.cpu).toFixed(0), String(split.errors)],
    ]);
    console.log(`ratio (2 replicas / 1): ${(two.rps / one.rps).toFixed(2)}x behind HAProxy, ${(split.rps / one.rps).toFixed(2)}x with the clients split between them`);
    console.log(`CPU the replicas got (2 replicas / 1): ${(two.cpu / one.cpu).toFixed(2)}x behind HAProxy, ${(split.cpu / one.cpu).toFixed(2)}x split; the rest of the two cores went to the load generator and HAProxy`);
  } finally {
    await replicasScript('stop', scratch.path, env).catch((err: unknown) => log(String(err)));
    scratch.cleanup();
    await cluster?.stop();
  }
}

/** The sections of this benchmark, by name, in the order they run. */
const sections: Record<string, () => Promise<void>> = { storm, browse };

if (values.serve !== undefined) await serveFabrique(values.serve, values.ttl);
else {
  const chosen = values.section ?? Object.keys(sections);
  const unknown = chosen.find((name) => !(name in sections));
  if (unknown !== undefined) {
    console.error(`unknown section "${unknown}"; sections: ${Object.keys(sections).join(', ')}`);
    process.exit(2);
  }
  for (const name of chosen) await sections[name]();
}
