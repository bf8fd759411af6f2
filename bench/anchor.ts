/**
 * The reference ("anchor") git server for benchmarks: Debian's lighttpd serving git's own
 * `git http-backend` as CGI, the setup documented in git-http-backend(1). Anonymous read and
 * write: every repository under projectRoot is exported, and receive-pack is enabled so pushes
 * work without authentication. Bound to 127.0.0.1 on a free port; config, logs and lighttpd's
 * temporary files live in a temporary directory removed by stop().
 *
 *   npx tsx bench/anchor.ts <projectRoot>     # serves until Ctrl-C
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIGHTTPD = '/usr/sbin/lighttpd';
export const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface AnchorOptions {
  /** Directory holding the bare repositories (`<projectRoot>/<name>.git` is `<url>/<name>.git`). */
  projectRoot: string;
}

export interface Anchor {
  /** Base URL of the repositories, without trailing slash: clone `${url}/<name>.git`. */
  url: string;
  /** lighttpd's process id: its CPU time, with its CGI children's, is what the anchor costs. */
  pid: number;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => (port > 0 ? res(port) : rej(new Error('no port'))));
    });
  });
}

/** lighttpd's string syntax: double quotes, backslash escapes. */
function str(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

function config(port: number, projectRoot: string, dir: string): string {
  // http-backend reads per-request settings from its environment; GIT_CONFIG_* adds
  // configuration without touching the repositories: anonymous push, and no "dubious
  // ownership" refusal whichever user owns the repositories.
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true',
    GIT_CONFIG_KEY_1: 'safe.directory',
    GIT_CONFIG_VALUE_1: '*',
    HOME: dir,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
  return [
    `server.modules = ( "mod_alias", "mod_setenv", "mod_cgi" )`,
    `server.bind = "127.0.0.1"`,
    `server.port = ${port}`,
    `server.document-root = ${str(join(dir, 'www'))}`,
    `server.errorlog = ${str(join(dir, 'error.log'))}`,
    `server.upload-dirs = ( ${str(join(dir, 'tmp'))} )`,
    // Responses (packs for clones) stream through without spooling. Request bodies are collected
    // first (lighttpd's default): a CGI needs CONTENT_LENGTH, and git sends large pushes chunked,
    // which lighttpd refuses with 411 when asked to stream them. No limit on the request size.
    `server.stream-request-body = 0`,
    `server.stream-response-body = 2`,
    `server.max-request-size = 0`,
    `server.max-read-idle = 600`,
    `server.max-write-idle = 600`,
    `alias.url = ( "/" => ${str(HTTP_BACKEND + '/')} )`,
    `cgi.assign = ( "" => "" )`,
    `setenv.set-environment = ( ${Object.entries(env).map(([k, v]) => `${str(k)} => ${str(v)}`).join(', ')} )`,
    '',
  ].join('\n');
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((res) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      res(true);
    });
    socket.once('error', () => res(false));
  });
}

async function waitListening(child: ChildProcess, port: number, errorLog: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '';
      throw new Error(`lighttpd exited (${child.exitCode ?? child.signalCode})\n${log}`);
    }
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`lighttpd did not listen on port ${port} within 10 s`);
}

/** Starts lighttpd + git http-backend over projectRoot; resolves once it accepts connections. */
export async function startAnchor({ projectRoot }: AnchorOptions): Promise<Anchor> {
  if (!existsSync(LIGHTTPD)) throw new Error(`${LIGHTTPD} is missing: apt-get install -y lighttpd`);
  if (!existsSync(HTTP_BACKEND)) throw new Error(`${HTTP_BACKEND} is missing: install git`);
  const root = resolve(projectRoot);
  mkdirSync(root, { recursive: true });

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'fabrique-anchor-'));
    mkdirSync(join(dir, 'www'));
    mkdirSync(join(dir, 'tmp'));
    const port = await freePort();
    const confPath = join(dir, 'lighttpd.conf');
    writeFileSync(confPath, config(port, root, dir));
    // -D: foreground, so the process is ours to stop; stderr kept for start-up errors.
    const child = spawn(LIGHTTPD, ['-D', '-f', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => stderr.push(b));
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    try {
      await waitListening(child, port, join(dir, 'error.log'));
    } catch (err) {
      lastError = new Error(`${(err as Error).message}\n${Buffer.concat(stderr).toString('utf8')}`);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      continue; // most likely the port was taken between freePort() and bind: try another one
    }
    let stopped: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      pid: child.pid!,
      stop() {
        stopped ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  }
  throw lastError;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const projectRoot = process.argv[2];
  if (!projectRoot) {
    console.error('usage: npx tsx bench/anchor.ts <projectRoot>');
    process.exit(2);
  }
  const anchor = await startAnchor({ projectRoot });
  console.log(`${anchor.url}/<name>.git serves ${resolve(projectRoot)}/<name>.git (Ctrl-C to stop)`);
  const stop = () => void anchor.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
