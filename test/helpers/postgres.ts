import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A PostgreSQL cluster started by the tests under its own folder, listening on 127.0.0.1 only. */
export interface TestPostgres {
  /** Connection URL of the cluster's `postgres` database, e.g. postgres://postgres@127.0.0.1:41234/postgres */
  url: string;
  port: number;
  /** A fresh, empty database on the cluster: its URL. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Debian's PostgreSQL binaries (the newest major installed), or null when the package is missing. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Runs a PostgreSQL program as the `postgres` account when the tests run as root (PostgreSQL refuses root). */
function asPostgres(program: string, args: string[]): [string, string[]] {
  // setpriv execs the program itself (runuser would stay between, and not pass a signal on): stop() signals PostgreSQL.
  const drop = ['--reuid=postgres', '--regid=postgres', '--clear-groups', '--', program, ...args];
  return process.getuid?.() === 0 ? ['setpriv', drop] : [program, args];
}

/**
 * Starts a throw-away cluster: initdb into a temporary folder, trust authentication for the
 * `postgres` role on 127.0.0.1 only, its socket in its own folder, fsync off (a test cluster loses
 * nothing it must keep). Stopped with `stop()`, which removes the folder.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
  const root = mkdtempSync(join(tmpdir(), 'fabrique-pg-'));
  chmodSync(root, 0o755);
  const data = join(root, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(root, uid, gid);
  }
  const [initProgram, initArgs] = asPostgres(join(bin, 'initdb'), [
    '-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync',
  ]);
  execFileSync(initProgram, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  const [program, args] = asPostgres(join(bin, 'postgres'), [
    '-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${root}`,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
  ]);
  const child: ChildProcess = spawn(program, args, { stdio: 'ignore' });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitUntilReady(url, child);
  let counter = 0;
  return {
    url,
    port,
    async createDatabase(prefix = 'fabrique') {
      const name = `${prefix}_${process.pid}_${++counter}_${Date.now().toString(36)}`.toLowerCase();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (child.exitCode === null) {
        // SIGINT is PostgreSQL's "fast shutdown": it ends the sessions and stops at once.
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited with code ${child.exitCode} at start`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * A pool for a test's own queries. Its idle clients get an 'error' handler: when a test fails or
 * times out before it ends the pool, the cluster's stop() ends their sessions, and an 'error' event
 * nobody listens to would crash the test worker and hide the real failure.
 */
export function testPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 1 });
  pool.on('error', () => undefined);
  return pool;
}

/** A single client for a test's own queries, with the same 'error' handler as testPool. */
export function testClient(connectionString: string): pg.Client {
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  return client;
}
