import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PROJECT_ROOT } from '../../server/app.js';
import { startPostgres, testClient, type TestPostgres } from '../helpers/postgres.js';
import { commitFiles, git, makeWorkTree, repoUrl, runGit, tempDir } from '../helpers/git.js';

/*
 * Issue #18, "Done when": PostgreSQL, two Fabrique processes and HAProxy on 127.0.0.1, started by
 * deploy/replicas.sh as an operator would. Everything goes over HTTP and git; the database is read
 * only to make a mirror due and to count, through whichever engine holds the forge's tables
 * (PostgreSQL once the data layer runs on it; the shared SQLite file before that, while events and
 * job locks already go through PostgreSQL).
 */

const SCRIPT = join(PROJECT_ROOT, 'deploy', 'replicas.sh');
const ADMIN = { user: 'marianne', secret: 'a long enough password 42' };

let postgres: TestPostgres;
let databaseUrl: string;
let root: string;
let proxy: string;
let replica: [string, string];
let scriptEnv: NodeJS.ProcessEnv;

/** A TCP port nothing listens on right now, whose next port is free too (the script numbers the replicas). */
async function freePortPair(): Promise<number> {
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const probe = createServer().once('error', reject);
      probe.listen(port, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
  for (;;) {
    const port = await listen(0);
    if (port < 65_000 && (await listen(port + 1).then(() => true, () => false))) return port;
  }
}

/** Runs deploy/replicas.sh; resolves with its output, rejects with it when it fails. */
function script(command: 'start' | 'stop' | 'status'): Promise<string> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(SCRIPT, [command, root], { env: scriptEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`replicas.sh ${command} exited with ${code}:\n${output}`))));
  });
}

const basic = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.secret}`).toString('base64')}`;

/** A JSON API call, with the administrator's Basic credentials unless `headers` says otherwise. */
async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: basic }): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers };
}

/** Runs SQL where the forge keeps its tables: PostgreSQL when they are there, else the shared SQLite file. */
async function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  const client = testClient(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass('repository_sources') IS NOT NULL AS found");
    if (rows[0]?.found) {
      // The queries below are written with ? placeholders, as SQLite's; PostgreSQL numbers them.
      let n = 0;
      return (await client.query(query.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
    }
  } finally {
    await client.end();
  }
  const db = new Database(join(root, 'data', 'fabrique.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const statement = db.prepare(query);
    return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[];
  } finally {
    db.close();
  }
}

/** The pid deploy/replicas.sh recorded for a process of the folder. */
const pidOf = (name: string) => Number(readFileSync(join(root, 'run', `${name}.pid`), 'utf8').trim());

beforeAll(async () => {
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase('replicas');
  root = mkdtempSync(join(tmpdir(), 'fabrique-replicas-'));
  const first = await freePortPair();
  const proxyPort = await freePortPair();
  proxy = `http://127.0.0.1:${proxyPort}`;
  replica = [`http://127.0.0.1:${first}`, `http://127.0.0.1:${first + 1}`];
  scriptEnv = {
    PATH: process.env.PATH,
    HOME: root,
    REPLICAS: '2',
    FIRST_PORT: String(first),
    PROXY_BIND: `127.0.0.1:${proxyPort}`,
    FORGE_DATABASE_URL: databaseUrl,
    FORGE_PASSWORD_HASH_COST: '10',
    FORGE_MERGEABILITY_DELAY_MS: '10',
    // The mirror's source is this forge itself, on 127.0.0.1.
    FORGE_IMPORT_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'info',
  };
  await script('start');
  // The first administrator, with the link replica 1 printed, created on replica 2: both derive it from the shared secret.
  const log = readFileSync(join(root, 'log', 'replica-1.log'), 'utf8');
  const token = /setup\?token=([\w-]+)/.exec(log)?.[1];
  expect(token).toBeTruthy();
  const setup = await api(replica[1], 'POST', '/setup', { token, username: ADMIN.user, email: 'marianne@example.org', password: ADMIN.secret }, {});
  expect(setup.status).toBe(201);
}, 300_000);

afterAll(async () => {
  if (root) await script('stop').catch(() => undefined);
  await postgres?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('two replicas behind HAProxy on one PostgreSQL', () => {
  it('signs in on one replica and acts on the other with the same session', async () => {
    const signIn = await fetch(`${replica[0]}/api/v1/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.user, password: ADMIN.secret }),
    });
    expect(signIn.status).toBe(200);
    const cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    const { csrf_token: csrf } = (await signIn.json()) as { csrf_token: string };
    expect(cookie).toContain('=');
    const session = { cookie, 'x-csrf-token': csrf };
    // Replica 2 knows the session and its CSRF token: a state-changing request goes through.
    const created = await api(replica[1], 'POST', '/user/repos', { name: 'ensemble' }, session);
    expect(created.status).toBe(201);
    // And still refuses the same request without the token (the session alone is no authority).
    const refused = await api(replica[1], 'POST', '/user/repos', { name: 'sans-jeton' }, { cookie });
    expect(refused.status).toBe(403);
    expect((refused.body as { message: string }).message).toMatch(/CSRF/);
    expect((await api(replica[0], 'GET', `/repos/${ADMIN.user}/sans-jeton`)).status).toBe(404);
    // Through HAProxy, whichever replica answers, every request sees the session.
    for (let i = 0; i < 4; i++) expect(((await api(proxy, 'GET', '/user', undefined, { cookie })).body as { login: string }).login).toBe(ADMIN.user);
  }, 120_000);

  it('a push to one replica refreshes the pull request read on the other within a second, and drops the other\u2019s git cache', async () => {
    expect((await api(replica[0], 'POST', '/user/repos', { name: 'carte' })).status).toBe(201);
    const work = await makeWorkTree(2);
    const url = (base: string) => repoUrl(base, ADMIN.user, 'carte', ADMIN);
    await git(['push', '-q', url(replica[0]), 'main'], { cwd: work });
    await git(['checkout', '-q', '-b', 'feature'], { cwd: work });
    await commitFiles(work, { 'README.md': '# Carte\n\nfirst draft\n' }, 'draft');
    await git(['push', '-q', url(replica[0]), 'feature'], { cwd: work });
    const opened = await api(replica[1], 'POST', `/repos/${ADMIN.user}/carte/pulls`, { head: 'feature', base: 'main', title: 'La carte' });
    expect(opened.status).toBe(201);
    const number = (opened.body as { number: number }).number;
    // Replica 2 reads the file, so that its git cache holds the repository's packs.
    const raw = async (base: string) => (await fetch(`${base}/api/v1/repos/${ADMIN.user}/carte/raw/README.md?ref=feature`, { headers: { authorization: basic } })).text();
    expect(await raw(replica[1])).toContain('first draft');

    const head = await commitFiles(work, { 'README.md': '# Carte\n\nsecond draft\n' }, 'second draft');
    await git(['push', '-q', url(replica[0]), 'feature'], { cwd: work });
    await expect
      .poll(async () => ((await api(replica[1], 'GET', `/repos/${ADMIN.user}/carte/pulls/${number}`)).body as { head: { sha: string } }).head.sha, { timeout: 1_000, interval: 50 })
      .toBe(head);
    // The new commit is in a pack replica 2 had not indexed: it reads it because replica 1's push dropped its cache.
    expect(await raw(replica[1])).toContain('second draft');
  }, 120_000);

  it('20 concurrent pushes spread over both replicas leave one winner per ref, seen alike by both', async () => {
    expect((await api(replica[0], 'POST', '/user/repos', { name: 'course' })).status).toBe(201);
    const base = await makeWorkTree(1);
    await git(['push', '-q', repoUrl(replica[0], ADMIN.user, 'course', ADMIN), 'main'], { cwd: base });
    // 20 clones, each with its own commit on one of two branches: 10 racers per ref.
    const racers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const dir = tempDir('fabrique-racer-');
        await git(['clone', '-q', base, dir]);
        const branch = i % 4 < 2 ? 'course-a' : 'course-b';
        await git(['checkout', '-q', '-b', branch], { cwd: dir });
        const commit = await commitFiles(dir, { [`racer-${i}.txt`]: `racer ${i}\n` }, `racer ${i}`);
        return { dir, branch, commit, target: replica[i % 2] as string };
      }),
    );
    const results = await Promise.all(racers.map((r) => runGit(['push', '--porcelain', repoUrl(r.target, ADMIN.user, 'course', ADMIN), r.branch], { cwd: r.dir }).then((run) => ({ ...r, ok: run.code === 0 }))));
    for (const branch of ['course-a', 'course-b']) {
      const winners = results.filter((r) => r.branch === branch && r.ok);
      expect(winners).toHaveLength(1);
      // Both replicas, and the proxy, answer the winner's commit for the ref.
      for (const server of [...replica, proxy]) {
        const refs = await git(['ls-remote', repoUrl(server, ADMIN.user, 'course', ADMIN), `refs/heads/${branch}`]);
        expect(refs.trim()).toBe(`${winners[0]?.commit}\trefs/heads/${branch}`);
      }
      const shown = await api(replica[1], 'GET', `/repos/${ADMIN.user}/course/branches/${branch}`);
      expect((shown.body as { commit: { id: string } }).commit.id).toBe(winners[0]?.commit);
    }
  }, 120_000);

  it('a mirror sync happens once, not twice, when both replicas find it due', async () => {
    expect((await api(replica[0], 'POST', '/user/repos', { name: 'source' })).status).toBe(201);
    const work = await makeWorkTree(1);
    const sourceUrl = repoUrl(replica[0], ADMIN.user, 'source', ADMIN);
    await git(['push', '-q', sourceUrl, 'main'], { cwd: work });
    // The mirror fetches from the forge through HAProxy: its log counts the fetches.
    const imported = await api(replica[1], 'POST', '/repos/migrate', {
      clone_addr: `${proxy}/${ADMIN.user}/source.git`,
      repo_name: 'miroir',
      mirror: true,
      mirror_interval: '10m0s',
    });
    expect(imported.status).toBe(201);
    const haproxyLog = () => readFileSync(join(root, 'log', 'haproxy.log'), 'utf8');
    const fetchesOfSource = () => haproxyLog().split('\n').filter((line) => line.includes(`/${ADMIN.user}/source.git/`)).length;
    const cron = async (base: string) => ((await api(base, 'GET', '/admin/cron')).body as Array<{ name: string; exec_times: number }>).find((t) => t.name === 'update_mirrors')?.exec_times ?? 0;

    // What one sync of one new commit costs in requests to the source: a sync on demand, on replica 1.
    await commitFiles(work, { 'NEWS.md': 'one\n' }, 'one');
    await git(['push', '-q', sourceUrl, 'main'], { cwd: work });
    await expect.poll(fetchesOfSource).toBeGreaterThan(0);
    const beforeOne = fetchesOfSource();
    expect((await api(replica[0], 'POST', `/repos/${ADMIN.user}/miroir/mirror-sync`)).status).toBe(200);
    const oneSync = fetchesOfSource() - beforeOne;
    expect(oneSync).toBeGreaterThan(0);

    // Both replicas' schedulers find the mirror due at the same moment.
    const latest = await commitFiles(work, { 'NEWS.md': 'two\n' }, 'two');
    await git(['push', '-q', sourceUrl, 'main'], { cwd: work });
    const runsBefore = await cron(replica[0]);
    const fetchesBefore = fetchesOfSource();
    await sql("UPDATE repository_sources SET next_sync_at = '2000-01-01T00:00:00Z' WHERE repo_id = (SELECT id FROM repositories WHERE name = 'miroir')");
    const started = await Promise.all(replica.map((base) => api(base, 'POST', '/admin/cron/update_mirrors')));
    expect(started.map((r) => r.status)).toEqual([204, 204]);
    await expect.poll(() => cron(replica[0]), { timeout: 30_000 }).toBe(runsBefore + 2);
    const mirrored = await git(['ls-remote', repoUrl(replica[0], ADMIN.user, 'miroir', ADMIN), 'refs/heads/main']);
    expect(mirrored.trim()).toBe(`${latest}\trefs/heads/main`);
    // One sync's requests, not two.
    expect(fetchesOfSource() - fetchesBefore).toBe(oneSync);
  }, 180_000);

  it('a replica killed with kill -9 mid-push loses no acknowledged push, and the other keeps serving', async () => {
    expect((await api(replica[0], 'POST', '/user/repos', { name: 'durable' })).status).toBe(201);
    const work = await makeWorkTree(1);
    const victim = repoUrl(replica[1], ADMIN.user, 'durable', ADMIN);
    const acknowledged: string[] = [];
    for (let i = 0; i < 3; i++) {
      acknowledged.push(await commitFiles(work, { [`step-${i}.txt`]: `step ${i}\n` }, `step ${i}`));
      await git(['push', '-q', victim, 'main'], { cwd: work });
    }
    // A push of 8 MB that does not compress, cut off by kill -9 while it streams.
    await commitFiles(work, { 'big.bin': randomBytes(8 * 1024 * 1024) }, 'big');
    const inFlight = runGit(['push', victim, 'main'], { cwd: work });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(pidOf('replica-2'), 'SIGKILL');
    await inFlight;

    // Replica 1 and the proxy serve; the branch holds every acknowledged commit.
    const copy = tempDir('fabrique-survivor-');
    await git(['clone', '-q', repoUrl(proxy, ADMIN.user, 'durable', ADMIN), copy]);
    for (const commit of acknowledged) expect((await runGit(['merge-base', '--is-ancestor', commit, 'HEAD'], { cwd: copy })).code).toBe(0);
    expect((await git(['fsck', '--no-progress'], { cwd: copy })).trim()).toBe('');
    // New work goes on through the proxy (HAProxy sends nothing more to the dead replica).
    for (let i = 0; i < 4; i++) expect((await api(proxy, 'GET', `/repos/${ADMIN.user}/durable`)).status).toBe(200);
    const after = await commitFiles(copy, { 'after.txt': 'after the crash\n' }, 'after the crash');
    await git(['push', '-q', repoUrl(proxy, ADMIN.user, 'durable', ADMIN), 'main'], { cwd: copy });
    expect((await git(['ls-remote', repoUrl(replica[0], ADMIN.user, 'durable', ADMIN), 'refs/heads/main'])).trim()).toBe(`${after}\trefs/heads/main`);
    expect(existsSync(join(root, 'repos'))).toBe(true);
  }, 180_000);
});
