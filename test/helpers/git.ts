import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/** A fresh temporary directory. */
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

/** Whether an object exists in a repository. */
export function hasObject(repoDir: string, id: string): boolean {
  try {
    gitSync(repoDir, ['cat-file', '-e', id]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs git synchronously in a directory (a bare repository, usually) and returns its trimmed output;
 * throws on a non-zero exit. Only for local inspection: a synchronous call would block the server
 * that runs in this process, so anything that talks to it goes through `git`.
 */
export function gitSync(cwd: string, args: string[], options: { input?: string | Buffer } = {}): string {
  return execFileSync('git', args, { cwd, env: clientEnv, input: options.input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

/** The commit a ref points to in a repository, or '' when absent. */
export function refOf(gitdir: string, ref: string): string {
  try {
    return gitSync(gitdir, ['rev-parse', '--verify', '--quiet', ref]);
  } catch {
    return '';
  }
}

/**
 * Every object id of a repository, loose or packed, sorted: to show that a refused write stored
 * nothing, whatever a background repack moved between the two looks.
 */
export function allObjects(gitdir: string): string {
  return gitSync(gitdir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)', '--unordered']).split('\n').sort().join('\n');
}

/** Every ref of a repository, to show nothing moved. */
export function allRefs(gitdir: string): string {
  return gitSync(gitdir, ['for-each-ref', '--format=%(objectname) %(refname)']);
}

/** One commit of a fixture history: files to write (null deletes), renames, then the commit. */
export interface FixtureCommit {
  message: string;
  /** Branch to commit on; created from the current branch when new. */
  branch?: string;
  files?: Record<string, string | Buffer | null>;
  /** old path -> new path, done with `git mv` before the files are written. */
  renames?: Record<string, string>;
  /** A tag on this commit: annotated when a message is given. */
  tag?: { name: string; message?: string };
}

/** 2024-01-15T10:00:00+01:00: fixture commits are one hour apart from there. */
const BASE_TIME = 1_705_309_200;

/** The environment fixture histories are written with: no machine configuration, fixed authors. */
const fixtureEnv = (time: number): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Ada Lovelace',
  GIT_AUTHOR_EMAIL: 'ada@example.org',
  GIT_COMMITTER_NAME: 'Ada Lovelace',
  GIT_COMMITTER_EMAIL: 'ada@example.org',
  GIT_AUTHOR_DATE: `${time} +0100`,
  GIT_COMMITTER_DATE: `${time} +0100`,
});

/**
 * Histories already written in this worker, as bare template repositories, by a hash of what
 * was asked: the same history is pushed from its template with one git process instead of
 * being committed again (several per commit). Ids are the same either way, dates being fixed.
 */
const templates = new Map<string, { path: string; ids: string[] }>();
let templatesRoot: string | null = null;

function historyKey(commits: FixtureCommit[], defaultBranch: string): string {
  const hash = createHash('sha256').update(defaultBranch);
  for (const commit of commits) {
    hash.update(JSON.stringify([commit.message, commit.branch ?? null, commit.renames ?? null, commit.tag ?? null]));
    for (const [path, content] of Object.entries(commit.files ?? {})) {
      hash.update(`\0${path}\0${content === null ? 'delete' : Buffer.byteLength(content)}\0`);
      if (content !== null) hash.update(content);
    }
  }
  return hash.digest('hex');
}

/**
 * Writes a history into a bare repository with the git CLI: commits in a temporary working clone
 * with fixed authors and dates (so object ids are stable), then `git push` to the bare path
 * (branches and tags). Returns the commit ids in order. A history already written in this worker
 * is pushed from its template (see `templates`).
 */
export function pushHistory(barePath: string, commits: FixtureCommit[], options: { defaultBranch?: string } = {}): string[] {
  const defaultBranch = options.defaultBranch ?? 'main';
  const key = historyKey(commits, defaultBranch);
  let template = templates.get(key);
  if (!template) {
    if (templatesRoot === null) {
      const root = mkdtempSync(join(tmpdir(), 'fabrique-histories-'));
      process.once('exit', () => rmSync(root, { recursive: true, force: true }));
      templatesRoot = root;
    }
    const path = join(templatesRoot, `${templates.size}.git`);
    execFileSync('git', ['init', '--quiet', '--bare', path], { env: fixtureEnv(BASE_TIME) });
    template = { path, ids: writeHistory(path, commits, defaultBranch) };
    templates.set(key, template);
  }
  execFileSync('git', ['push', '--quiet', barePath, 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'], { cwd: template.path, env: fixtureEnv(BASE_TIME) });
  return [...template.ids];
}

/** Commits `commits` in a temporary working clone and pushes its branches and tags to `barePath`. */
function writeHistory(barePath: string, commits: FixtureCommit[], defaultBranch: string): string[] {
  const work = mkdtempSync(join(tmpdir(), 'fabrique-fixture-'));
  let time = BASE_TIME;
  const run = (args: string[], extra: Record<string, string> = {}) =>
    execFileSync('git', args, {
      cwd: work,
      encoding: 'utf8',
      env: { ...fixtureEnv(time), ...extra },
    }).trim();
  try {
    run(['init', '--quiet', `--initial-branch=${defaultBranch}`]);
    const ids: string[] = [];
    let current = defaultBranch;
    for (const commit of commits) {
      time += 3600;
      if (commit.branch && commit.branch !== current) {
        const exists = run(['branch', '--list', commit.branch]) !== '';
        run(exists ? ['checkout', '--quiet', commit.branch] : ['checkout', '--quiet', '-b', commit.branch]);
        current = commit.branch;
      }
      for (const [from, to] of Object.entries(commit.renames ?? {})) {
        mkdirSync(dirname(join(work, to)), { recursive: true });
        run(['mv', from, to]);
      }
      for (const [path, content] of Object.entries(commit.files ?? {})) {
        if (content === null) run(['rm', '--quiet', path]);
        else {
          mkdirSync(dirname(join(work, path)), { recursive: true });
          writeFileSync(join(work, path), content);
        }
      }
      run(['add', '--all']);
      run(['commit', '--quiet', '--allow-empty', '-m', commit.message]);
      ids.push(run(['rev-parse', 'HEAD']));
      if (commit.tag) {
        run(commit.tag.message ? ['tag', '-a', commit.tag.name, '-m', commit.tag.message] : ['tag', commit.tag.name]);
      }
    }
    run(['push', '--quiet', barePath, '--all']);
    run(['push', '--quiet', barePath, '--tags']);
    return ids;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
