import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../server/db/users.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { commitFiles, git, makeWorkTree, repoUrl } from '../helpers/git.js';

/** What a receiver got: one request. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A CI server's webhook endpoint on 127.0.0.1: records every request and answers the statuses it
 * is told, in turn (200 once the list is used up). It can be stopped and started on the same port.
 */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private server: Server | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = this.statuses.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/plain', 'x-receiver': 'ci' });
        res.end(status === 200 ? 'thanks' : 'broken');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Waits for a request that passes `match`. */
  async waitFor(match: (r: Received) => boolean, what: string): Promise<Received> {
    for (let i = 0; i < 600; i++) {
      const found = this.received.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the receiver never got ${what}; got ${this.received.map((r) => r.headers['x-gitea-event-type']).join(', ')}`);
  }
}

const event = (type: string) => (r: Received) => r.headers['x-gitea-event-type'] === type;
const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');
const TEST_ENV = { FORGE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', FORGE_WEBHOOK_RETRY_DELAYS: '0.3,0.3,0.3' };

async function waitUntil<T>(read: () => T | undefined | null | false, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
}

describe('webhook deliveries', () => {
  let server: TestServer;
  let owner: UserRow;
  let token: string;
  const receiver = new Receiver();

  beforeAll(async () => {
    server = await startServer({ env: TEST_ENV });
    owner = await buildUser(server.app.forge.db);
    token = await buildToken(server.app.forge.db, owner, ['all']);
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
    await server.close();
  });

  const addHook = async (repo: string, body: Record<string, unknown>) => {
    const created = await api(server.url, 'POST', `/repos/${owner.username}/${repo}/hooks`, { auth: as(token), body: { type: 'gitea', active: true, ...body } });
    expect(created.status).toBe(201);
    return created.body.id as number;
  };

  it('sends a push made with git push, signed both ways with the secret', async () => {
    // setup
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
    await addHook(repo.name, { config: { url: receiver.url, content_type: 'json', secret: 'ci-secret' }, events: ['push'] });
    const work = await makeWorkTree(2);
    // test
    await git(['push', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });
    const head = (await git(['rev-parse', 'HEAD'], { cwd: work })).trim();
    const got = await receiver.waitFor((r) => event('push')(r) && r.body.includes(repo.name), 'the push');
    expect(got.headers['x-gitea-event']).toBe('push');
    expect(got.headers['x-github-event']).toBe('push');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-gitea-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.headers['x-github-delivery']).toBe(got.headers['x-gitea-delivery']);
    expect(got.headers['x-gitea-signature']).toBe(hmac('ci-secret', got.body));
    expect(got.headers['x-hub-signature-256']).toBe(`sha256=${hmac('ci-secret', got.body)}`);
    const payload = JSON.parse(got.body);
    expect(payload).toMatchObject({ ref: 'refs/heads/main', before: '0'.repeat(40), after: head, pusher: { login: owner.username }, sender: { login: owner.username } });
    expect(payload.repository.full_name).toBe(`${owner.username}/${repo.name}`);
    expect(payload.head_commit.id).toBe(head);
    expect(payload.head_commit.message).toContain('commit 2');
    // A second push lists the commits it brought.
    await commitFiles(work, { 'b.txt': 'b\n' }, 'third');
    await commitFiles(work, { 'c.txt': 'c\n', 'b.txt': 'b, changed\n' }, 'fourth');
    await git(['rm', '-q', 'c.txt'], { cwd: work });
    await git(['commit', '-q', '-m', 'fifth'], { cwd: work });
    await git(['push', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });
    const second = await receiver.waitFor((r) => event('push')(r) && r.body.includes('"fifth') && r.body.includes(repo.name), 'the second push');
    const secondPayload = JSON.parse(second.body);
    expect(secondPayload.before).toBe(head);
    expect(secondPayload.commits.map((c: { message: string }) => c.message.trim())).toEqual(['fifth', 'fourth', 'third']);
    // Each commit names the files it added, removed and modified (what CI path filters read).
    expect(secondPayload.commits.map((c: { added: string[]; removed: string[]; modified: string[] }) => [c.added, c.removed, c.modified])).toEqual([
      [[], ['c.txt'], []],
      [['c.txt'], [], ['b.txt']],
      [['b.txt'], [], []],
    ]);
    expect(secondPayload.compare_url).toContain(`/compare/${head}...`);
    // What was sent and received is kept, newest first.
    const hooks = await api(server.url, 'GET', `/repos/${owner.username}/${repo.name}/hooks`, { auth: as(token) });
    const listed = await api(server.url, 'GET', `/repos/${owner.username}/${repo.name}/hooks/${hooks.body[0].id}/deliveries`, { auth: as(token) });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('x-total-count')).toBe('2');
    expect(listed.body[0]).toMatchObject({ event: 'push', status: 'delivered', response: { status: 200, body: 'thanks' } });
    expect(listed.body[0].response.headers['x-receiver']).toBe('ci');
    expect(listed.body[0].request.headers['x-gitea-event']).toBe('push');
  }, 60_000);

  it('sends pull_request opened and an issue comment, only to hooks that chose them; form content type', async () => {
    // setup
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
    const work = await makeWorkTree(1);
    const url = repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token });
    await git(['push', url, 'main'], { cwd: work });
    await git(['checkout', '-q', '-b', 'feature'], { cwd: work });
    await commitFiles(work, { 'feature.txt': 'new\n' }, 'feature work');
    await git(['push', url, 'feature'], { cwd: work });
    await addHook(repo.name, { config: { url: `${receiver.url}?json=${repo.name}`, content_type: 'json' }, events: ['pull_request', 'issue_comment'] });
    await addHook(repo.name, { config: { url: `${receiver.url}?form=${repo.name}`, content_type: 'form', secret: 'form-secret' }, events: ['issues'] });
    // test
    const pull = await api(server.url, 'POST', `/repos/${owner.username}/${repo.name}/pulls`, { auth: as(token), body: { head: 'feature', base: 'main', title: 'Add the feature' } });
    expect(pull.status).toBe(201);
    const issue = await api(server.url, 'POST', `/repos/${owner.username}/${repo.name}/issues`, { auth: as(token), body: { title: 'A bug' } });
    expect(issue.status).toBe(201);
    const comment = await api(server.url, 'POST', `/repos/${owner.username}/${repo.name}/issues/${issue.body.number}/comments`, { auth: as(token), body: { body: 'Seen it too' } });
    expect(comment.status).toBe(201);
    const opened = await receiver.waitFor((r) => event('pull_request')(r) && r.body.includes(repo.name), 'pull_request opened');
    const openedPayload = JSON.parse(opened.body);
    expect(openedPayload).toMatchObject({ action: 'opened', number: pull.body.number, pull_request: { title: 'Add the feature', head: { ref: 'feature' }, base: { ref: 'main' } } });
    expect(openedPayload.repository.full_name).toBe(`${owner.username}/${repo.name}`);
    // Both hooks hear of the comment, in either order: this is the JSON one's.
    const commented = await receiver.waitFor((r) => event('issue_comment')(r) && r.headers['content-type'] === 'application/json' && r.body.includes(repo.name), 'issue_comment');
    expect(commented.headers['x-gitea-event']).toBe('issue_comment');
    expect(JSON.parse(commented.body)).toMatchObject({ action: 'created', is_pull: false, issue: { number: issue.body.number }, comment: { body: 'Seen it too' } });
    // The `issues` hook gets the issue family in a form, signed over the body it sent.
    const formComment = await receiver.waitFor((r) => event('issue_comment')(r) && r.headers['content-type'] === 'application/x-www-form-urlencoded' && r.body.includes(repo.name), 'the form issue_comment');
    expect(formComment.headers['x-gitea-signature']).toBe(hmac('form-secret', formComment.body));
    const fields = new URLSearchParams(formComment.body);
    expect(JSON.parse(fields.get('payload')!).comment.body).toBe('Seen it too');
    await receiver.waitFor((r) => event('issues')(r) && r.headers['content-type'] === 'application/x-www-form-urlencoded' && r.body.includes(repo.name), 'the form issues opened');
    // A push to the head branch synchronises the pull request; a merge is `closed` with `merged: true`.
    const moved = await commitFiles(work, { 'feature.txt': 'newer\n' }, 'more feature work');
    await git(['push', url, 'feature'], { cwd: work });
    const sync = await receiver.waitFor((r) => event('pull_request_sync')(r) && r.body.includes(repo.name), 'pull_request synchronized');
    expect(sync.headers['x-gitea-event']).toBe('pull_request');
    expect(JSON.parse(sync.body)).toMatchObject({ action: 'synchronized', number: pull.body.number, pull_request: { head: { sha: moved } } });
    await waitUntilAsync(async () => {
      const { body } = await api(server.url, 'GET', `/repos/${owner.username}/${repo.name}/pulls/${pull.body.number}`, { auth: as(token) });
      return body.mergeable_state === 'mergeable' && body.head.sha === moved ? body : null;
    });
    const merged = await api(server.url, 'POST', `/repos/${owner.username}/${repo.name}/pulls/${pull.body.number}/merge`, { auth: as(token), body: { Do: 'merge' } });
    expect(merged.status).toBe(200);
    const closed = await receiver.waitFor((r) => event('pull_request')(r) && r.body.includes(repo.name) && JSON.parse(r.body).action === 'closed', 'the merge');
    expect(JSON.parse(closed.body).pull_request.merged).toBe(true);
    // The pull request went to the first hook only.
    expect(receiver.received.filter((r) => event('pull_request')(r) && r.body.includes(repo.name) && r.headers['content-type'] !== 'application/json')).toEqual([]);
  }, 60_000);

  it('applies the branch filter to pushes', async () => {
    // setup
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
    await addHook(repo.name, { config: { url: receiver.url }, events: ['push'], branch_filter: 'release/*' });
    const work = await makeWorkTree(1);
    const url = repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token });
    // test
    await git(['push', url, 'main', 'main:release/1.0'], { cwd: work });
    const got = await receiver.waitFor((r) => event('push')(r) && r.body.includes(repo.name), 'the release push');
    expect(JSON.parse(got.body).ref).toBe('refs/heads/release/1.0');
    // One delivery only: both refs moved in one push, so the row for main would have been written before this one.
    const hooks = await api(server.url, 'GET', `/repos/${owner.username}/${repo.name}/hooks`, { auth: as(token) });
    const listed = await api(server.url, 'GET', `/repos/${owner.username}/${repo.name}/hooks/${hooks.body[0].id}/deliveries`, { auth: as(token) });
    expect(listed.body.map((d: { request: { body: string } }) => JSON.parse(d.request.body).ref)).toEqual(['refs/heads/release/1.0']);
  }, 60_000);

  it('retries after the receiver answered 500, and keeps each answer', async () => {
    // setup
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
    const id = await addHook(repo.name, { config: { url: `${receiver.url}?retry=${repo.name}` }, events: ['push'] });
    receiver.statuses = [500];
    // test
    const tested = await api(server.url, 'POST', `/repos/${owner.username}/${repo.name}/hooks/${id}/tests`, { auth: as(token) });
    expect(tested.status).toBe(204);
    const deliveries = `/repos/${owner.username}/${repo.name}/hooks/${id}/deliveries`;
    const final = await waitUntilAsync(async () => {
      const { body } = await api(server.url, 'GET', deliveries, { auth: as(token) });
      return body[0]?.status === 'delivered' ? body[0] : null;
    });
    expect(final.attempts).toBe(2);
    expect(final.response.status).toBe(200);
    expect(receiver.received.filter((r) => r.body.includes(`"${repo.name}"`)).length).toBe(2);
    // Redeliver: sent once more, under the same delivery id.
    const redelivered = await api(server.url, 'POST', `${deliveries}/${final.uuid}/redeliver`, { auth: as(token) });
    expect(redelivered.status).toBe(204);
    await waitUntil(() => receiver.received.filter((r) => r.headers['x-gitea-delivery'] === final.uuid).length === 3, 'the redelivery');
    expect((await api(server.url, 'POST', `${deliveries}/not-a-delivery/redeliver`, { auth: as(token) })).status).toBe(404);
  }, 60_000);

  it('sends status and release events in Gitea payloads with repository and sender', async () => {
    // setup
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
    await addHook(repo.name, { config: { url: receiver.url }, events: ['status', 'release'] });
    // test
    await server.app.events.publish('status', {
      repoId: repo.id,
      actorId: owner.id,
      sha: 'a'.repeat(40),
      state: 'success',
      combinedState: 'success',
      status: { id: 7, context: 'ci/test', state: 'success', target_url: 'https://ci.example.org/7', description: 'passed' },
    });
    await server.app.events.publish('release', { repoId: repo.id, actorId: owner.id, action: 'published', release: { id: 3, tag_name: 'v1.0', name: 'Version 1' } });
    const status = await receiver.waitFor((r) => event('status')(r) && r.body.includes(repo.name), 'the status');
    expect(JSON.parse(status.body)).toMatchObject({ sha: 'a'.repeat(40), state: 'success', context: 'ci/test', target_url: 'https://ci.example.org/7', repository: { id: repo.id }, sender: { login: owner.username } });
    const release = await receiver.waitFor((r) => event('release')(r) && r.body.includes(repo.name), 'the release');
    expect(JSON.parse(release.body)).toMatchObject({ action: 'published', release: { tag_name: 'v1.0' }, repository: { id: repo.id }, sender: { login: owner.username } });
  }, 60_000);
});

describe('repository and fork events', () => {
  it("tell an organisation's hooks of its repositories created and deleted, and a repository's hooks of its forks", async () => {
    // setup
    const server = await startServer({ env: TEST_ENV });
    const receiver = new Receiver();
    await receiver.start();
    try {
      const { db } = server.app.forge;
      const owner = await buildUser(db);
      const forker = await buildUser(db);
      const org = `ville${process.pid}`;
      expect((await api(server.url, 'POST', '/orgs', { auth: as(owner), body: { username: org } })).status).toBe(201);
      const orgHook = await api(server.url, 'POST', `/orgs/${org}/hooks`, { auth: as(owner), body: { type: 'gitea', active: true, config: { url: `${receiver.url}?org` }, events: ['repository'] } });
      expect(orgHook.status).toBe(201);
      // test: created, through the API
      expect((await api(server.url, 'POST', `/orgs/${org}/repos`, { auth: as(owner), body: { name: 'parc', auto_init: true } })).status).toBe(201);
      const created = await receiver.waitFor(event('repository'), 'repository created');
      expect(JSON.parse(created.body)).toMatchObject({ action: 'created', repository: { full_name: `${org}/parc` }, organization: { login: org }, sender: { login: owner.username } });
      // test: forked: the parent's hook hears of it
      const repoHook = await api(server.url, 'POST', `/repos/${org}/parc/hooks`, { auth: as(owner), body: { type: 'gitea', active: true, config: { url: `${receiver.url}?repo` }, events: ['fork'] } });
      expect(repoHook.status).toBe(201);
      // a fork into the forker's private organisation is not named to the parent's hooks, then a public fork is
      const hidden = `cabinet${process.pid}`;
      expect((await api(server.url, 'POST', '/orgs', { auth: as(forker), body: { username: hidden, visibility: 'private' } })).status).toBe(201);
      expect((await api(server.url, 'POST', `/repos/${org}/parc/forks`, { auth: as(forker), body: { organization: hidden } })).status).toBe(202);
      expect((await api(server.url, 'POST', `/repos/${org}/parc/forks`, { auth: as(forker), body: {} })).status).toBe(202);
      const forked = await receiver.waitFor(event('fork'), 'fork');
      expect(JSON.parse(forked.body)).toMatchObject({ forkee: { full_name: `${org}/parc` }, repo: { full_name: `${forker.username}/parc`, fork: true }, sender: { login: forker.username } });
      expect(receiver.received.filter(event('fork'))).toHaveLength(1);
      expect(receiver.received.some((r) => r.body.includes(hidden))).toBe(false);
      // test: deleted: the repository's own hooks went with it, the organisation's hears of it
      expect((await api(server.url, 'DELETE', `/repos/${org}/parc`, { auth: as(owner) })).status).toBe(204);
      const deleted = await receiver.waitFor((r) => event('repository')(r) && JSON.parse(r.body).action === 'deleted', 'repository deleted');
      expect(JSON.parse(deleted.body).repository.full_name).toBe(`${org}/parc`);
    } finally {
      await receiver.stop();
      await server.close();
    }
  }, 60_000);
});

async function waitUntilAsync<T>(read: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the condition never held');
}

describe('webhook outbound safety and durability', () => {
  it('refuses a loopback receiver unless FORGE_WEBHOOK_ALLOWED_HOSTS names it, and sends nothing there', async () => {
    // setup
    const server = await startServer();
    const receiver = new Receiver();
    await receiver.start();
    try {
      const owner = await buildUser(server.app.forge.db);
      const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
      const created = await api(server.url, 'POST', `/repos/${owner.username}/${repo.name}/hooks`, { auth: as(owner), body: { type: 'gitea', active: true, config: { url: receiver.url } } });
      // test
      await api(server.url, 'POST', `/repos/${owner.username}/${repo.name}/hooks/${created.body.id}/tests`, { auth: as(owner) });
      const failed = await waitUntilAsync(async () => {
        const { body } = await api(server.url, 'GET', `/repos/${owner.username}/${repo.name}/hooks/${created.body.id}/deliveries`, { auth: as(owner) });
        return body[0]?.status === 'failed' ? body[0] : null;
      });
      expect(failed.error).toContain('127.0.0.1');
      expect(failed.error).toContain('FORGE_WEBHOOK_ALLOWED_HOSTS');
      expect(failed.attempts).toBe(1);
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.stop();
      await server.close();
    }
  }, 60_000);

  it('resumes a pending delivery after a restart: receiver down, server closed and started again on the same data, receiver up', async () => {
    // setup: a long first retry wait, so that only the restart can send it in time.
    const env = { ...TEST_ENV, FORGE_WEBHOOK_RETRY_DELAYS: '2' };
    const first = await startServer({ env });
    const receiver = new Receiver();
    await receiver.start();
    const port = receiver.port;
    await receiver.stop();
    const owner = await buildUser(first.app.forge.db);
    const repo = await buildRepo(first.app.forge.db, first.config.reposDir, owner);
    const created = await api(first.url, 'POST', `/repos/${owner.username}/${repo.name}/hooks`, { auth: as(owner), body: { type: 'gitea', active: true, config: { url: `http://127.0.0.1:${port}/hook` } } });
    const path = `/repos/${owner.username}/${repo.name}/hooks/${created.body.id}/deliveries`;
    await api(first.url, 'POST', `/repos/${owner.username}/${repo.name}/hooks/${created.body.id}/tests`, { auth: as(owner) });
    const pending = await waitUntilAsync(async () => {
      const { body } = await api(first.url, 'GET', path, { auth: as(owner) });
      return body[0]?.attempts === 1 ? body[0] : null;
    });
    expect(pending.status).toBe('pending');
    expect(pending.error).toMatch(/ECONNREFUSED|connect/);
    // test
    await first.app.close();
    await receiver.start(port);
    const second = await startServer({ env: { ...env, FORGE_DATA_DIR: `${first.root}/data`, FORGE_REPOS_DIR: `${first.root}/repos` } });
    try {
      const got = await receiver.waitFor((r) => r.headers['x-gitea-delivery'] === pending.uuid, 'the resumed delivery');
      expect(JSON.parse(got.body).repository.full_name).toBe(`${owner.username}/${repo.name}`);
      const done = await waitUntilAsync(async () => {
        const { body } = await api(second.url, 'GET', path, { auth: as(owner) });
        return body[0]?.status === 'delivered' ? body[0] : null;
      });
      expect(done.attempts).toBe(2);
    } finally {
      await receiver.stop();
      await second.close();
      rmSync(first.root, { recursive: true, force: true });
    }
  }, 60_000);

  it('turns off a hook whose deliveries all failed past FORGE_WEBHOOK_DISABLE_AFTER, and says why', async () => {
    // setup
    const server = await startServer({ env: { ...TEST_ENV, FORGE_WEBHOOK_RETRY_DELAYS: '0.4,0.4,0.4,0.4', FORGE_WEBHOOK_DISABLE_AFTER: '1' } });
    const receiver = new Receiver();
    await receiver.start();
    receiver.statuses = Array(20).fill(500);
    try {
      const owner = await buildUser(server.app.forge.db);
      const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
      const hookPath = `/repos/${owner.username}/${repo.name}/hooks`;
      const created = await api(server.url, 'POST', hookPath, { auth: as(owner), body: { type: 'gitea', active: true, config: { url: receiver.url } } });
      // test
      await api(server.url, 'POST', `${hookPath}/${created.body.id}/tests`, { auth: as(owner) });
      const off = await waitUntilAsync(async () => {
        const { body } = await api(server.url, 'GET', `${hookPath}/${created.body.id}`, { auth: as(owner) });
        return body.active === false ? body : null;
      });
      expect(off.disabled_reason).toContain('turned this webhook off');
      const audit = await server.app.forge.db.prepare("SELECT count(*) FROM audit_events WHERE action = 'webhook.disable'").pluck().get();
      expect(audit).toBe(1);
      // Turned on again by its owner: the notice goes.
      const on = await api(server.url, 'PATCH', `${hookPath}/${created.body.id}`, { auth: as(owner), body: { active: true } });
      expect(on.body).toMatchObject({ active: true, disabled_reason: '' });
    } finally {
      await receiver.stop();
      await server.close();
    }
  }, 60_000);
});
