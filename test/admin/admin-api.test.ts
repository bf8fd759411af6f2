import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { giteaApi, type Api } from 'gitea-js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser, count, PASSWORD } from '../helpers/factories.js';
import { api, as, call } from '../helpers/http.js';
import { commitFiles, git, repoUrl, runGit, tempDir } from '../helpers/git.js';
import type { UserRow } from '../../server/db/users.js';
import type { AdminRepository, AuditEvent, CronTask, SystemInfo } from '../../contract/admin.js';

/** Site administration through gitea-js (Gitea's generated client) and plain HTTP, against a real Fabrique. */
let server: TestServer;
let admin: UserRow;
let client: Api<unknown>;
const db = () => server.app.forge.db;

/** A work tree with one commit, pushed to owner/name with the owner's token. */
async function pushFirstCommit(owner: UserRow, name: string, token: string): Promise<string> {
  const work = tempDir('fabrique-admin-');
  await git(['init', '-q', '--initial-branch=main', work]);
  await commitFiles(work, { 'README.md': `# ${name}\n` }, 'Initial commit');
  await git(['push', '-q', repoUrl(server.url, owner.username, name, { user: owner.username, secret: token }), 'main'], { cwd: work });
  return work;
}

/** What gitea-js throws on an error answer: the response, with its status and Gitea's message. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; error: { message: string } }> {
  try {
    await call;
  } catch (err) {
    return err as { status: number; error: { message: string } };
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  // setup: a site administrator with an all-scopes token, as an operator's script would have
  server = await startServer();
  admin = await buildUser(db(), { username: 'site-admin', isAdmin: true });
  client = giteaApi(server.url, { token: await buildToken(db(), admin, ['all']) });
});
afterAll(() => server.close());

describe('who may use /api/v1/admin', () => {
  it('refuses anonymous callers (401) and other accounts (403), and writes nothing', async () => {
    // setup
    const user = await buildUser(db());
    const userToken = await buildToken(db(), user, ['all']);
    const users = await count(db(), 'users');
    // test
    for (const path of ['/admin/users', '/admin/orgs', '/admin/repos', '/admin/cron', '/admin/unadopted', '/admin/system', '/admin/audit']) {
      expect((await api(server.url, 'GET', path)).status, path).toBe(401);
      const refused = await api(server.url, 'GET', path, { auth: as(userToken) });
      expect(refused.status, path).toBe(403);
      expect(refused.body.message).toBe('Only site administrators may do this.');
    }
    const other = giteaApi(server.url, { token: userToken });
    expect((await refusal(other.admin.adminCreateUser({ username: 'intruder', email: 'intruder@example.org', password: 'longenough1' }))).status).toBe(403);
    expect((await refusal(other.admin.adminCronRun('git_gc_repos'))).status).toBe(403);
    expect((await refusal(other.admin.adminDeleteUser(admin.username))).status).toBe(403);
    expect(await count(db(), 'users')).toBe(users);
  });

  it('answers a stranger alike for a private repository and a missing one: nothing tells that it exists', async () => {
    // setup
    const owner = await buildUser(db());
    const hidden = await buildRepo(db(), server.config.reposDir, owner, { isPrivate: true });
    const stranger = await buildUser(db());
    // test
    for (const path of [`/repos/${owner.username}/%s/transfer`, `/admin/repos/${owner.username}/%s/maintenance`]) {
      const body = { new_owner: stranger.username };
      const existing = await api(server.url, 'POST', path.replace('%s', hidden.name), { auth: as(stranger), body });
      const missing = await api(server.url, 'POST', path.replace('%s', 'no-such-repo'), { auth: as(stranger), body });
      expect(existing.status, path).toBe(missing.status);
      expect(existing.body, path).toEqual(missing.body);
    }
    expect(await db().prepare('SELECT owner_id FROM repositories WHERE id = ?').pluck().get(hidden.id)).toBe(owner.id);
  });
});

describe('users', () => {
  it('searches accounts by q and login_name with paging and X-Total-Count, organisations left out', async () => {
    // setup
    await buildUser(db(), { username: 'camille-martin' });
    await buildUser(db(), { username: 'camille-durand' });
    await api(server.url, 'POST', '/orgs', { auth: as(admin), body: { username: 'camille-org' } });
    // test
    const found = await client.admin.adminSearchUsers({ q: 'camille', limit: 1, page: 2 } as never);
    expect(found.headers.get('x-total-count')).toBe('2');
    expect(found.data.map((u) => u.login)).toEqual(['camille-martin']);
    const exact = await client.admin.adminSearchUsers({ login_name: 'Camille-Durand' });
    expect(exact.data.map((u) => u.login)).toEqual(['camille-durand']);
    // Administrators see addresses.
    expect(exact.data[0]?.email).toBe('camille-durand@example.org');
  });

  it('creates an account, edits its full name, email and administrator flag, and refuses a taken email (409)', async () => {
    // test
    const created = await client.admin.adminCreateUser({ username: 'dominique', email: 'dominique@example.org', password: 'longenough1', full_name: 'Dominique' } as never);
    expect(created.status).toBe(201);
    const edited = await client.admin.adminEditUser('dominique', { full_name: 'Dominique Bernard', email: 'd.bernard@example.org', admin: true } as never);
    expect(edited.data).toMatchObject({ login: 'dominique', full_name: 'Dominique Bernard', email: 'd.bernard@example.org', is_admin: true });
    const taken = await refusal(client.admin.adminEditUser('dominique', { email: `${admin.username}@example.org` } as never));
    expect(taken.status).toBe(409);
    const bad = await refusal(client.admin.adminEditUser('dominique', { email: 'not an address' } as never));
    expect(bad.status).toBe(422);
    expect(bad.error.message).toBe('The email address is not valid.');
    const audit = await api(server.url, 'GET', '/admin/audit?action=user.edit&actor=site-admin', { auth: as(admin) });
    expect(audit.body[0]).toMatchObject({ target: 'user:dominique', data: { full_name: 'Dominique Bernard', email: 'd.bernard@example.org' } });
  });

  it('suspends an account: sign-in, its tokens and its pushes are refused; restoring it lets it push again', async () => {
    // setup: an account that pushed to its own repository
    const user = await buildUser(db());
    const token = await buildToken(db(), user, ['write:repository']);
    await buildRepo(db(), server.config.reposDir, user, { name: 'carnet' });
    const work = await pushFirstCommit(user, 'carnet', token);
    await commitFiles(work, { 'NOTES.md': 'after the suspension\n' }, 'Second commit');
    // test
    const suspended = await client.admin.adminEditUser(user.username, { prohibit_login: true } as never);
    expect(suspended.data.prohibit_login).toBe(true);
    expect((await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: PASSWORD } })).status).toBe(403);
    expect((await api(server.url, 'GET', '/user', { auth: as(token) })).status).toBe(403);
    const url = repoUrl(server.url, user.username, 'carnet', { user: user.username, secret: token });
    const push = await runGit(['push', '-q', url, 'main'], { cwd: work });
    expect(push.code).not.toBe(0);
    const withPassword = await runGit(['push', '-q', repoUrl(server.url, user.username, 'carnet', { user: user.username, secret: PASSWORD }), 'main'], { cwd: work });
    expect(withPassword.code).not.toBe(0);
    const bare = join(server.config.reposDir, user.username.toLowerCase(), 'carnet.git');
    const head = (await git(['rev-parse', 'HEAD'], { cwd: work })).trim();
    expect((await runGit(['cat-file', '-e', head], { cwd: bare })).code).not.toBe(0);

    await client.admin.adminEditUser(user.username, { prohibit_login: false } as never);
    expect((await runGit(['push', '-q', url, 'main'], { cwd: work })).code).toBe(0);
  });

  it('refuses to delete an account that owns repositories (409 naming them); purge=true deletes them with it', async () => {
    // setup
    const user = await buildUser(db(), { username: 'leaving-soon' });
    await buildRepo(db(), server.config.reposDir, user, { name: 'plans' });
    await buildRepo(db(), server.config.reposDir, user, { name: 'budget', isPrivate: true });
    const folder = join(server.config.reposDir, 'leaving-soon');
    // test
    const refused = await refusal(client.admin.adminDeleteUser('leaving-soon'));
    expect(refused.status).toBe(409);
    expect(refused.error.message).toBe('leaving-soon still owns repositories: leaving-soon/budget, leaving-soon/plans. Transfer or delete them first, or delete with purge=true.');
    expect(await db().prepare('SELECT count(*) FROM users WHERE id = ?').pluck().get(user.id)).toBe(1);
    expect(readdirSync(folder).sort()).toEqual(['budget.git', 'plans.git']);

    const deleted = await client.admin.adminDeleteUser('leaving-soon', { purge: true });
    expect(deleted.status).toBe(204);
    expect(await db().prepare('SELECT count(*) FROM users WHERE id = ?').pluck().get(user.id)).toBe(0);
    expect(await db().prepare('SELECT count(*) FROM repositories WHERE owner_id = ?').pluck().get(user.id)).toBe(0);
    expect(existsSync(join(folder, 'plans.git'))).toBe(false);
    expect((await refusal(client.admin.adminDeleteUser('leaving-soon'))).status).toBe(404);
  });

  it('transfers a departing account\'s repository to an organisation (old name redirects), then deletes the account', async () => {
    // setup
    const user = await buildUser(db(), { username: 'departing' });
    const token = await buildToken(db(), user, ['write:repository']);
    await buildRepo(db(), server.config.reposDir, user, { name: 'voirie' });
    await pushFirstCommit(user, 'voirie', token);
    await api(server.url, 'POST', '/orgs', { auth: as(admin), body: { username: 'metropole' } });
    // test
    const moved = await client.repos.repoTransfer('departing', 'voirie', { new_owner: 'metropole' });
    expect(moved.status).toBe(202);
    expect(moved.data.full_name).toBe('metropole/voirie');
    expect(existsSync(join(server.config.reposDir, 'metropole', 'voirie.git'))).toBe(true);
    const clone = tempDir('fabrique-admin-clone-');
    expect((await runGit(['clone', '-q', `${server.url}/metropole/voirie.git`, clone])).code).toBe(0);
    const old = await fetch(`${server.url}/api/v1/repos/departing/voirie`, { redirect: 'manual' });
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toMatch(/\/api\/v1\/repos\/metropole\/voirie$/);
    // The same name twice is a conflict; an unknown owner a clear 422.
    const unknown = await refusal(client.repos.repoTransfer('metropole', 'voirie', { new_owner: 'nobody-here' }));
    expect(unknown.status).toBe(422);
    expect(unknown.error.message).toBe('There is no account or organisation named "nobody-here".');

    expect((await client.admin.adminDeleteUser('departing')).status).toBe(204);
    expect((await api(server.url, 'GET', '/repos/metropole/voirie')).status).toBe(200);
  });

  it('deletes an account that wrote issues (they stay, by the deleted user) but refuses to delete oneself', async () => {
    // setup
    const author = await buildUser(db());
    const repo = await buildRepo(db(), server.config.reposDir, admin, { name: 'tracker' });
    expect((await api(server.url, 'POST', `/repos/${admin.username}/${repo.name}/issues`, { auth: as(author), body: { title: 'A pothole' } })).status).toBe(201);
    // test
    expect((await client.admin.adminDeleteUser(author.username)).status).toBe(204);
    expect((await api(server.url, 'GET', `/repos/${admin.username}/${repo.name}/issues/1`)).body.user.login).toBe('ghost');
    expect((await refusal(client.admin.adminDeleteUser(admin.username))).status).toBe(422);
  });
});

describe('organisations, repositories and unadopted folders', () => {
  it('lists every organisation, private ones too', async () => {
    // setup
    await api(server.url, 'POST', '/orgs', { auth: as(admin), body: { username: 'secret-service', visibility: 'private' } });
    // test
    const orgs = await client.admin.adminGetAllOrgs({ limit: 50 });
    expect(orgs.data.map((o) => o.name)).toContain('secret-service');
    expect(Number(orgs.headers.get('x-total-count'))).toBe(orgs.data.length);
  });

  it('lists every repository with size, last push and mirror state, and runs maintenance on one', async () => {
    // setup
    const owner = await buildUser(db(), { username: 'repo-lister' });
    const token = await buildToken(db(), owner, ['write:repository']);
    await buildRepo(db(), server.config.reposDir, owner, { name: 'cadastre', isPrivate: true });
    await pushFirstCommit(owner, 'cadastre', token);
    const bare = join(server.config.reposDir, 'repo-lister', 'cadastre.git');
    // test
    const res = await api(server.url, 'GET', '/admin/repos?q=repo-lister/', { auth: as(admin) });
    expect(res.status).toBe(200);
    const [listed] = res.body as AdminRepository[];
    expect(listed).toMatchObject({ full_name: 'repo-lister/cadastre', private: true, mirror: false, mirror_error: '', empty: false });
    expect(listed?.last_push).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(listed?.size).toBeGreaterThanOrEqual(0);

    const run = await api(server.url, 'POST', '/admin/repos/repo-lister/cadastre/maintenance', { auth: as(admin) });
    expect(run.status).toBe(204);
    expect(existsSync(join(bare, 'objects', 'info', 'commit-graph')) || existsSync(join(bare, 'objects', 'info', 'commit-graphs'))).toBe(true);
    expect(readdirSync(join(bare, 'objects', 'pack')).some((f) => f.endsWith('.bitmap'))).toBe(true);
    const audit = await api(server.url, 'GET', '/admin/audit?repo=repo-lister/cadastre&action=repo.maintenance', { auth: as(admin) });
    expect(audit.body).toHaveLength(1);
  });

  it('lists folders in the repositories directory that no repository row names', async () => {
    // setup
    mkdirSync(join(server.config.reposDir, 'ghost-owner', 'lost.git'), { recursive: true });
    // test
    const res = await client.admin.adminUnadoptedList({});
    expect(res.data).toContain('ghost-owner/lost');
    expect(res.data).not.toContain('repo-lister/cadastre');
  });
});

describe('cron', () => {
  it('lists the background tasks in Gitea\'s shape and runs one now (204), which then shows its run', async () => {
    // test
    const before = await client.admin.adminCronList();
    expect(before.data.map((t) => t.name)).toEqual(['git_gc_repos', 'update_mirrors', 'cleanup_hook_task_table']);
    expect(before.data[0]).toMatchObject({ schedule: '@every 24h', exec_times: 0, prev: '0001-01-01T00:00:00Z' });
    expect((await client.admin.adminCronRun('git_gc_repos')).status).toBe(204);
    await expect
      .poll(async () => ((await api(server.url, 'GET', '/admin/cron', { auth: as(admin) })).body as CronTask[])[0], { timeout: 60_000 })
      .toMatchObject({ name: 'git_gc_repos', exec_times: 1, last_error: '' });
    const after = ((await api(server.url, 'GET', '/admin/cron', { auth: as(admin) })).body as CronTask[])[0] as CronTask;
    expect(after.prev).not.toBe('0001-01-01T00:00:00Z');
    expect(new Date(after.next).getTime()).toBeGreaterThan(new Date(after.prev).getTime());

    const unknown = await refusal(client.admin.adminCronRun('rm_rf'));
    expect(unknown.status).toBe(404);
    expect(unknown.error.message).toBe('The cron task "rm_rf" does not exist.');
  });

  it('cleans finished webhook deliveries past their week, keeping pending ones', async () => {
    // setup
    const repo = await buildRepo(db(), server.config.reposDir, admin);
    const hook = await db().prepare("INSERT INTO webhooks (repo_id, url, events) VALUES (?, 'http://127.0.0.1:9/hook', '{}') RETURNING id").pluck().get(repo.id) as number;
    const insert = db().prepare("INSERT INTO webhook_deliveries (uuid, hook_id, event, event_type, payload, status, created_at) VALUES (?, ?, 'push', 'push', '{}', ?, ?)");
    await insert.run('old-delivered', hook, 'delivered', '2020-01-01T00:00:00.000Z');
    await insert.run('old-pending', hook, 'pending', '2020-01-01T00:00:00.000Z');
    await insert.run('recent-failed', hook, 'failed', new Date().toISOString());
    // test
    expect((await client.admin.adminCronRun('cleanup_hook_task_table')).status).toBe(204);
    await expect
      .poll(async () => await db().prepare('SELECT uuid FROM webhook_deliveries WHERE hook_id = ? ORDER BY uuid').pluck().all(hook), { timeout: 30_000 })
      .toEqual(['old-pending', 'recent-failed']);
    const system = await api(server.url, 'GET', '/admin/system', { auth: as(admin) });
    const info = system.body as SystemInfo;
    expect(info.queues.failed_deliveries).toBeGreaterThanOrEqual(1);
    expect(info.failed_deliveries.map((d) => d.uuid)).toContain('recent-failed');
  });
});

describe('the system page and the audit trail', () => {
  it('tells versions, disk use and counts', async () => {
    // test
    const res = await api(server.url, 'GET', '/admin/system', { auth: as(admin) });
    expect(res.status).toBe(200);
    const info = res.body as SystemInfo;
    expect(info.node_version).toBe(process.version);
    expect(info.git_version).toMatch(/^2\.\d+/);
    expect(info.repos_bytes).toBeGreaterThan(0);
    expect(info.data_bytes).toBeGreaterThan(0);
    expect(info.counts.users).toBe(await db().prepare("SELECT count(*) FROM users WHERE type = 'user'").pluck().get());
    expect(info.cron.map((t) => t.name)).toContain('git_gc_repos');
  });

  it('filters the audit trail by actor, action, repository and dates, and refuses a malformed date (422)', async () => {
    // test
    const byActor = (await api(server.url, 'GET', '/admin/audit?actor=SITE-ADMIN&limit=100', { auth: as(admin) })).body as AuditEvent[];
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actor === 'site-admin')).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    const todays = await api(server.url, 'GET', `/admin/audit?since=${today}&until=${today}&action=repo.transfer`, { auth: as(admin) });
    expect(todays.body.map((e: AuditEvent) => e.target)).toEqual(['repo:departing/voirie']);
    const past = await api(server.url, 'GET', '/admin/audit?until=2020-01-01&action=repo.transfer', { auth: as(admin) });
    expect(past.body).toEqual([]);
    expect(past.headers.get('x-total-count')).toBe('0');
    const bad = await api(server.url, 'GET', '/admin/audit?since=yesterday', { auth: as(admin) });
    expect(bad.status).toBe(422);
  });
});
