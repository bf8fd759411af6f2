import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, writeSync, closeSync, mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pktLine } from '../../server/git/smart-http.js';
import { PackCache } from '../../server/git/pack-cache.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import type { RepoRow } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { commitFiles, git, makeWorkTree, repoUrl, runGit, tempDir } from '../helpers/git.js';

let server: TestServer;
let owner: UserRow;
let token: string;
let repo: RepoRow;
let work: string;

const cache = () => {
  const packCache = server.app.packCache;
  if (!packCache) throw new Error('the pack cache is off');
  return packCache;
};

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  token = await buildToken(db, owner);
  repo = await buildRepo(db, server.config.reposDir, owner);
  work = await makeWorkTree(12);
  // An incompressible file makes the pack large enough that git is still writing while clients read.
  await commitFiles(work, { 'data/blob.bin': randomBytes(3 * 1024 * 1024) }, 'a large file');
  await git(['tag', 'v1', 'HEAD~2'], { cwd: work });
  await git(['push', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main', 'v1'], { cwd: work });
}, 180_000);
afterAll(() => server.close());

/** Clones (protocol v2 unless told), checks the clone with `git fsck` and returns its main and tags. */
async function cloneAndCheck(url: string, version = '2'): Promise<{ main: string; tags: string }> {
  const dir = join(tempDir(), 'clone');
  const result = await runGit(['-c', `protocol.version=${version}`, 'clone', '--bare', '-q', url, dir]);
  expect(result.code, result.stderr).toBe(0);
  await git(['--git-dir', dir, 'fsck', '--full', '--strict']);
  const main = (await git(['--git-dir', dir, 'rev-parse', 'refs/heads/main'])).trim();
  const tags = (await git(['--git-dir', dir, 'tag'])).trim();
  return { main, tags };
}

/** A protocol v2 clone request for one commit, as git sends it. */
function v2Fetch(want: string): Buffer {
  return Buffer.concat([
    pktLine('command=fetch\n'),
    pktLine('agent=git/test\n'),
    pktLine('object-format=sha1\n'),
    Buffer.from('0001'),
    pktLine('thin-pack\n'),
    pktLine('ofs-delta\n'),
    pktLine(`want ${want}\n`),
    pktLine('done\n'),
    Buffer.from('0000'),
  ]);
}

function postFetch(path: string, body: Buffer, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-git-upload-pack-request', 'git-protocol': 'version=2' };
  if (authorization) headers.authorization = authorization;
  return fetch(`${server.url}${path}`, { method: 'POST', headers, body: new Uint8Array(body) });
}

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

describe('the pack cache over HTTP', () => {
  it('serves 20 concurrent clones from one git run, each clone whole (git fsck)', async () => {
    const url = repoUrl(server.url, owner.username, repo.name);
    const before = cache().stats();
    const clones = await Promise.all(Array.from({ length: 20 }, () => cloneAndCheck(url)));
    const head = (await git(['rev-parse', 'main'], { cwd: work })).trim();
    for (const clone of clones) expect(clone).toEqual({ main: head, tags: 'v1' });
    const after = cache().stats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.joins + after.hits - before.joins - before.hits).toBe(19);
  }, 240_000);

  it('serves protocol v0 clones the same way, under their own key', async () => {
    const url = repoUrl(server.url, owner.username, repo.name);
    const before = cache().stats();
    const clones = await Promise.all(Array.from({ length: 5 }, () => cloneAndCheck(url, '0')));
    expect(new Set(clones.map((c) => c.main)).size).toBe(1);
    const after = cache().stats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.joins + after.hits - before.joins - before.hits).toBe(4);
  }, 120_000);

  it('gives a clone after a push the pushed commit: the refs are part of the key', async () => {
    const url = repoUrl(server.url, owner.username, repo.name);
    const first = await cloneAndCheck(url);
    const pushed = await commitFiles(work, { 'NEWS.md': 'a pushed change\n' }, 'after the first clone');
    await git(['push', '-q', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });
    const second = await cloneAndCheck(url);
    expect(first.main).not.toBe(pushed);
    expect(second.main).toBe(pushed);
  });

  it('checks access before the cache: an identical request for a private repository is refused to those who may not read it', async () => {
    const { db } = server.app.forge;
    const hidden = await buildRepo(db, server.config.reposDir, owner, { isPrivate: true });
    const secretWork = await makeWorkTree(3);
    await git(['push', '-q', repoUrl(server.url, owner.username, hidden.name, { user: owner.username, secret: token }), 'main'], { cwd: secretWork });
    const head = (await git(['rev-parse', 'main'], { cwd: secretWork })).trim();
    const path = `/${owner.username}/${hidden.name}.git/git-upload-pack`;
    const body = v2Fetch(head);
    const ownerAuth = basic(owner.username, token);

    const miss = await postFetch(path, body, ownerAuth);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-fabrique-pack-cache')).toBe('miss');
    const pack = Buffer.from(await miss.arrayBuffer());
    expect(pack.includes(Buffer.from('PACK'))).toBe(true);
    const hit = await postFetch(path, body, ownerAuth);
    expect(hit.headers.get('x-fabrique-pack-cache')).toBe('hit');
    expect(Buffer.from(await hit.arrayBuffer()).equals(pack)).toBe(true);

    const before = cache().stats();
    const anonymous = await postFetch(path, body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-fabrique-pack-cache')).toBeNull();
    expect(Buffer.from(await anonymous.arrayBuffer()).includes(Buffer.from('PACK'))).toBe(false);
    const stranger = await buildUser(db);
    const strangerToken = await buildToken(db, stranger, ['read:repository']);
    const refused = await postFetch(path, body, basic(stranger.username, strangerToken));
    expect(refused.status).toBe(404);
    expect(Buffer.from(await refused.arrayBuffer()).includes(Buffer.from('PACK'))).toBe(false);
    // The same body against a public repository where the commit does not exist is a different key.
    const elsewhere = await postFetch(`/${owner.username}/${repo.name}.git/git-upload-pack`, body);
    expect(Buffer.from(await elsewhere.arrayBuffer()).includes(Buffer.from('PACK'))).toBe(false);
    expect(cache().stats().hits).toBe(before.hits);
  });

  it('keeps serving the others when a client leaves in the middle of its pack', async () => {
    const url = repoUrl(server.url, owner.username, repo.name);
    // A new key: the refs change with this tag.
    await git(['push', '-q', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'HEAD:refs/tags/storm'], { cwd: work });
    const head = (await git(['rev-parse', 'main'], { cwd: work })).trim();
    const left = new Promise<number>((resolveLeft, reject) => {
      const body = v2Fetch(head);
      const req = httpRequest(
        `${server.url}/${owner.username}/${repo.name}.git/git-upload-pack`,
        { method: 'POST', headers: { 'content-type': 'application/x-git-upload-pack-request', 'git-protocol': 'version=2', 'content-length': body.length } },
        (res) => {
          res.once('data', (chunk: Buffer) => {
            req.destroy();
            resolveLeft(chunk.length);
          });
        },
      );
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end(body);
    });
    const clones = Promise.all(Array.from({ length: 5 }, () => cloneAndCheck(url)));
    expect(await left).toBeGreaterThan(0);
    for (const clone of await clones) expect(clone.main).toBe(head);
    // And the next one still gets a whole clone.
    expect((await cloneAndCheck(url)).main).toBe(head);
  }, 120_000);
});

describe('PackCache', () => {
  /** A producer that writes what the test puts into a named pipe, so that the test decides when git "writes". */
  function pipeProducer(dir: string): { start: () => ReturnType<typeof spawn>; write: (text: string) => void; end: () => void; started: () => number } {
    const fifo = join(dir, `fifo-${randomBytes(4).toString('hex')}`);
    execFileSync('mkfifo', [fifo]);
    let fd: number | undefined;
    let count = 0;
    return {
      start: () => {
        count += 1;
        const child = spawn('cat', [fifo], { stdio: ['pipe', 'pipe', 'pipe'] });
        fd = openSync(fifo, 'w');
        return child;
      },
      write: (text) => writeSync(fd!, text),
      end: () => closeSync(fd!),
      started: () => count,
    };
  }

  const next = (stream: Readable): Promise<string> => new Promise((r) => stream.once('data', (b: Buffer) => r(b.toString())));
  const rest = async (stream: Readable): Promise<string> => {
    let text = '';
    for await (const chunk of stream) text += (chunk as Buffer).toString();
    return text;
  };

  it('lets a late reader replay what was written, then follow; one reader leaving stops no one', async () => {
    const dir = tempDir();
    const packs = new PackCache({ dir: join(dir, 'cache'), maxBytes: 1024 ** 2, ttlMs: 60_000 });
    const producer = pipeProducer(dir);
    const start = producer.start as () => never;
    const first = packs.open('k', '/repo', start, Buffer.from(''));
    expect(first.source).toBe('miss');
    producer.write('one;');
    expect(await next(first.stream)).toBe('one;');
    const late = packs.open('k', '/repo', start, Buffer.from(''));
    expect(late.source).toBe('join');
    expect(await next(late.stream)).toBe('one;');
    first.stream.destroy();
    producer.write('two;');
    producer.end();
    expect(await rest(late.stream)).toBe('two;');
    expect(producer.started()).toBe(1);
    const hit = packs.open('k', '/repo', start, Buffer.from(''));
    expect(hit.source).toBe('hit');
    expect(await rest(hit.stream)).toBe('one;two;');
    packs.close();
  });

  it('stops the producer when its last reader leaves, and starts afresh for the next request', async () => {
    const dir = tempDir();
    const packs = new PackCache({ dir: join(dir, 'cache'), maxBytes: 1024 ** 2, ttlMs: 60_000 });
    const producer = pipeProducer(dir);
    const only = packs.open('k', '/repo', producer.start as () => never, Buffer.from(''));
    producer.write('partial;');
    expect(await next(only.stream)).toBe('partial;');
    only.stream.destroy();
    const again = pipeProducer(dir);
    const fresh = packs.open('k', '/repo', again.start as () => never, Buffer.from(''));
    expect(fresh.source).toBe('miss');
    again.write('whole');
    again.end();
    expect(await rest(fresh.stream)).toBe('whole');
    packs.close();
  });

  it("clears at start the folders of this machine's dead processes, and another machine's only after a day untouched", () => {
    // setup: a cache folder shared by replicas, as on a network file system
    const dir = join(tempDir(), 'cache');
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_');
    const sleeper = spawn('sleep', ['30']);
    const folders = {
      deadHere: `${host}+${2 ** 22 + 1}+aaaa`,
      liveHere: `${host}+${sleeper.pid}+bbbb`,
      earlierLife: `${host}+${process.pid}+cccc`,
      otherMachine: 'replica-b.internal+1+dddd',
      otherMachineGone: 'replica-c.internal+1+eeee',
      olderRelease: '1234-ffff',
    };
    for (const name of Object.values(folders)) mkdirSync(join(dir, name), { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000);
    utimesSync(join(dir, folders.otherMachineGone), twoDaysAgo, twoDaysAgo);
    try {
      // test
      const packs = new PackCache({ dir, maxBytes: 1024, ttlMs: 60_000 });
      const left = readdirSync(dir);
      expect(left).toEqual(expect.arrayContaining([folders.liveHere, folders.otherMachine]));
      for (const gone of [folders.deadHere, folders.earlierLife, folders.otherMachineGone, folders.olderRelease]) expect(left).not.toContain(gone);
      // and its own folder names its host and pid
      expect(left.filter((name) => name.startsWith(`${host}+${process.pid}+`))).toHaveLength(1);
      packs.close();
    } finally {
      sleeper.kill();
    }
  });

  it('keeps its finished answers within the size bound, dropping the least recently used', async () => {
    const dir = tempDir();
    const packs = new PackCache({ dir: join(dir, 'cache'), maxBytes: 2500, ttlMs: 60_000 });
    const fill = async (key: string) => {
      const producer = pipeProducer(dir);
      const { stream } = packs.open(key, '/repo', producer.start as () => never, Buffer.from(''));
      producer.write('x'.repeat(1000));
      producer.end();
      await rest(stream);
    };
    await fill('a');
    await fill('b');
    expect(packs.open('a', '/repo', () => { throw new Error('a is cached'); }, Buffer.from('')).source).toBe('hit');
    await fill('c');
    expect(packs.stats()).toMatchObject({ entries: 2, bytes: 2000 });
    // b was the least recently used: gone, a and c kept.
    const own = readdirSync(join(dir, 'cache'))[0];
    expect(readdirSync(join(dir, 'cache', own)).filter((f) => f.endsWith('.pack'))).toHaveLength(2);
    expect(packs.open('a', '/repo', () => { throw new Error('a is cached'); }, Buffer.from('')).source).toBe('hit');
    packs.close();
    expect(existsSync(join(dir, 'cache', own))).toBe(false);
  });

  it('is configured by FORGE_PACK_CACHE (on or off), with a size bound and a lifetime', () => {
    const root = tempDir();
    const dirs = { FORGE_DATA_DIR: join(root, 'data'), FORGE_REPOS_DIR: join(root, 'repos') };
    expect(loadConfig(dirs).packCache).toEqual({ maxBytes: 2 * 1024 ** 3, ttlMs: 300_000 });
    expect(loadConfig({ ...dirs, FORGE_PACK_CACHE: 'off' }).packCache).toBeNull();
    expect(loadConfig({ ...dirs, FORGE_PACK_CACHE: 'on', FORGE_PACK_CACHE_MAX_BYTES: '1000', FORGE_PACK_CACHE_TTL: '10' }).packCache).toEqual({ maxBytes: 1000, ttlMs: 10_000 });
    expect(() => loadConfig({ ...dirs, FORGE_PACK_CACHE: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...dirs, FORGE_PACK_CACHE_TTL: 'soon' })).toThrow(/FORGE_PACK_CACHE_TTL/);
  });
});
