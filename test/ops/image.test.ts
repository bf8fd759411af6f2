import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';

/** One instruction of the Dockerfile, its continuation lines joined. */
interface Instruction {
  keyword: string;
  args: string;
}

/** The instructions of the Dockerfile's last stage (the runtime image). */
function runtimeStage(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const instructions = joined.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return [...instructions.slice(0, 1).filter((i) => i.keyword === 'ARG'), ...instructions.slice(lastFrom)];
}

/** `ENV A=1 B=2` (the key=value form the Dockerfile uses). */
function envOf(stage: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.filter((i) => i.keyword === 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`ENV ${args}: only the key=value form is read here`);
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

const only = (stage: Instruction[], keyword: string): string => {
  const found = stage.filter((i) => i.keyword === keyword);
  expect(found, `one ${keyword} in the runtime stage`).toHaveLength(1);
  return found[0]!.args;
};

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const dockerfile = readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
const stage = runtimeStage(dockerfile);
const imageEnv = envOf(stage);
const healthcheck = only(stage, 'HEALTHCHECK');
const healthCommand = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[];
const command = JSON.parse(only(stage, 'CMD')) as string[];
const volumes = JSON.parse(only(stage, 'VOLUME')) as string[];
const imageUser = only(stage, 'USER');

// Outside Docker there is no fabrique account: a root test runs the image's commands as nobody, in folders nobody owns.
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const wrap = (argv: string[]) => (asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...argv] : argv);

let root: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess;
let output = '';

/** Runs the image's HEALTHCHECK command once, as the image's user would: its exit code. */
function health(): number | null {
  const [program = '', ...args] = wrap(healthCommand);
  return spawnSync(program, args, { env, cwd: PROJECT_ROOT, timeout: 10_000 }).status;
}

beforeAll(async () => {
  // The image's CMD runs the compiled server: build it as the image's build stage does (npm run build:server).
  const built = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(built.stdout + built.stderr).toBe('');
  // setup: the image's ENV, its paths moved under a temporary root (the container's /), a free port on loopback.
  root = mkdtempSync(join(tmpdir(), 'fabrique-image-'));
  const moved = (path: string) => join(root, path);
  env = { PATH: process.env.PATH };
  for (const [name, value] of Object.entries(imageEnv)) env[name] = value.startsWith('/') ? moved(value) : value;
  env.HOST = '127.0.0.1';
  env.PORT = String(await freePort());
  for (const dir of [env.HOME!, ...volumes.map(moved)]) {
    mkdirSync(dir, { recursive: true });
    if (asRoot) chownSync(dir, NOBODY, NOBODY);
  }
  if (asRoot) chownSync(root, NOBODY, NOBODY);
}, 600_000);

afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

describe('the Docker image, run outside Docker', () => {
  it('is built on a supported Node.js LTS, runs as a user of its own and keeps its state in volumes', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(22|24)-bookworm-slim$/m);
    expect(imageUser).not.toMatch(/^(root|0)$/);
    // Everything the forge writes is in a volume: its data (database, secret) and its repositories.
    expect(volumes.sort()).toEqual([imageEnv.FORGE_DATA_DIR, imageEnv.FORGE_REPOS_DIR].sort());
    expect(command).toEqual(['node', '--max-semi-space-size=1', 'dist/server/main.js']);
    const engines = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=20');
  });

  it('starts with CMD, passes HEALTHCHECK, writes its state into its volumes as its user, and stops cleanly on SIGTERM', async () => {
    // The health check fails while nothing answers: it can tell.
    expect(health()).not.toBe(0);

    // test
    const [program = '', ...args] = wrap(command);
    server = spawn(program, args, { env, cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    let healthy = false;
    while (!healthy && Date.now() < deadline && server.exitCode === null) {
      healthy = health() === 0;
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(healthy, `the health check never passed; the server said:\n${output}`).toBe(true);

    // What the forge wrote at start (its secret, its database) is in the data volume and belongs to its user.
    const secret = statSync(join(env.FORGE_DATA_DIR!, 'secret'));
    const database = statSync(join(env.FORGE_DATA_DIR!, 'fabrique.db'));
    if (asRoot) {
      expect(secret.uid).toBe(NOBODY);
      expect(database.uid).toBe(NOBODY);
    }
    expect(secret.mode & 0o077).toBe(0);

    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
    server.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).toContain('closing: finishing requests in flight');
    // JSON logs, one object a line (pino), as the documentation says operators filter them.
    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  }, 120_000);
});
