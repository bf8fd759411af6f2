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
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startAnchor } from './anchor.js';
import { startFabrique } from './fabrique.js';
import { cachedRepo } from './gen-repo.js';
import { formatBytes, formatMs, git, median, printTable, repoStats, tempDir } from './lib.js';

const { values } = parseArgs({
  options: {
    section: { type: 'string', multiple: true },
    commits: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '1' },
    clients: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    ttl: { type: 'string', default: '5' },
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

/** CPU seconds of a process and of its children it has reaped (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime, stime, cutime, cstime are the 14th to 17th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100;
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

/** The sections of this benchmark, by name, in the order they run. */
const sections: Record<string, () => Promise<void>> = { storm };

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
