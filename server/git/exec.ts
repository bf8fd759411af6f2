import { execFile } from 'node:child_process';
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

/** Runs git with arguments (never through a shell) and returns its output. */
export function git(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<GitResult> {
  // No git argument can hold a NUL (Node would throw): a name or path from a request that does is bad input, not a crash.
  if (args.some((a) => a.includes('\0'))) return Promise.reject(new ForgeError('invalid', 'A name or path contains a NUL character.'));
  return new Promise((resolveRun, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new GitCommandError(args, typeof err.code === 'number' ? err.code : null, stderr));
        else resolveRun({ stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
