import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';

// The server as production runs it (`npm start`, the Docker image, deploy/fabrique.service): compiled by
// tsc with tsconfig.build.json, then `node <out>/server/main.js`. Built into a folder of its own under
// the project, dist/.compiled-start-* (node_modules and package.json's "type": "module" are found from
// there), not into dist/server, so that it races no other test or build.

const TSC = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const USER = { username: 'ada', email: 'ada@example.org', password: 'compiled-start-password-1' };
const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };

let outDir: string;
let root: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess;
let base: string;
let output = '';

/** Runs a program to completion: its exit code and output. */
function runToEnd(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(program, args, { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr }),
    );
  });
}

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const basic = 'Basic ' + Buffer.from(`${USER.username}:${USER.password}`).toString('base64');

beforeAll(async () => {
  mkdirSync(join(PROJECT_ROOT, 'dist'), { recursive: true });
  outDir = mkdtempSync(join(PROJECT_ROOT, 'dist', '.compiled-start-'));
  root = mkdtempSync(join(tmpdir(), 'fabrique-compiled-'));
  // --noCheck: the emitted JavaScript is what is tested here; type errors are `npm run lint`'s (and build:server's) to find.
  const built = await runToEnd(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--noCheck', '--outDir', outDir]);
  expect(built.output).toBe('');
  expect(built.code).toBe(0);

  env = {
    PATH: process.env.PATH,
    HOME: root,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    FORGE_DATA_DIR: join(root, 'data'),
    FORGE_REPOS_DIR: join(root, 'repos'),
    FORGE_PASSWORD_HASH_COST: '10',
  };
  // The compiled CLI finds the migrations too: it makes the administrator before the server starts.
  const created = await runToEnd(process.execPath, [join(outDir, 'server', 'cli.js'), 'user', 'create', '--username', USER.username, '--email', USER.email, '--admin'], {
    env: { ...env, FORGE_PASSWORD: USER.password },
  });
  expect(created.output).toContain(`Created administrator "${USER.username}"`);

  // Started from another folder than the project's: nothing may depend on the working directory.
  server = spawn(process.execPath, [join(outDir, 'server', 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  base = `http://127.0.0.1:${env.PORT}`;
  for (const deadline = Date.now() + 90_000; Date.now() < deadline && server.exitCode === null; ) {
    if (await fetch(`${base}/api/healthz`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the compiled server never answered /api/healthz; it said:\n${output}`);
}, 600_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the compiled server (tsconfig.build.json, node <out>/server/main.js)', () => {
  it('answers /api/healthz, with its migrations applied and its repositories folder writable', async () => {
    const response = await fetch(`${base}/api/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'pass', checks: { database: 'pass', repositories: 'pass' } });
    // Compiled JavaScript only: no TypeScript source was loaded to start it.
    expect(server.spawnargs.slice(1)).toEqual([join(outDir, 'server', 'main.js')]);
    expect(relative(PROJECT_ROOT, outDir).startsWith('dist/.compiled-start-')).toBe(true);
  });

  it('finds the project files it does not compile: package.json, server/data', async () => {
    const versionAnswer = await fetch(`${base}/api/v1/version`);
    expect(versionAnswer.status).toBe(200);
    expect(((await versionAnswer.json()) as { version: string }).version).toBe(`1.23.0+fabrique-${version}`);

    const licence = await fetch(`${base}/api/v1/licenses/EUPL-1.2?lang=fr`);
    expect(licence.status).toBe(200);
    const text = readFileSync(join(PROJECT_ROOT, 'server', 'data', 'licences', 'EUPL-1.2.fr.txt'), 'utf8');
    expect(((await licence.json()) as { body: string }).body).toBe(text);
  });

  it('takes a push through its pre-receive hook (server/git/hook-client.cjs) and shows the branch', async () => {
    const token = await fetch(`${base}/api/v1/users/${USER.username}/tokens`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'push', scopes: ['write:repository'] }),
    });
    expect(token.status).toBe(201);
    const { sha1 } = (await token.json()) as { sha1: string };
    const repo = await fetch(`${base}/api/v1/user/repos`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'compiled', private: false }),
    });
    expect(repo.status).toBe(201);

    const work = join(root, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'README.md'), '# Compiled\n');
    const gitEnv = { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
    const git = (args: string[]) => runToEnd('git', args, { cwd: work, env: gitEnv });
    expect((await git(['init', '-q', '-b', 'main'])).code).toBe(0);
    expect((await git(['add', '.'])).code).toBe(0);
    expect((await git(['-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', 'commit', '-q', '-m', 'First'])).code).toBe(0);
    const pushUrl = new URL(`/${USER.username}/compiled.git`, base);
    pushUrl.username = USER.username;
    pushUrl.password = sha1;
    const pushed = await git(['push', '-q', pushUrl.href, 'main']);
    expect(pushed.output).toBe('');
    expect(pushed.code).toBe(0);

    const branch = await fetch(`${base}/api/v1/repos/${USER.username}/compiled/branches/main`);
    expect(branch.status).toBe(200);
    expect(((await branch.json()) as { commit: { message: string } }).commit.message.trim()).toBe('First');
  });
});
