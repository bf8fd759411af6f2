import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface GitRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const home = mkdtempSync(join(tmpdir(), 'fabrique-git-home-'));

/** A git client environment that ignores the machine's configuration and never prompts. */
export const clientEnv: NodeJS.ProcessEnv = {
  ...process.env,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: '',
  SSH_ASKPASS: '',
  LC_ALL: 'C',
  GIT_AUTHOR_NAME: 'Ada Tester',
  GIT_AUTHOR_EMAIL: 'ada@example.org',
  GIT_COMMITTER_NAME: 'Ada Tester',
  GIT_COMMITTER_EMAIL: 'ada@example.org',
};

/** Runs the real git CLI; never throws on a non-zero exit (tests look at code and stderr). */
export function runGit(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'credential.helper=', ...args], { cwd: options.cwd, env: { ...clientEnv, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

/** Runs git and fails the test with git's stderr when it exits non-zero. */
export async function git(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const result = await runGit(args, options);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} exited with ${result.code}\n${result.stderr}`);
  return result.stdout;
}

export function tempDir(prefix = 'fabrique-git-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A clone URL, with Basic credentials when given. */
export function repoUrl(base: string, owner: string, name: string, auth?: { user: string; secret: string }): string {
  const url = new URL(`${base}/${owner}/${name}.git`);
  if (auth) {
    url.username = encodeURIComponent(auth.user);
    url.password = encodeURIComponent(auth.secret);
  }
  return url.toString();
}

/** Writes files (path → content) in a work tree and commits them; returns the new commit id. */
export async function commitFiles(dir: string, files: Record<string, string | Buffer>, message: string): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  await git(['add', '-A'], { cwd: dir });
  await git(['commit', '-q', '-m', message], { cwd: dir });
  return (await git(['rev-parse', 'HEAD'], { cwd: dir })).trim();
}

/** A fresh local repository on branch `branch` with `count` commits, each touching a couple of files. */
export async function makeWorkTree(count = 3, branch = 'main'): Promise<string> {
  // setup
  const dir = tempDir('fabrique-work-');
  await git(['init', '-q', `--initial-branch=${branch}`, dir]);
  for (let i = 1; i <= count; i++) {
    await commitFiles(dir, { 'README.md': `# Project\n\nrevision ${i}\n`, [`src/file${i}.txt`]: `content ${i}\n`.repeat(20) }, `commit ${i}`);
  }
  return dir;
}

/** Whether an object exists in a bare repository. */
export async function hasObject(repoDir: string, id: string): Promise<boolean> {
  return (await runGit(['cat-file', '-e', id], { cwd: repoDir })).code === 0;
}
