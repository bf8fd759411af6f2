/**
 * Browse benchmark: the same request mix against cgit (Debian's package, CGI under lighttpd on
 * 127.0.0.1) and against Fabrique's read API, on the same bare repository on disk.
 *
 *   npx tsx bench/browse.ts [--commits 3000] [--seed 1] [--connections 4] [--duration 10] [--urls 20]
 *
 * Four request types, each a rotation of `--urls` different URLs (folders, files, pages of 50
 * commits, commit pages), warmed once on both sides and checked to answer 200, then loaded with
 * autocannon (in a worker thread, so it does not share the server's event loop) for `--duration`
 * seconds at `--connections` connections: cgit first, then Fabrique, one type at a time.
 * Goal (issue 5): Fabrique at least as many requests per second as cgit for each type, and p99
 * under 50 ms warm. Exit code 0 when met, 3 when not.
 *
 * cgit runs with its defaults (no response cache, `cache-size=0`); Fabrique with its in-memory
 * caches, warm: that is the comparison the issue asks for.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findRepo, touchRepo } from '../server/db/repos.js';
import { freePort, LIGHTTPD } from './anchor.js';
import { startFabrique } from './fabrique.js';
import { cachedRepo } from './gen-repo.js';
import { git, printTable } from './lib.js';

const CGIT = '/usr/lib/cgit/cgit.cgi';

interface Cgit {
  url: string;
  stop(): Promise<void>;
}

/** lighttpd running cgit as CGI for one repository, under /cgit/. */
async function startCgit(gitDir: string): Promise<Cgit> {
  if (!existsSync(CGIT)) throw new Error(`${CGIT} is missing: apt-get install -y cgit`);
  if (!existsSync(LIGHTTPD)) throw new Error(`${LIGHTTPD} is missing: apt-get install -y lighttpd`);
  const dir = mkdtempSync(join(tmpdir(), 'fabrique-cgit-'));
  mkdirSync(join(dir, 'www'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'cgitrc'),
    ['virtual-root=/cgit/', 'cache-size=0', 'max-commit-count=50', 'enable-http-clone=0', 'repo.url=browse', `repo.path=${gitDir}`, ''].join('\n'),
  );
  writeFileSync(
    join(dir, 'lighttpd.conf'),
    [
      'server.modules = ( "mod_alias", "mod_setenv", "mod_cgi" )',
      'server.bind = "127.0.0.1"',
      `server.port = ${port}`,
      `server.document-root = "${join(dir, 'www')}"`,
      `server.errorlog = "${join(dir, 'error.log')}"`,
      `alias.url = ( "/cgit" => "${CGIT}" )`,
      'cgi.assign = ( "" => "" )',
      `setenv.set-environment = ( "CGIT_CONFIG" => "${join(dir, 'cgitrc')}", "GIT_CONFIG_NOSYSTEM" => "1" )`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(LIGHTTPD, ['-D', '-f', join(dir, 'lighttpd.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/cgit/browse/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface RequestType {
  name: string;
  cgit: string[];
  fabrique: string[];
}

/** The URLs of each request type, from the repository's own folders, files and commits. */
async function requestTypes(gitDir: string, apiBase: string, count: number): Promise<RequestType[]> {
  const run = async (args: string[]) => (await git(['-c', 'core.quotePath=false', ...args], { cwd: gitDir })).stdout.trim().split('\n').filter(Boolean);
  const folders = (await run(['ls-tree', '-r', '-d', '--name-only', 'main'])).filter((p) => p.split('/').length <= 2);
  const files = (await run(['ls-tree', '-r', '-l', 'main']))
    .map((line) => line.split(/\s+/))
    .filter((parts) => parts[1] === 'blob' && Number(parts[3]) > 1000 && Number(parts[3]) < 20_000)
    .map((parts) => parts.slice(4).join(' '));
  const commits = await run(['log', '--no-merges', '--format=%H', '-n', String(count * 5), 'main']);
  const spread = <T>(items: T[]) => Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]);
  const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  const pickedFolders = ['', ...spread(folders).slice(1)];
  const pickedFiles = spread(files);
  const pickedCommits = spread(commits);
  const pages = Array.from({ length: count }, (_, i) => i);
  return [
    {
      name: 'folder listing',
      cgit: pickedFolders.map((p) => `/cgit/browse/tree/${enc(p)}`),
      fabrique: pickedFolders.map((p) => `${apiBase}/tree/main/${enc(p)}`),
    },
    {
      name: 'file view',
      cgit: pickedFiles.map((p) => `/cgit/browse/tree/${enc(p)}`),
      fabrique: pickedFiles.map((p) => `${apiBase}/blob/main/${enc(p)}`),
    },
    {
      name: '50-commit history',
      cgit: pages.map((k) => `/cgit/browse/log/?ofs=${k * 50}`),
      fabrique: pages.map((k) => `${apiBase}/commits?sha=main&limit=50&page=${k + 1}`),
    },
    {
      name: 'commit page',
      cgit: pickedCommits.map((sha) => `/cgit/browse/commit/?id=${sha}`),
      fabrique: pickedCommits.map((sha) => `${apiBase}/commit/${sha}/diff`),
    },
  ];
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(base: string, paths: string[], connections: number, duration: number): Promise<Measure> {
  const result = await autocannon({
    url: base,
    connections,
    duration,
    workers: 1,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors + result.timeouts };
}

/** Requests every URL once, failing on anything but 200: a benchmark of error pages measures nothing. */
async function warm(base: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    const res = await fetch(base + path);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${base}${path} answered ${res.status}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      commits: { type: 'string', default: '3000' },
      seed: { type: 'string', default: '1' },
      connections: { type: 'string', default: '4' },
      duration: { type: 'string', default: '10' },
      urls: { type: 'string', default: '20' },
    },
  });
  const connections = Number(values.connections);
  const duration = Number(values.duration);
  const source = await cachedRepo(Number(values.commits), Number(values.seed));
  const fabrique = await startFabrique();
  let cgit: Cgit | null = null;
  try {
    const repo = await fabrique.createRepo('browse');
    // Fetched into the bare repository directly: the benchmark reads, it does not measure pushes.
    await git(['fetch', '--quiet', source, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'], { cwd: repo.gitDir });
    await git(['repack', '-a', '-d', '-q'], { cwd: repo.gitDir });
    const { db } = fabrique.server.app.forge;
    await touchRepo(db, (await findRepo(db, fabrique.username, 'browse') as { id: number }).id, { isEmpty: false });
    cgit = await startCgit(repo.gitDir);
    const types = await requestTypes(repo.gitDir, `/api/v1/repos/${fabrique.username}/browse`, Number(values.urls));

    const rows = [['request', 'cgit req/s', 'p50', 'p99', 'Fabrique req/s', 'p50', 'p99', 'req/s ratio']];
    let met = true;
    for (const type of types) {
      const coldStart = process.hrtime.bigint();
      await warm(fabrique.url, type.fabrique);
      const coldMs = Number(process.hrtime.bigint() - coldStart) / 1e6 / type.fabrique.length;
      await warm(cgit.url, type.cgit);
      const c = await load(cgit.url, type.cgit, connections, duration);
      const f = await load(fabrique.url, type.fabrique, connections, duration);
      const ratio = f.rps / c.rps;
      if (ratio < 1 || f.p99 >= 50 || f.errors > 0) met = false;
      rows.push([
        type.name,
        c.rps.toFixed(0),
        `${c.p50} ms`,
        `${c.p99} ms`,
        f.rps.toFixed(0),
        `${f.p50} ms`,
        `${f.p99} ms`,
        `${ratio.toFixed(2)}×`,
      ]);
      console.error(`${type.name}: done (Fabrique cold, first request of each URL: ${coldMs.toFixed(1)} ms on average; errors cgit ${c.errors}, Fabrique ${f.errors})`);
    }
    console.log(`\n${values.commits} commits, seed ${values.seed}; ${connections} connections, ${duration} s per run, ${values.urls} URLs per type\n`);
    printTable(rows);
    console.log(`\ngoal (≥ cgit req/s and p99 < 50 ms for every type): ${met ? 'met' : 'NOT met'}`);
    return met ? 0 : 3;
  } finally {
    await cgit?.stop();
    await fabrique.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
