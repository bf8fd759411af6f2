import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Blame } from '../../contract/browse.js';
import { hasStoredBlame } from '../../server/git/blame-store.js';
import { repoPath } from '../../server/git/store.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { clientEnv, git, gitSync, repoUrl, tempDir } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;

// setup
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

/** `git blame --porcelain` as one `<commit> <original line>` per line of the file. */
function gitBlameLines(gitdir: string, commit: string, path: string): string[] {
  const out = execFileSync('git', ['blame', '--porcelain', commit, '--', path], { cwd: gitdir, env: clientEnv, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => /^[0-9a-f]{40} \d+ \d+/.test(line))
    .map((line) => line.split(' ').slice(0, 2).join(' '));
}

/** The forge's blame in the same shape. */
function servedLines(blame: Blame): string[] {
  const lines: string[] = [];
  for (const r of blame.ranges) for (let i = 0; i < r.count; i++) lines[r.start - 1 + i] = `${r.sha} ${r.orig_start + i}`;
  return lines;
}

/** A fast-import stream of `count` commits on main, each rewriting one line of a 40-line file. */
function longHistory(path: string, count: number): string {
  const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
  const out: string[] = [];
  for (let c = 0; c < count; c++) {
    lines[(c * 7) % lines.length] = `line ${(c * 7) % lines.length}, version ${c}`;
    const content = `${lines.join('\n')}\n`;
    const author = `Ada Lovelace <ada@example.org> ${1_700_000_000 + c * 60} +0100`;
    const message = `Change ${String(c).padStart(3, '0')}`;
    out.push('commit refs/heads/main', `author ${author}`, `committer ${author}`, `data ${message.length}`, message, `M 100644 inline ${path}`, `data ${Buffer.byteLength(content)}`, content);
  }
  return `${out.join('\n')}\n`;
}

/**
 * A repository on the server and a working copy holding `commits` commits of a long file at `path`
 * and one commit adding a short file, not pushed yet: its gitdir, working folder and push URL.
 */
async function repoWithLongHistory(name: string, path: string, commits: number): Promise<{ gitdir: string; work: string; url: string; owner: string; repo: string }> {
  const { db } = server.app.forge;
  const owner = await buildUser(db);
  const token = await buildToken(db, owner);
  const repo = await buildRepo(db, server.config.reposDir, owner, { name });
  const work = tempDir();
  await git(['init', '-q', '-b', 'main', work]);
  gitSync(work, ['fast-import', '--quiet'], { input: longHistory(path, commits) });
  await git(['reset', '-q', '--hard', 'main'], { cwd: work });
  writeFileSync(join(work, 'short.txt'), 'a\nb\n');
  await git(['add', 'short.txt'], { cwd: work });
  await git(['commit', '-q', '-m', 'Short file'], { cwd: work });
  return {
    gitdir: repoPath(server.config.reposDir, owner.username, repo.name),
    work,
    url: repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }),
    owner: owner.username,
    repo: repo.name,
  };
}

describe('blame warmed by a push', () => {
  it('stores the blame of a changed file with a long history nobody asked for, and not of a short one', async () => {
    // setup: a file changed by 100 commits and one changed once, pushed over HTTP
    const { gitdir, work, url, owner, repo } = await repoWithLongHistory('long', 'long.txt', 100);
    await git(['push', '-q', url, 'main'], { cwd: work });
    writeFileSync(join(work, 'long.txt'), `changed on top\n${gitSync(work, ['show', 'main:long.txt'])}\n`);
    writeFileSync(join(work, 'short.txt'), 'a\nB\n');
    await git(['commit', '-q', '-am', 'Change both'], { cwd: work });
    // test: the push answers, then the background job blames the long history only
    await git(['push', '-q', url, 'main'], { cwd: work });
    const tip = gitSync(gitdir, ['rev-parse', 'main']).trim();
    await vi.waitFor(async () => expect(await hasStoredBlame(gitdir, tip, 'long.txt')).toBe(true), { timeout: 30_000, interval: 50 });
    expect(await hasStoredBlame(gitdir, tip, 'short.txt')).toBe(false);
    // What is served is the stored blame (git blame made to fail), and it is git's.
    await server.app.events.publish('repo-cache-drop', { repoPath: gitdir });
    Object.assign(process.env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'blame.ignoreRevsFile', GIT_CONFIG_VALUE_0: 'no-such-file' });
    try {
      const res = await fetch(`${server.url}/api/v1/repos/${owner}/${repo}/blame/main/long.txt`);
      expect(res.status, await res.clone().text()).toBe(200);
      const served = (await res.json()) as Blame;
      expect(servedLines(served)).toEqual(gitBlameLines(gitdir, tip, 'long.txt'));
      expect(served.commits.length).toBeGreaterThan(1);
    } finally {
      for (const key of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0']) delete process.env[key];
    }
  }, 120_000);

  it("stores the blame of the longest histories when a repository's default branch arrives whole (a first push)", async () => {
    // setup: a new repository, its whole history in one push
    const { gitdir, work, url, owner, repo } = await repoWithLongHistory('arrives-whole', 'docs/long.txt', 120);
    // test
    await git(['push', '-q', url, 'main'], { cwd: work });
    const tip = gitSync(gitdir, ['rev-parse', 'main']).trim();
    await vi.waitFor(async () => expect(await hasStoredBlame(gitdir, tip, 'docs/long.txt')).toBe(true), { timeout: 30_000, interval: 50 });
    expect(await hasStoredBlame(gitdir, tip, 'short.txt')).toBe(false);
    const res = await fetch(`${server.url}/api/v1/repos/${owner}/${repo}/blame/main/docs/long.txt`);
    expect(servedLines((await res.json()) as Blame)).toEqual(gitBlameLines(gitdir, tip, 'docs/long.txt'));
  }, 120_000);
});
