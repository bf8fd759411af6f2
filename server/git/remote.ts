import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { gitCommand } from './exec.js';

/** A remote git repository over http(s), as the import and mirror services reach it. */
export interface Remote {
  /** The URL, without credentials. */
  url: string;
  hostname: string;
  port: number;
  /** The addresses checked for the host: git connects to these and resolves nothing itself. */
  addresses: string[];
  /** An Authorization header value, passed to git through its environment, never its arguments. */
  authorization: string | null;
}

export interface RemoteLimits {
  timeoutMs: number;
  /** Bytes the fetch may add under the watched directory. */
  maxBytes: number;
  signal?: AbortSignal;
}

export type RemoteFailure = 'auth' | 'not_found' | 'not_git' | 'unreachable' | 'redirect' | 'timeout' | 'too_large' | 'aborted' | 'failed';

/** A remote operation that failed, with a message safe to show (no credentials, no local paths). */
export class RemoteError extends Error {
  constructor(readonly kind: RemoteFailure, message: string) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** The Authorization header for the credentials given: Basic with a user name, else a bearer token. */
export function authorizationFor(credentials: { username: string; secret: string }): string | null {
  if (credentials.secret === '' && credentials.username === '') return null;
  if (credentials.username !== '') return `Basic ${Buffer.from(`${credentials.username}:${credentials.secret}`).toString('base64')}`;
  return `Bearer ${credentials.secret}`;
}

function bracketed(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Arguments that confine git to the one http(s) request the user asked for: no other transport
 * (file://, ssh, ext:: run things on this server), no redirect (its target was never checked
 * against the private-address rule: a public host could send git to 169.254.169.254), no
 * credential helper or prompt, and a host name pinned to the addresses already checked, so that a
 * second DNS answer cannot point it elsewhere. An address literal is not resolved, so it is not
 * pinned: curl cannot parse an IPv6 literal as the host of CURLOPT_RESOLVE, bracketed or not.
 */
function confinement(remote: Remote): string[] {
  const pin = isIP(remote.hostname) ? [] : ['-c', `http.curloptResolve=${remote.hostname}:${remote.port}:${remote.addresses.map(bracketed).join(',')}`];
  return [
    '-c', 'protocol.allow=never',
    '-c', 'protocol.http.allow=always',
    '-c', 'protocol.https.allow=always',
    '-c', 'http.followRedirects=false',
    '-c', 'credential.helper=',
    '-c', 'core.askPass=',
    ...pin,
  ];
}

/** git's environment: no system or user configuration (an insteadOf there could rewrite the URL), the header if any. */
function environment(remote: Remote): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('GIT_') || name === 'SSH_ASKPASS') delete env[name];
  }
  Object.assign(env, { GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' });
  if (remote.authorization) {
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${remote.authorization}` });
  }
  return env;
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    try {
      const info = await stat(join(dir, entry));
      if (info.isFile()) total += info.size;
    } catch {
      // removed while counting (git renames its temporary packs)
    }
  }
  return total;
}

/** What git's stderr says went wrong, in words for the person who gave the URL. */
function failure(url: string, stderr: string): RemoteError {
  const text = stderr.replace(/(\/\/)[^/@\s]*@/g, '$1');
  if (/Authentication failed|could not read Username|could not read Password|terminal prompts disabled|returned error: 40[13]/i.test(text)) {
    return new RemoteError('auth', `${url} asks for credentials, or refused the ones given: give an access token (auth_token) that may read it.`);
  }
  if (/returned error: 30\d|redirect/i.test(text)) {
    return new RemoteError('redirect', `${url} redirects elsewhere; give the repository's final clone address.`);
  }
  if (/not valid: is this a git repository|returned error: 40[05]|unexpected content-type|invalid server response|invalid packet/i.test(text)) {
    return new RemoteError('not_git', `${url} is not a git repository (no git smart-HTTP answer there).`);
  }
  if (/repository '.*' not found|returned error: 404/i.test(text)) {
    return new RemoteError('not_found', `${url} is not a git repository that can be read (not found; a private one needs an access token).`);
  }
  const reach = /(Failed to connect[^\n]*|Could not resolve host[^\n]*|Connection refused|Connection timed out|Operation timed out[^\n]*|SSL[^\n]*|Recv failure[^\n]*)/i.exec(text);
  if (reach) return new RemoteError('unreachable', `${url} cannot be reached: ${reach[1].trim()}.`);
  const last = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('fatal:') || l.startsWith('error:')).pop();
  return new RemoteError('failed', `Fetching from ${url} failed${last ? `: ${last.replace(/^(fatal|error):\s*/, '')}` : '.'}`);
}

/** Runs git against the remote with the limits: killed (whole process group) on timeout, growth past the limit or abort. */
async function runRemote(remote: Remote, args: string[], options: RemoteLimits & { cwd: string; watch?: string }): Promise<string> {
  const baseline = options.watch ? await treeBytes(options.watch) : 0;
  return new Promise((resolve, reject) => {
    // Detached: its own process group, killed whole on a limit. Its leader dies with the server too
    // (gitCommand), and git-remote-https and index-pack then stop on their closed pipes.
    const command = gitCommand([...confinement(remote), ...args]);
    const child = spawn(command.file, command.args, { cwd: options.cwd, env: environment(remote), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopped: RemoteError | null = null;
    const tooLarge = () => new RemoteError('too_large', `${remote.url} is larger than this forge's limit of ${options.maxBytes} bytes (FORGE_MAX_PUSH_BYTES); the transfer was stopped.`);
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (stdout.length < 1024 * 1024) stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < 16 * 1024) stderr += text;
    });
    const stop = (error: RemoteError) => {
      if (stopped || child.exitCode !== null || child.signalCode !== null) return;
      stopped = error;
      try {
        // git fetch runs git-remote-https and index-pack as children: the group goes with it.
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(
      () => stop(new RemoteError('timeout', `${remote.url} took longer than ${Math.round(options.timeoutMs / 1000)} s to answer; the transfer was stopped.`)),
      options.timeoutMs,
    );
    let measuring = false;
    const poll = options.watch
      ? setInterval(() => {
          if (measuring) return;
          measuring = true;
          void treeBytes(options.watch as string).then((bytes) => {
            measuring = false;
            if (bytes - baseline > options.maxBytes) stop(tooLarge());
          });
        }, 1000)
      : null;
    const onAbort = () => stop(new RemoteError('aborted', `The transfer from ${remote.url} was interrupted.`));
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) onAbort();
    child.on('error', (err) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      options.signal?.removeEventListener('abort', onAbort);
      if (stopped) reject(stopped);
      else if (code !== 0) reject(failure(remote.url, stderr));
      else if (!options.watch) resolve(stdout);
      // A transfer quicker than the polling is measured once more at the end.
      else void treeBytes(options.watch).then((bytes) => (bytes - baseline > options.maxBytes ? reject(tooLarge()) : resolve(stdout)));
    });
  });
}

/** The branch the remote's HEAD points at (null for an empty repository), which also proves it is a git repository. */
export async function remoteHeadBranch(remote: Remote, limits: RemoteLimits): Promise<string | null> {
  const out = await runRemote(remote, ['ls-remote', '--symref', remote.url, 'HEAD'], { ...limits, cwd: tmpdir() });
  const match = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
  return match ? match[1] : null;
}

/**
 * Fetches every branch and tag of the remote into a bare repository, deleting those the remote no
 * longer has. Objects land first; the refs move together at the end (--atomic), or not at all.
 */
export async function fetchAll(gitdir: string, remote: Remote, limits: RemoteLimits): Promise<void> {
  await runRemote(
    remote,
    ['fetch', '--prune', '--atomic', '--quiet', '--no-write-fetch-head', '--no-tags', remote.url, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'],
    { ...limits, cwd: gitdir, watch: join(gitdir, 'objects') },
  );
}

/** The commit a branch of the remote points at, or null when the remote has no such branch. */
export async function remoteBranchTip(remote: Remote, branch: string, limits: RemoteLimits): Promise<string | null> {
  const ref = `refs/heads/${branch}`;
  const out = await runRemote(remote, ['ls-remote', remote.url, ref], { ...limits, cwd: tmpdir() });
  const line = out.split('\n').find((l) => l.endsWith(`\t${ref}`));
  return line ? line.slice(0, 40) : null;
}

/**
 * Fetches one branch tip's objects into a bare repository, moving no ref: the caller moves its own
 * ref through the ref gate. Fails when the branch moved away from `sha` meanwhile.
 */
export async function fetchCommit(gitdir: string, remote: Remote, sha: string, limits: RemoteLimits): Promise<void> {
  await runRemote(remote, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', remote.url, sha], {
    ...limits,
    cwd: gitdir,
    watch: join(gitdir, 'objects'),
  });
}
