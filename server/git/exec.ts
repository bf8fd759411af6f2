import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ForgeError } from '../errors.js';

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** A git subprocess that failed: carries its exit code and stderr. */
export class GitCommandError extends Error {
  constructor(readonly args: string[], readonly code: number | null, readonly stderr: string) {
    super(`git ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

/**
 * util-linux's setpriv, when installed: Node has no prctl, and a child started through
 * `setpriv --pdeathsig KILL` is killed by the kernel when the server dies, even by `kill -9`,
 * instead of running on (a push or an import) against folders the next start sweeps.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path)) ?? null;

/**
 * The program and arguments that start `git <args>` as a child that dies with the server; plain
 * git where setpriv is missing. setpriv execs git, so the child's pid (and process group) is git's.
 */
export function gitCommand(args: string[]): { file: string; args: string[] } {
  return SETPRIV ? { file: SETPRIV, args: ['--pdeathsig', 'KILL', '--', 'git', ...args] } : { file: 'git', args };
}

/** Runs git with arguments (never through a shell) and returns its output. */
export function git(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<GitResult> {
  // No git argument can hold a NUL (Node would throw): a name or path from a request that does is bad input, not a crash.
  if (args.some((a) => a.includes('\0'))) return Promise.reject(new ForgeError('invalid', 'A name or path contains a NUL character.'));
  return new Promise((resolveRun, reject) => {
    const command = gitCommand(args);
    const child = execFile(
      command.file,
      command.args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new GitCommandError(args, typeof err.code === 'number' ? err.code : null, stderr));
        else resolveRun({ stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
