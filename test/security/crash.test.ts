import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';
import { openDb, type Db } from '../../server/db/index.js';
import { findRepo } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { objectsSizeKb } from '../../server/git/size.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { clientEnv, commitFiles, git, repoUrl, runGit, tempDir } from '../helpers/git.js';

const MAIN = join(PROJECT_ROOT, 'server', 'main.ts');
/** The server kills itself once receive-pack has moved refs, before the database records them. */
const CRASH_AFTER_RECEIVE_PACK = { FORGE_TEST_CRASH_POINT: 'after-receive-pack' };
/** Each test boots the server process once or twice: a few seconds each, more on a busy machine. */
const BUDGET_MS = 120_000;

/** A Fabrique server running as its own process, as in production, so that it can be killed with SIGKILL. */
interface ForgeProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
  /** What it logged, to explain a failure. */
  output: () => string;
}

/** Starts `server/main.ts` on the given folders and resolves once it listens (after start-up recovery). */
function boot(root: string, env: Record<string, string> = {}): Promise<ForgeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      FORGE_DATA_DIR: join(root, 'data'),
      FORGE_REPOS_DIR: join(root, 'repos'),
      FORGE_IMPORT_ALLOW_PRIVATE: 'true',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening) resolve({ child, url: listening[1], exited, output: () => output });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
}

async function kill9(forge: ForgeProcess): Promise<void> {
  forge.child.kill('SIGKILL');
  await forge.exited;
}

/** The state letter of a process (R, S, Z...), or null when it is gone. */
function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

const alive = (pid: number) => {
  const state = processState(pid);
  return state !== null && state !== 'Z';
};

/** Every process below `pid`, with its command line. */
function descendants(pid: number): Array<{ pid: number; command: string }> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: Array<{ pid: number; command: string }> = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    try {
      found.push({ pid: next, command: readFileSync(`/proc/${next}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch {
      continue;
    }
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

/** Waits until the condition holds; fails naming what never happened. */
async function waitFor(what: string, condition: () => boolean, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Folders and files under `dir` (recursively) whose name matches. */
function findUnder(dir: string, name: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => name.test(p.split('/').pop() as string));
}

function fsck(path: string): { code: number | null; output: string } {
  const run = spawnSync('git', ['fsck', '--no-progress', '--no-dangling'], { cwd: path, env: clientEnv, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * A TCP relay to the forge that forwards what the client sends up to `limit` bytes per connection,
 * then holds the rest: the push is then certainly under way in receive-pack when the server is killed.
 */
function holdingRelay(target: () => number, limit: number): Promise<{ server: NetServer; port: number; held: () => boolean }> {
  let held = false;
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(target(), '127.0.0.1');
    sockets.add(client).add(upstream);
    let forwarded = 0;
    client.on('data', (chunk: Buffer) => {
      if (forwarded >= limit) return;
      forwarded += chunk.length;
      upstream.write(chunk);
      if (forwarded >= limit) {
        held = true;
        client.pause();
      }
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, held: () => held })));
}

/**
 * A git server for the import (git's own http-backend) that sends the first MiB of a pack at once
 * and the rest slowly, so that the importing forge is killed while its `git fetch` runs.
 */
function slowGitServer(projectRoot: string): Promise<{ server: HttpServer; port: number; slowed: () => boolean; close: () => void }> {
  let slowed = false;
  const backends = new Set<ChildProcessWithoutNullStreams>();
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const backend = spawn('git', ['http-backend'], {
      env: {
        ...clientEnv,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
    });
    backends.add(backend);
    backend.on('exit', () => backends.delete(backend));
    req.pipe(backend.stdin);
    res.on('close', () => backend.kill('SIGKILL'));
    let head = Buffer.alloc(0);
    let sent = 0;
    const pump = async () => {
      for await (const chunk of backend.stdout as AsyncIterable<Buffer>) {
        let body = chunk;
        if (!res.headersSent) {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) continue;
          for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
            const [name, ...value] = line.split(': ');
            if (name.toLowerCase() === 'status') res.statusCode = Number.parseInt(value.join(': '), 10);
            else res.setHeader(name, value.join(': '));
          }
          res.flushHeaders();
          body = head.subarray(end + 4);
        }
        for (let at = 0; at < body.length; at += 16 * 1024) {
          if (sent > 1024 * 1024) {
            slowed = true;
            await new Promise((r) => setTimeout(r, 100));
          }
          if (res.destroyed) return;
          const part = body.subarray(at, at + 16 * 1024);
          sent += part.length;
          // No waiting for 'drain': past the first MiB the pace is slower than any socket.
          res.write(part);
        }
      }
      res.end();
    };
    pump().catch(() => res.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as { port: number }).port,
        slowed: () => slowed,
        close: () => {
          for (const backend of backends) backend.kill('SIGKILL');
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

describe('a server killed with SIGKILL (kill -9)', () => {
  let root: string;
  let reposDir: string;
  let forge: ForgeProcess | null = null;
  let db: Db;
  let user: UserRow;
  let token: string;
  let work: string;
  let head: string;
  let repoDir: string;

  beforeAll(async () => {
    // setup
    root = tempDir('fabrique-crash-');
    reposDir = join(root, 'repos');
    // Armed from the start: a push that never ends (the first test) never reaches the crash point.
    forge = await boot(root, CRASH_AFTER_RECEIVE_PACK);
    db = openDb(join(root, 'data', 'fabrique.db'));
    user = await buildUser(db);
    token = await buildToken(db, user);
    await buildRepo(db, reposDir, user, { name: 'big' });
    repoDir = join(reposDir, user.lower_name, 'big.git');
    // 24 MiB of random (incompressible) blobs: a push that takes receive-pack a while.
    work = tempDir('fabrique-crash-work-');
    await git(['init', '-q', '--initial-branch=main', work]);
    head = await commitFiles(work, { 'a.bin': randomBytes(8 << 20), 'b.bin': randomBytes(8 << 20), 'c.bin': randomBytes(8 << 20) }, 'large files');
    await git(['clone', '-q', '--bare', work, join(work, 'source.git')]);
  }, BUDGET_MS);

  afterAll(async () => {
    if (forge) await kill9(forge);
    await db?.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const pushUrl = (port: number) => repoUrl(`http://127.0.0.1:${port}`, user.username, 'big', { user: user.username, secret: token });
  const refUpdates = async () => await db.prepare('SELECT ref, new_id, actor_id FROM ref_updates WHERE repo_id = ? ORDER BY id').all((await findRepo(db, user.username, 'big'))?.id);
  const intents = async () => await db.prepare('SELECT count(*) FROM push_intents').pluck().get();

  it('killed while receive-pack takes a large push: after a restart nothing of it is kept, no quarantine, git fsck clean', async () => {
    // setup
    let current = forge as ForgeProcess;
    const relay = await holdingRelay(() => Number(new URL(current.url).port), 12 << 20);
    const push = runGit(['push', pushUrl(relay.port), 'main'], { cwd: work });
    // test
    await waitFor('the push is held half-way, in quarantine', () => relay.held() && findUnder(join(repoDir, 'objects'), /^tmp_objdir-incoming-/).length > 0);
    const children = descendants(current.child.pid as number);
    expect(children.some((c) => c.command.includes('receive-pack'))).toBe(true);
    await kill9(current);
    await waitFor('every git process of the killed server is gone', () => children.every((c) => !alive(c.pid)));
    relay.server.close();
    expect((await push).code).not.toBe(0);

    current = forge = await boot(root, CRASH_AFTER_RECEIVE_PACK);
    expect(findUnder(join(repoDir, 'objects'), /^(tmp_objdir-)?incoming-|^tmp_pack_/)).toEqual([]);
    expect(findUnder(repoDir, /\.lock$/)).toEqual([]);
    expect(existsSync(join(repoDir, 'refs', 'heads', 'main'))).toBe(false);
    expect(await refUpdates()).toEqual([]);
    expect(await intents()).toBe(0);
    const row = await findRepo(db, user.username, 'big');
    expect(row?.is_empty).toBe(1);
    expect(row?.size_kb).toBe(await objectsSizeKb(repoDir));
    expect(fsck(repoDir).code).toBe(0);
  }, BUDGET_MS);

  it('killed after receive-pack moved the ref but before the database recorded it: the restart records the push', async () => {
    // setup
    const crashing = forge as ForgeProcess;
    // test
    const push = await runGit(['push', pushUrl(Number(new URL(crashing.url).port)), 'main'], { cwd: work });
    await crashing.exited;
    expect(crashing.child.signalCode).toBe('SIGKILL');
    expect(push.code).not.toBe(0);
    // The crash point: the ref moved on disk, the database knows only the intent.
    expect(readFileSync(join(repoDir, 'refs', 'heads', 'main'), 'utf8').trim()).toBe(head);
    expect(await refUpdates()).toEqual([]);
    expect(await intents()).toBe(1);

    forge = await boot(root);
    expect(await refUpdates()).toEqual([{ ref: 'refs/heads/main', new_id: head, actor_id: user.id }]);
    expect(await intents()).toBe(0);
    const row = await findRepo(db, user.username, 'big');
    expect(row).toMatchObject({ is_empty: 0, default_branch: 'main' });
    expect(row?.size_kb).toBe(await objectsSizeKb(repoDir));
    expect(row?.size_kb).toBeGreaterThan(20_000);
    expect(findUnder(join(repoDir, 'objects'), /^(tmp_objdir-)?incoming-|^tmp_pack_/)).toEqual([]);
    expect(fsck(repoDir)).toEqual({ code: 0, output: '' });
    // The repository serves what was pushed.
    const clone = tempDir('fabrique-crash-clone-');
    await git(['clone', '-q', '--bare', repoUrl(forge.url, user.username, 'big'), clone]);
    expect((await git(['rev-parse', 'main'], { cwd: clone })).trim()).toBe(head);
    rmSync(clone, { recursive: true, force: true });
  }, BUDGET_MS);

  it("killed during an import: the detached git fetch dies with it, and the restart removes the temporary repository", async () => {
    // setup
    const source = await slowGitServer(work);
    const current = forge as ForgeProcess;
    try {
      const importing = fetch(`${current.url}/api/v1/repos/migrate`, {
        method: 'POST',
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clone_addr: `http://127.0.0.1:${source.port}/source.git`, repo_name: 'imported' }),
      }).catch((err: unknown) => err);
      // test
      await waitFor('the import is fetching the pack', () => source.slowed() && descendants(current.child.pid as number).some((c) => c.command.includes('fetch'))).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${current.output()}\n${String(await Promise.race([importing, new Promise((r) => setTimeout(r, 100))]))}`);
      });
      expect(findUnder(join(reposDir, '.tmp'), /\.git$/).length).toBe(1);
      const children = descendants(current.child.pid as number);
      await kill9(current);
      await waitFor('git fetch and its helpers are gone', () => children.every((c) => !alive(c.pid)));
      expect(await importing).toBeInstanceOf(Error);
    } finally {
      source.close();
    }

    forge = await boot(root);
    expect(readdirSync(join(reposDir, '.tmp'))).toEqual([]);
    expect(await findRepo(db, user.username, 'imported')).toBeUndefined();
    expect(existsSync(join(reposDir, user.lower_name, 'imported.git'))).toBe(false);
    expect(fsck(repoDir).code).toBe(0);
  }, BUDGET_MS);
});

describe('a repositories folder that cannot be written', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    setWritable(server.config.reposDir, true);
    await server.close();
  });

  /** Makes the folder read-only; root ignores permissions, so as root the files become immutable. */
  function setWritable(dir: string, writable: boolean): void {
    const run =
      process.getuid?.() === 0
        ? spawnSync('chattr', ['-R', writable ? '-i' : '+i', dir])
        : spawnSync('chmod', ['-R', writable ? 'u+w' : 'a-w', dir]);
    if (run.status !== 0) throw new Error(`could not change ${dir}: ${run.stderr}`);
  }

  it('answers 503 with a message to a new repository and to a fork, and keeps no row', async () => {
    // setup
    const { db } = server.app.forge;
    const owner = await buildUser(db);
    const token = await buildToken(db, owner);
    await buildRepo(db, server.config.reposDir, owner, { name: 'parent' });
    const post = (path: string, body: object) =>
      fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    setWritable(server.config.reposDir, false);
    // test
    const created = await post('/user/repos', { name: 'fresh' });
    expect(created.status).toBe(503);
    expect((await created.json()).message).toMatch(/repositories folder cannot be written/);
    const forked = await post(`/repos/${owner.username}/parent/forks`, { name: 'parent-fork' });
    expect(forked.status).toBe(503);
    expect((await forked.json()).message).toMatch(/repositories folder cannot be written/);
    expect(await findRepo(db, owner.username, 'fresh')).toBeUndefined();
    expect(await findRepo(db, owner.username, 'parent-fork')).toBeUndefined();
    setWritable(server.config.reposDir, true);
    expect((await post('/user/repos', { name: 'fresh' })).status).toBe(201);
  });
});
