import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api } from '../helpers/http.js';
import { commitFiles, git, gitSync, makeWorkTree, repoUrl, runGit } from '../helpers/git.js';
import { repoPath } from '../../server/git/store.js';
import { MirrorService } from '../../server/services/mirrors.js';
import type { UserRow } from '../../server/db/users.js';

// Two Fabrique instances on 127.0.0.1: the Métropole's (source) and another municipality's (target).
let source: TestServer;
let target: TestServer;
let metropole: UserRow;
let metropoleToken: string;
let commune: UserRow;
let communeToken: string;
let work: string;

const ALLOW = { FORGE_IMPORT_ALLOW_PRIVATE: 'true' };

/** `git ls-remote` of a repository, as "id ref" lines sorted, HEAD left out. */
async function lsRemote(url: string): Promise<string[]> {
  const out = await git(['ls-remote', url]);
  return out.split('\n').filter((l) => l && !l.endsWith('\tHEAD')).sort();
}

const rowCount = async (server: TestServer) => await server.app.forge.db.prepare('SELECT count(*) FROM repositories').pluck().get() as number;
/** Directories under repos/ (owners, .tmp, .trash), and what .tmp holds. */
const leftovers = (server: TestServer) => {
  const tmp = join(server.config.reposDir, '.tmp');
  return existsSync(tmp) ? readdirSync(tmp) : [];
};

beforeAll(async () => {
  // setup
  source = await startServer({ env: ALLOW });
  target = await startServer({ env: ALLOW });
  metropole = await buildUser(source.app.forge.db, { username: 'metropole' });
  metropoleToken = await buildToken(source.app.forge.db, metropole, ['all']);
  commune = await buildUser(target.app.forge.db, { username: 'commune' });
  communeToken = await buildToken(target.app.forge.db, commune, ['all']);
  const { db } = source.app.forge;
  await buildRepo(db, source.config.reposDir, metropole, { name: 'carto' });
  await buildRepo(db, source.config.reposDir, metropole, { name: 'secret', isPrivate: true });
  work = await makeWorkTree(3, 'main');
  await git(['branch', 'feature'], { cwd: work });
  await git(['tag', '-a', 'v1.0', '-m', 'first release'], { cwd: work });
  await git(['tag', 'light'], { cwd: work });
  const push = repoUrl(source.url, 'metropole', 'carto', { user: 'metropole', secret: metropoleToken });
  await git(['push', push, 'main', 'feature', '--tags'], { cwd: work });
  await git(['push', repoUrl(source.url, 'metropole', 'secret', { user: 'metropole', secret: metropoleToken }), 'main'], { cwd: work });
}, 60_000);
afterAll(async () => {
  await target?.close();
  await source?.close();
});

const asCommune = () => ({ authorization: `token ${communeToken}` });

describe('POST /repos/migrate', () => {
  it('refuses without credentials (401)', async () => {
    const res = await api(target.url, 'POST', '/repos/migrate', { body: { clone_addr: `${source.url}/metropole/carto.git`, repo_name: 'x' } });
    expect(res.status).toBe(401);
  });

  it('mirrors a repository from another Fabrique with all branches and tags', async () => {
    // test
    const res = await api(target.url, 'POST', '/repos/migrate', {
      auth: asCommune(),
      body: { clone_addr: `${source.url}/metropole/carto.git`, repo_name: 'carto', mirror: true, mirror_interval: '1h0m0s', description: 'Carte' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      full_name: 'commune/carto',
      mirror: true,
      empty: false,
      default_branch: 'main',
      original_url: `${source.url}/metropole/carto.git`,
      mirror_interval: '1h0m0s',
      description: 'Carte',
    });
    expect(res.body.mirror_updated).not.toBe('0001-01-01T00:00:00Z');
    const theirs = await lsRemote(`${source.url}/metropole/carto.git`);
    expect(theirs.some((l) => l.endsWith('refs/tags/v1.0'))).toBe(true);
    expect(theirs.some((l) => l.endsWith('refs/heads/feature'))).toBe(true);
    expect(await lsRemote(`${target.url}/commune/carto.git`)).toEqual(theirs);
  });

  it('syncs a mirror on mirror-sync after a push to the source, and shows it in the API', async () => {
    // setup
    const id = await commitFiles(work, { 'NEWS.md': 'new\n' }, 'a new commit at the source');
    await git(['push', repoUrl(source.url, 'metropole', 'carto', { user: 'metropole', secret: metropoleToken }), 'main'], { cwd: work });
    await git(['push', repoUrl(source.url, 'metropole', 'carto', { user: 'metropole', secret: metropoleToken }), ':feature'], { cwd: work });
    // test
    const anonymous = await api(target.url, 'POST', '/repos/commune/carto/mirror-sync');
    expect(anonymous.status).toBe(401);
    const res = await api(target.url, 'POST', '/repos/commune/carto/mirror-sync', { auth: asCommune() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await lsRemote(`${target.url}/commune/carto.git`)).toEqual(await lsRemote(`${source.url}/metropole/carto.git`));
    const commits = await api(target.url, 'GET', '/repos/commune/carto/commits?sha=main&limit=1');
    expect(commits.status).toBe(200);
    expect(commits.body[0].sha).toBe(id);
    const branches = await api(target.url, 'GET', '/repos/commune/carto/branches');
    expect(branches.body.map((b: { name: string }) => b.name)).toEqual(['main']);
    const status = await api(target.url, 'GET', '/repos/commune/carto/mirror');
    expect(status.body).toMatchObject({ mirror: true, last_error: '', can_sync: false, mirror_interval: '1h0m0s' });
  });

  it('resolves a host name and connects only to the addresses checked', async () => {
    const port = new URL(source.url).port;
    const res = await api(target.url, 'POST', '/repos/migrate', { auth: asCommune(), body: { clone_addr: `http://localhost:${port}/metropole/carto.git`, repo_name: 'by-name' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.original_url).toBe(`http://localhost:${port}/metropole/carto.git`);
  });

  it('follows no redirect: a renamed repository at the source names its new address', async () => {
    // setup
    await buildRepo(source.app.forge.db, source.config.reposDir, metropole, { name: 'old-name' });
    const renamed = await api(source.url, 'PATCH', '/repos/metropole/old-name', { auth: { authorization: `token ${metropoleToken}` }, body: { name: 'new-name' } });
    expect(renamed.status).toBe(200);
    // test
    const res = await api(target.url, 'POST', '/repos/migrate', { auth: asCommune(), body: { clone_addr: `${source.url}/metropole/old-name.git`, repo_name: 'moved' } });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/redirects elsewhere/);
    expect(leftovers(target)).toEqual([]);
  });

  it('imports into an organisation the account may create in, and refuses one it may not (403)', async () => {
    // setup
    expect((await api(target.url, 'POST', '/orgs', { auth: asCommune(), body: { username: 'ville' } })).status).toBe(201);
    const other = await buildUser(target.app.forge.db);
    const otherToken = await buildToken(target.app.forge.db, other, ['all']);
    const body = { clone_addr: `${source.url}/metropole/carto.git`, repo_name: 'carto', repo_owner: 'ville' };
    // test
    const refused = await api(target.url, 'POST', '/repos/migrate', { auth: { authorization: `token ${otherToken}` }, body });
    expect(refused.status).toBe(403);
    const missing = await api(target.url, 'POST', '/repos/migrate', { auth: asCommune(), body: { ...body, repo_owner: 'nobody-here' } });
    expect(missing.status).toBe(422);
    const res = await api(target.url, 'POST', '/repos/migrate', { auth: asCommune(), body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ full_name: 'ville/carto', mirror: false, mirror_interval: '' });
  });

  it('refuses mirror-sync on a repository that is not a mirror (400)', async () => {
    await buildRepo(target.app.forge.db, target.config.reposDir, commune, { name: 'plain' });
    const res = await api(target.url, 'POST', '/repos/commune/plain/mirror-sync', { auth: asCommune() });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/not a mirror/);
  });

  it('refuses a push to a mirror with the reason', async () => {
    const result = await runGit(['push', repoUrl(target.url, 'commune', 'carto', { user: 'commune', secret: communeToken }), 'main:other'], { cwd: work });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/remote: .*commune\/carto is a mirror/);
  });

  it('the scheduler syncs mirrors that are due', async () => {
    // setup
    const id = await commitFiles(work, { 'NEWS.md': 'newer\n' }, 'another commit');
    await git(['push', repoUrl(source.url, 'metropole', 'carto', { user: 'metropole', secret: metropoleToken }), 'main'], { cwd: work });
    const { db } = target.app.forge;
    const repoId = await db.prepare("SELECT r.id FROM repositories r JOIN users u ON u.id = r.owner_id WHERE u.username = 'commune' AND r.name = 'carto'").pluck().get() as number;
    await db.prepare("UPDATE repository_sources SET next_sync_at = '2000-01-01T00:00:00Z' WHERE repo_id = ?").run(repoId);
    const synced: string[] = [];
    const mirrors = new MirrorService({ db, config: target.config, jobs: target.app.jobs, events: target.app.events, onSynced: (p) => synced.push(p), onError: (err) => { throw err; } });
    // test: a second request joins the sync under way instead of starting another
    const first = mirrors.sync(repoId);
    expect(mirrors.sync(repoId)).toBe(first);
    await first;
    await db.prepare("UPDATE repository_sources SET next_sync_at = '2000-01-01T00:00:00Z' WHERE repo_id = ?").run(repoId);
    await commitFiles(work, { 'NEWS.md': 'newest\n' }, 'one more');
    await git(['push', repoUrl(source.url, 'metropole', 'carto', { user: 'metropole', secret: metropoleToken }), 'main'], { cwd: work });
    const latest = (await git(['rev-parse', 'HEAD'], { cwd: work })).trim();
    await mirrors.syncDue();
    await mirrors.close();
    expect(synced).toEqual([repoPath(target.config.reposDir, 'commune', 'carto'), repoPath(target.config.reposDir, 'commune', 'carto')]);
    expect(id).not.toBe(latest);
    const heads = await lsRemote(`${target.url}/commune/carto.git`);
    expect(heads).toContain(`${latest}\trefs/heads/main`);
    const next = await db.prepare('SELECT next_sync_at FROM repository_sources WHERE repo_id = ?').pluck().get(repoId) as string;
    expect(next > new Date().toISOString()).toBe(true);
  });

  it('records a failed sync: 422 with the reason, last_error shown, last sync time kept', async () => {
    // setup
    const { db } = target.app.forge;
    const before = (await api(target.url, 'GET', '/repos/commune/carto')).body.mirror_updated;
    await db.prepare("UPDATE repository_sources SET clone_addr = 'http://127.0.0.1:9/gone.git' WHERE clone_addr LIKE '%/metropole/carto.git'").run();
    // test
    const res = await api(target.url, 'POST', '/repos/commune/carto/mirror-sync', { auth: asCommune() });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/cannot be reached/);
    const status = await api(target.url, 'GET', '/repos/commune/carto/mirror', { auth: asCommune() });
    expect(status.body).toMatchObject({ mirror: true, can_sync: true, original_url: 'http://127.0.0.1:9/gone.git' });
    expect(status.body.last_error).toMatch(/cannot be reached/);
    expect((await api(target.url, 'GET', '/repos/commune/carto')).body.mirror_updated).toBe(before);
  });

  it('imports a private repository with a token of the source, and keeps no credential anywhere', async () => {
    const url = `${source.url}/metropole/secret.git`;
    // test
    const without = await api(target.url, 'POST', '/repos/migrate', { auth: asCommune(), body: { clone_addr: url, repo_name: 'secret' } });
    expect(without.status).toBe(422);
    expect(without.body.message).toMatch(/credentials|access token/);
    const once = await api(target.url, 'POST', '/repos/migrate', {
      auth: asCommune(),
      body: { clone_addr: url, repo_name: 'secret', private: true, auth_username: 'metropole', auth_token: metropoleToken },
    });
    expect(once.status, JSON.stringify(once.body)).toBe(201);
    expect(once.body).toMatchObject({ private: true, mirror: false, empty: false });
    // A mirror keeps its token, sealed; a token only alone (Bearer) works against Fabrique too.
    const mirrored = await api(target.url, 'POST', '/repos/migrate', {
      auth: asCommune(),
      body: { clone_addr: url, repo_name: 'secret-mirror', mirror: true, private: true, auth_token: metropoleToken },
    });
    expect(mirrored.status, JSON.stringify(mirrored.body)).toBe(201);
    expect((await api(target.url, 'POST', '/repos/commune/secret-mirror/mirror-sync', { auth: asCommune() })).status).toBe(200);
    // A credential sealed under another FORGE_SECRET is refused clearly, not with a 500.
    const sealed = await target.app.forge.db.prepare("SELECT auth_secret FROM repository_sources WHERE auth_secret IS NOT NULL").pluck().get() as string;
    expect(sealed).toMatch(/^v1\./);
    const realSecret = target.config.secret;
    target.config.secret = 'another-secret-of-at-least-32-characters!';
    try {
      const broken = await api(target.url, 'POST', '/repos/commune/secret-mirror/mirror-sync', { auth: asCommune() });
      expect(broken.status).toBe(422);
      expect(broken.body.message).toMatch(/FORGE_SECRET/);
    } finally {
      target.config.secret = realSecret;
    }
    // In the URL, credentials are taken out of it.
    const inUrl = new URL(url);
    inUrl.username = 'metropole';
    inUrl.password = metropoleToken;
    const fromUrl = await api(target.url, 'POST', '/repos/migrate', { auth: asCommune(), body: { clone_addr: inUrl.toString(), repo_name: 'secret-url' } });
    expect(fromUrl.status, JSON.stringify(fromUrl.body)).toBe(201);
    expect(fromUrl.body.original_url).toBe(url);

    const secretPart = metropoleToken.slice(8);
    const db = target.app.forge.db;
    const dump = JSON.stringify([await db.prepare('SELECT * FROM repository_sources').all(), await db.prepare('SELECT * FROM audit_events').all(), await db.prepare('SELECT * FROM repositories').all()]);
    expect(dump).not.toContain(secretPart);
    for (const name of ['secret', 'secret-mirror', 'secret-url']) {
      const dir = repoPath(target.config.reposDir, 'commune', name);
      expect(readFileSync(join(dir, 'config'), 'utf8')).not.toContain(secretPart);
      expect(gitSync(dir, ['config', '--list'])).not.toContain(secretPart);
      const shown = await api(target.url, 'GET', `/repos/commune/${name}`, { auth: asCommune() });
      expect(JSON.stringify(shown.body)).not.toContain(secretPart);
    }
  });

  it.each([
    ['a file:// URL', { clone_addr: 'file:///etc' }, /http/],
    ['an ssh:// URL', { clone_addr: 'ssh://git@example.org/a/b.git' }, /http/],
    ['not a URL', { clone_addr: '/etc/passwd' }, /not a URL/],
    ['an unreachable port', { clone_addr: 'http://127.0.0.1:9/x.git' }, /cannot be reached/],
    ['a web page', { clone_addr: 'SOURCE/explore' }, /is not a git repository/],
    ['a missing repository', { clone_addr: 'SOURCE/metropole/nothing.git' }, /credentials|not found/],
    ['an existing name', { clone_addr: 'SOURCE/metropole/carto.git', repo_name: 'carto' }, /already exists/],
    ['a too short interval', { clone_addr: 'SOURCE/metropole/carto.git', mirror: true, mirror_interval: '5m' }, /at least 10m/],
  ])('refuses %s with a clear message and leaves nothing behind', async (_what, body, message) => {
    const before = await rowCount(target);
    const clone = String(body.clone_addr).replace('SOURCE', source.url);
    const res = await api(target.url, 'POST', '/repos/migrate', { auth: asCommune(), body: { repo_name: 'refused', ...body, clone_addr: clone } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.message).toMatch(message);
    expect(await rowCount(target)).toBe(before);
    expect(existsSync(repoPath(target.config.reposDir, 'commune', 'refused'))).toBe(false);
    expect(leftovers(target)).toEqual([]);
  });
});

describe('POST /repos/migrate without FORGE_IMPORT_ALLOW_PRIVATE', () => {
  it('refuses loopback and private addresses', async () => {
    // setup
    const strict = await startServer({ env: { FORGE_IMPORT_ALLOW_PRIVATE: 'false' } });
    try {
      const user = await buildUser(strict.app.forge.db);
      const token = await buildToken(strict.app.forge.db, user, ['all']);
      // test
      for (const clone of [`${source.url}/metropole/carto.git`, 'http://[::1]/a.git', 'http://[::ffff:127.0.0.1]/a.git', 'http://169.254.169.254/latest', 'http://10.1.2.3/x.git', 'http://localhost/x.git']) {
        const res = await api(strict.url, 'POST', '/repos/migrate', { auth: { authorization: `token ${token}` }, body: { clone_addr: clone, repo_name: 'refused' } });
        expect(res.status, clone).toBe(422);
        expect(res.body.message).toMatch(/private, loopback or link-local/);
      }
      expect(await rowCount(strict)).toBe(0);
      expect(leftovers(strict)).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});

describe('POST /repos/migrate with a size limit', () => {
  it('stops a fetch larger than FORGE_MAX_PUSH_BYTES and keeps nothing of it', async () => {
    // setup
    const small = await startServer({ env: { ...ALLOW, FORGE_MAX_PUSH_BYTES: '200' } });
    try {
      const user = await buildUser(small.app.forge.db);
      const token = await buildToken(small.app.forge.db, user, ['all']);
      // test
      const res = await api(small.url, 'POST', '/repos/migrate', {
        auth: { authorization: `token ${token}` },
        body: { clone_addr: `${source.url}/metropole/carto.git`, repo_name: 'big' },
      });
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(/larger than this forge's limit/);
      expect(await rowCount(small)).toBe(0);
      expect(existsSync(repoPath(small.config.reposDir, user.username, 'big'))).toBe(false);
      expect(leftovers(small)).toEqual([]);
    } finally {
      await small.close();
    }
  });
});

describe('an interrupted import', () => {
  it('leaves nothing when the client goes away during the fetch', async () => {
    // setup: a source that advertises the real refs, then never sends the pack
    const sockets = new Set<import('node:net').Socket>();
    let fetching!: () => void;
    const fetchStarted = new Promise<void>((resolve) => (fetching = resolve));
    const stalling: Server = createServer((req, res) => {
      if (req.method === 'GET') {
        void fetch(`${source.url}${req.url}`).then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        });
      } else fetching();
    });
    stalling.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const port = (stalling.address() as { port: number }).port;
    const before = await rowCount(target);
    try {
      // test
      const controller = new AbortController();
      const call = fetch(`${target.url}/api/v1/repos/migrate`, {
        method: 'POST',
        signal: controller.signal,
        headers: { ...asCommune(), 'content-type': 'application/json' },
        body: JSON.stringify({ clone_addr: `http://127.0.0.1:${port}/metropole/carto.git`, repo_name: 'interrupted' }),
      }).catch(() => null);
      await fetchStarted;
      expect(leftovers(target).length).toBe(1);
      controller.abort();
      await call;
      await expect.poll(() => leftovers(target), { timeout: 5000 }).toEqual([]);
      expect(await rowCount(target)).toBe(before);
      expect(existsSync(repoPath(target.config.reposDir, 'commune', 'interrupted'))).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });
});
