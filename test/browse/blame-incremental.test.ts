import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Blame } from '../../contract/browse.js';
import { touchRepo } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { hasStoredBlame } from '../../server/git/blame-store.js';
import { repoPath } from '../../server/git/store.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { clientEnv, git, gitSync, repoUrl, tempDir } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let owner: UserRow;
let token: string;

// setup
beforeAll(async () => {
  server = await startServer();
  owner = await buildUser(server.app.forge.db);
  token = await buildToken(server.app.forge.db, owner);
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => mendGitBlame());

/** What git says of one line: the commit, and the line and path it came from there. */
interface LineOrigin {
  sha: string;
  origLine: number;
  origPath: string;
}

/** `git blame --line-porcelain` read line by line, with the fields of each commit it names. */
function gitBlame(gitdir: string, commit: string, path: string) {
  // Not gitSync: it trims, and the last line of a file may be blank (a lone tab in the porcelain).
  const out = execFileSync('git', ['blame', '--line-porcelain', commit, '--', path], { cwd: gitdir, env: clientEnv, encoding: 'utf8' });
  const lines: LineOrigin[] = [];
  const commits = new Map<string, { author: string; mail: string; time: number; summary: string }>();
  let current: Record<string, string> = {};
  let header: string[] = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('\t')) {
      const [sha, orig] = header;
      lines.push({ sha, origLine: Number(orig), origPath: current.filename });
      commits.set(sha, { author: current.author, mail: current['author-mail'].replace(/^<|>$/g, ''), time: Number(current['author-time']), summary: current.summary });
      current = {};
      header = [];
    } else if (header.length === 0 && /^[0-9a-f]{40} /.test(line)) header = line.split(' ');
    else if (line) {
      const space = line.indexOf(' ');
      current[space < 0 ? line : line.slice(0, space)] = space < 0 ? '' : line.slice(space + 1);
    }
  }
  return { lines, commits };
}

/** The same per-line view of what the forge answers. */
function servedLines(blame: Blame): LineOrigin[] {
  const lines: LineOrigin[] = [];
  for (const r of blame.ranges) for (let i = 0; i < r.count; i++) lines[r.start - 1 + i] = { sha: r.sha, origLine: r.orig_start + i, origPath: r.orig_path };
  return lines;
}

async function servedBlame(repo: string, commit: string, path: string): Promise<Blame> {
  const res = await fetch(`${server.url}/api/v1/repos/${owner.username}/${repo}/blame/${commit}/${path}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Blame;
}

/** Asserts the forge's blame of `path` at `commit` is git's, line by line and commit by commit. */
async function expectSameAsGit(repo: string, gitdir: string, commit: string, path: string): Promise<void> {
  const served = await servedBlame(repo, commit, path);
  const reference = gitBlame(gitdir, commit, path);
  expect(servedLines(served), `${commit}:${path}`).toEqual(reference.lines);
  expect(new Set(served.commits.map((c) => c.sha))).toEqual(new Set(reference.commits.keys()));
  for (const c of served.commits) {
    const ref = reference.commits.get(c.sha)!;
    expect({ author: c.author_name, mail: c.author_email, time: Date.parse(c.date) / 1000, summary: c.summary }).toEqual(ref);
  }
}

/** One commit of a generated history: the file's lines after it, or a rename of the file. */
type Version = { lines: string[]; message: string; path: string };

/** Writes the versions as consecutive commits on `main` with `git fast-import`; returns their ids. */
function importVersions(gitdir: string, versions: Version[]): string[] {
  const out: string[] = [];
  versions.forEach((v, i) => {
    const content = v.lines.map((l) => `${l}\n`).join('');
    const when = 1_700_000_000 + i * 60;
    const author = `${i % 2 ? 'Grace Hopper <grace@example.org>' : 'Ada Lovelace <ada@example.org>'} ${when} +0100`;
    const previous = versions[i - 1]?.path;
    out.push('commit refs/heads/main', `mark :${i + 1}`, `author ${author}`, `committer ${author}`, `data ${Buffer.byteLength(v.message)}`, v.message);
    if (previous && previous !== v.path) out.push(`D ${previous}`);
    out.push(`M 100644 inline ${v.path}`, `data ${Buffer.byteLength(content)}`, content);
  });
  // Nothing talks to the server meanwhile: a synchronous run blocks no request.
  gitSync(gitdir, ['fast-import', '--quiet'], { input: `${out.join('\n')}\n` });
  return gitSync(gitdir, ['rev-list', '--reverse', 'main']).trim().split('\n');
}

/**
 * Makes every `git blame` the server runs fail (a missing ignore-revisions file, through git's
 * environment configuration), so that what it then serves cannot come from git blame. The
 * reference runs with the environment the test helpers copied at start, without it.
 */
function breakGitBlame(): void {
  Object.assign(process.env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'blame.ignoreRevsFile', GIT_CONFIG_VALUE_0: 'no-such-file' });
}
function mendGitBlame(): void {
  for (const key of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[key];
}

/** Lines that make diffs ambiguous (blank lines, braces, repeats), where an approximate diff would differ from git's. */
const LINE = fc.constantFrom('', '}', '{', 'return x;', 'a', 'b', '  if (x) {', '  }', 'const y = 1;');
const EDIT = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), lines: fc.array(LINE, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), line: LINE }),
);

describe('blame carried forward from a stored ancestor blame', () => {
  it('equals git blame on generated histories of insertions, deletions and edits', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(LINE, { minLength: 1, maxLength: 12 }), fc.array(fc.array(EDIT, { minLength: 1, maxLength: 3 }), { minLength: 4, maxLength: 8 }), async (first, commits) => {
        // setup (a failed run, shrunk, leaves git blame broken)
        mendGitBlame();
        const { db } = server.app.forge;
        const repo = await buildRepo(db, server.config.reposDir, owner, { name: `gen-${run++}` });
        const gitdir = repoPath(server.config.reposDir, owner.username, repo.name);
        let lines = first;
        const versions: Version[] = [{ lines, message: 'First\nversion, a multi-line subject\n\nand a body', path: 'f.ts' }];
        commits.forEach((edits, c) => {
          lines = [...lines];
          for (const e of edits) {
            if (e.kind === 'insert') lines.splice(e.at % (lines.length + 1), 0, ...e.lines);
            else if (lines.length > 0 && e.kind === 'delete') lines.splice(e.at % lines.length, e.count);
            else if (lines.length > 0 && e.kind === 'edit') lines[e.at % lines.length] = e.line;
          }
          versions.push({ lines, message: `Change ${c + 1}`, path: 'f.ts' });
        });
        const ids = importVersions(gitdir, versions);
        await touchRepo(db, repo.id, { isEmpty: false });
        // test: git blames the first commit; every later one is carried forward, git being broken.
        await expectSameAsGit(repo.name, gitdir, ids[0], 'f.ts');
        breakGitBlame();
        for (const id of ids.slice(1, -2)) await expectSameAsGit(repo.name, gitdir, id, 'f.ts');
        // Several commits at once: from the stored blame three commits back.
        await expectSameAsGit(repo.name, gitdir, ids[ids.length - 1], 'f.ts');
        mendGitBlame();
      }),
      { numRuns: 5 },
    );
  }, 240_000);

  it('falls back to git across a rename and a merge, and carries forward after them', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner, { name: 'rename-merge' });
    const gitdir = repoPath(server.config.reposDir, owner.username, repo.name);
    const work = tempDir();
    const write = (path: string, lines: string[]) => writeFileSync(join(work, path), lines.map((l) => `${l}\n`).join(''));
    const commit = (message: string) => git(['commit', '-q', '-am', message], { cwd: work });
    await git(['init', '-q', '-b', 'main', work]);
    write('a.txt', ['one', 'two', 'three', 'four', 'five', 'six']);
    await git(['add', '-A'], { cwd: work });
    await commit('Start');
    write('a.txt', ['one', 'TWO', 'three', 'four', 'five', 'six']);
    await commit('Shout two');
    await git(['mv', 'a.txt', 'b.txt'], { cwd: work });
    write('b.txt', ['one', 'TWO', 'three', 'four', 'five', 'six', 'seven']);
    await commit('Rename, add seven');
    // A side branch from the rename, changing line four, merged back.
    await git(['checkout', '-q', '-b', 'side'], { cwd: work });
    write('b.txt', ['one', 'TWO', 'three', 'FOUR', 'five', 'six', 'seven']);
    await commit('Side: four');
    await git(['checkout', '-q', 'main'], { cwd: work });
    write('b.txt', ['zero', 'one', 'TWO', 'three', 'four', 'five', 'six', 'seven']);
    await commit('Add zero');
    await git(['merge', '-q', '--no-edit', 'side'], { cwd: work });
    write('b.txt', ['zero', 'one', 'TWO', 'three', 'FOUR', 'five', 'six', 'seven', 'eight']);
    await commit('Add eight');
    await git(['push', '-q', gitdir, 'main'], { cwd: work });
    await touchRepo(db, repo.id, { isEmpty: false });
    const all = gitSync(gitdir, ['rev-list', '--reverse', '--first-parent', 'main']).trim().split('\n');
    // test
    await expectSameAsGit(repo.name, gitdir, all[0], 'a.txt');
    await expectSameAsGit(repo.name, gitdir, all[1], 'a.txt');
    for (const id of all.slice(2)) await expectSameAsGit(repo.name, gitdir, id, 'b.txt');
  });

  it('serves a stored blame after the memory caches are dropped, without running git blame', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner, { name: 'stored' });
    const gitdir = repoPath(server.config.reposDir, owner.username, repo.name);
    const [id] = importVersions(gitdir, [{ lines: ['a', 'b'], message: 'Only', path: 'f.txt' }]);
    await touchRepo(db, repo.id, { isEmpty: false });
    const first = await servedBlame(repo.name, id, 'f.txt');
    // test: what a push or a restart does to the memory caches
    await server.app.events.publish('repo-cache-drop', { repoPath: gitdir });
    breakGitBlame();
    expect(await servedBlame(repo.name, id, 'f.txt')).toEqual(first);
    mendGitBlame();
  });

  it('carries the blames viewed at the old tip to the new tip after a push over HTTP', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner, { name: 'warm' });
    const gitdir = repoPath(server.config.reposDir, owner.username, repo.name);
    const work = tempDir();
    await git(['init', '-q', '-b', 'main', work]);
    writeFileSync(join(work, 'viewed.txt'), 'a\nb\nc\n');
    writeFileSync(join(work, 'unviewed.txt'), 'x\n');
    await git(['add', '-A'], { cwd: work });
    await git(['commit', '-q', '-m', 'Start'], { cwd: work });
    const url = repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token });
    await git(['push', '-q', url, 'main'], { cwd: work });
    const oldTip = gitSync(gitdir, ['rev-parse', 'main']).trim();
    await servedBlame(repo.name, oldTip, 'viewed.txt');
    writeFileSync(join(work, 'viewed.txt'), 'a\nB\nc\nd\n');
    writeFileSync(join(work, 'unviewed.txt'), 'y\n');
    await git(['commit', '-q', '-am', 'Change both'], { cwd: work });
    // test
    await git(['push', '-q', url, 'main'], { cwd: work });
    const newTip = gitSync(gitdir, ['rev-parse', 'main']).trim();
    await vi.waitFor(async () => expect(await hasStoredBlame(gitdir, newTip, 'viewed.txt')).toBe(true), { timeout: 20_000, interval: 50 });
    expect(await hasStoredBlame(gitdir, newTip, 'unviewed.txt')).toBe(false);
    breakGitBlame();
    await server.app.events.publish('repo-cache-drop', { repoPath: gitdir });
    await expectSameAsGit(repo.name, gitdir, newTip, 'viewed.txt');
    mendGitBlame();
  });
});
