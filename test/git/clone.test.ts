import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import http from 'isomorphic-git/http/node';
import * as isogit from 'isomorphic-git';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { repoPath } from '../../server/git/store.js';
import { pktLine } from '../../server/git/smart-http.js';
import { runMaintenanceNow } from '../../server/services/maintenance.js';
import type { RepoRow } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { commitFiles, git, makeWorkTree, repoUrl, runGit, tempDir } from '../helpers/git.js';

let server: TestServer;
let owner: UserRow;
let token: string;
let repo: RepoRow;
let work: string;
let url: string;
let pushUrl: string;

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  token = await buildToken(db, owner);
  repo = await buildRepo(db, server.config.reposDir, owner);
  url = repoUrl(server.url, owner.username, repo.name);
  pushUrl = repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token });
  work = await makeWorkTree(6);
  await git(['tag', 'v0.1', 'HEAD~3'], { cwd: work });
  await git(['push', pushUrl, 'main', 'main:develop', 'v0.1'], { cwd: work });
});
afterAll(() => server.close());

const processes = async () => (await promisify(execFile)('ps', ['-eo', 'args'])).stdout.split('\n');

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const log = (dir: string) => git(['log', '--format=%H'], { cwd: dir }).then((out) => out.trim().split('\n'));

describe('clone and fetch', () => {
  it('clones with protocol v0 and v2, with the symbolic HEAD and tags', async () => {
    for (const version of ['0', '2']) {
      const dir = `${tempDir()}/clone`;
      const result = await runGit(['-c', `protocol.version=${version}`, 'clone', url, dir], { env: { GIT_TRACE_PACKET: '0' } });
      expect(result.code).toBe(0);
      expect((await git(['symbolic-ref', 'HEAD'], { cwd: dir })).trim()).toBe('refs/heads/main');
      expect(await log(dir)).toHaveLength(6);
      expect((await git(['tag'], { cwd: dir })).trim()).toBe('v0.1');
    }
  });

  it('speaks v2 when asked: the advertisement has no service line and lists capabilities', async () => {
    const v2 = await fetch(`${server.url}/${owner.username}/${repo.name}/info/refs?service=git-upload-pack`, { headers: { 'git-protocol': 'version=2' } });
    expect(v2.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    expect(v2.headers.get('cache-control')).toBe('no-cache, max-age=0, must-revalidate');
    const text = await v2.text();
    expect(text.startsWith('000eversion 2\n')).toBe(true);
    const v0 = await (await fetch(`${server.url}/${owner.username}/${repo.name}/info/refs?service=git-upload-pack`)).text();
    expect(v0.startsWith('001e# service=git-upload-pack\n0000')).toBe(true);
    expect(v0).toContain('symref=HEAD:refs/heads/main');
  });

  it('reads a gzip-encoded request body as a stream', async () => {
    const request = Buffer.concat([pktLine('command=ls-refs\n'), Buffer.from('0001'), pktLine('symrefs\n'), Buffer.from('0000')]);
    const response = await fetch(`${server.url}/${owner.username}/${repo.name}.git/git-upload-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip', 'git-protocol': 'version=2' },
      body: gzipSync(request),
    });
    expect(response.headers.get('content-type')).toBe('application/x-git-upload-pack-result');
    expect(await response.text()).toContain('HEAD symref-target:refs/heads/main');
  });

  it('lists refs with ls-remote, including HEAD', async () => {
    const out = await git(['ls-remote', '--symref', url]);
    expect(out).toContain('ref: refs/heads/main\tHEAD');
    expect(out).toMatch(/refs\/heads\/develop\n/);
    expect(out).toMatch(/refs\/tags\/v0\.1\n/);
  });

  it('makes shallow clones, deepens them, and cuts by date', async () => {
    const dir = `${tempDir()}/shallow`;
    await git(['clone', '-q', '--depth=1', url, dir]);
    expect(await log(dir)).toHaveLength(1);
    await git(['fetch', '-q', '--deepen=2'], { cwd: dir });
    expect(await log(dir)).toHaveLength(3);
    const since = `${tempDir()}/since`;
    const result = await runGit(['clone', '-q', '--shallow-since=2000-01-01', url, since]);
    expect(result.code).toBe(0);
    expect(await log(since)).toHaveLength(6);
    expect(existsSync(join(dir, '.git', 'shallow'))).toBe(true);
  });

  it('makes partial clones without blobs', async () => {
    const dir = `${tempDir()}/partial`;
    await git(['clone', '-q', '--filter=blob:none', '--no-checkout', url, dir]);
    const missing = await git(['rev-list', '--objects', '--missing=print', 'HEAD'], { cwd: dir });
    expect(missing).toMatch(/^\?[0-9a-f]{40}$/m);
    await git(['checkout', '-q', 'main'], { cwd: dir });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('revision 6');
  });

  it('fetches incrementally', async () => {
    const dir = `${tempDir()}/incremental`;
    await git(['clone', '-q', url, dir]);
    const added = await commitFiles(work, { 'later.txt': 'later\n' }, 'later');
    await git(['push', pushUrl, 'main'], { cwd: work });
    for (const version of ['0', '2']) {
      const result = await runGit(['-c', `protocol.version=${version}`, 'fetch', 'origin'], { cwd: dir });
      expect(result.code).toBe(0);
    }
    expect((await git(['rev-parse', 'origin/main'], { cwd: dir })).trim()).toBe(added);
  });

  it('serves a repository after maintenance, with a bitmap and a commit-graph', async () => {
    const bare = repoPath(server.config.reposDir, owner.username, repo.name);
    await runMaintenanceNow(server.app, bare);
    const packs = readdirSync(join(bare, 'objects', 'pack'));
    expect(packs.some((f) => f.endsWith('.bitmap'))).toBe(true);
    expect(existsSync(join(bare, 'objects', 'info', 'commit-graph'))).toBe(true);
    const dir = `${tempDir()}/after`;
    await git(['clone', '-q', url, dir]);
    expect(await log(dir)).toHaveLength(7);
  });

  it('kills the git process of a client that goes away', async () => {
    const bare = repoPath(server.config.reposDir, owner.username, repo.name);
    const running = async () => (await processes()).filter((line) => line.includes('upload-pack') && line.includes(bare)).length;
    // A protocol v0 fetch (it has a `have`): git starts at once (a v2 request, or a v0 clone the pack cache may answer, is read whole first).
    const request = httpRequest(`${server.url}/${owner.username}/${repo.name}.git/git-upload-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request' },
    });
    request.on('error', () => undefined);
    const main = (await git(['rev-parse', 'main'], { cwd: bare })).trim();
    request.write(Buffer.concat([pktLine(`want ${main}\n`), Buffer.from('0000'), pktLine(`have ${main}\n`)]));
    await waitFor(async () => (await running()) === 1);
    request.destroy();
    await waitFor(async () => (await running()) === 0);
  });

  it("clones with isomorphic-git's own HTTP client", async () => {
    const dir = tempDir();
    await isogit.clone({ fs, http, dir, url });
    const commits = await isogit.log({ fs, dir, ref: 'main' });
    expect(commits.length).toBe(7);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('revision 6');
  });
});
