import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { startServer, type TestServer } from '../helpers/server.js';
import { rmSync } from 'node:fs';
import type { UserRow } from '../../server/db/users.js';
import { setCollaborator } from '../../server/services/repos.js';
import { createProtection } from '../../server/services/branch-protections.js';
import { buildRepo, buildToken, buildUser, PASSWORD } from '../helpers/factories.js';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';

const SECRET = 'a shared secret between the forge and its CI';

interface PullRequestHook {
  action: string;
  number: number;
  pull_request: { head: { sha: string; ref: string }; base: { ref: string } };
  repository: { clone_url: string; full_name: string };
}

/**
 * A small CI server as municipalities run them (Woodpecker, Jenkins, Drone): it receives the forge's
 * `pull_request` webhook, checks its signature, clones the head with git, runs the repository's test
 * command and reports `pending` then `success` or `failure` on the head commit.
 */
class FakeCi {
  readonly server: Server;
  readonly received: { event: string; action: string; sha: string; verified: boolean }[] = [];
  /** A job waits here before running, so that the test can look at the pending state. */
  private gate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => undefined;
  private readonly jobs: Promise<void>[] = [];

  constructor(private readonly forge: () => string, readonly token: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const expected = createHmac('sha256', SECRET).update(body).digest('hex');
        const verified = req.headers['x-gitea-signature'] === expected && req.headers['x-hub-signature-256'] === `sha256=${expected}`;
        if (!verified) {
          res.statusCode = 401;
          res.end('bad signature');
          return;
        }
        const event = String(req.headers['x-gitea-event']);
        const payload = JSON.parse(body.toString('utf8')) as PullRequestHook;
        this.received.push({ event, action: payload.action, sha: payload.pull_request?.head.sha ?? '', verified });
        res.end('queued');
        if (event === 'pull_request' && ['opened', 'synchronized', 'reopened'].includes(payload.action)) this.jobs.push(this.build(payload));
      });
    });
  }

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate();
  }

  async listen(port = 0): Promise<string> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    return `http://127.0.0.1:${address.port}/hook`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async status(repo: string, sha: string, state: string, description: string): Promise<void> {
    const answer = await api(this.forge(), 'POST', `/repos/${repo}/statuses/${sha}`, {
      auth: as(this.token),
      body: { state, context: 'ci/test', description, target_url: `http://ci.example.org/build/${sha.slice(0, 7)}` },
    });
    if (answer.status !== 201) throw new Error(`status refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  private async build(hook: PullRequestHook): Promise<void> {
    const { sha } = hook.pull_request.head;
    const repo = hook.repository.full_name;
    await this.status(repo, sha, 'pending', 'Build started');
    await this.gate;
    const dir = tempDir('fabrique-ci-');
    await git(['clone', '-q', hook.repository.clone_url, dir]);
    await git(['fetch', '-q', 'origin', `refs/pull/${hook.number}/head`], { cwd: dir });
    await git(['checkout', '-q', sha], { cwd: dir });
    // The project's own test command, run in the checkout: its exit code is the verdict.
    const passed = await new Promise<boolean>((resolve) => execFile('sh', ['test.sh'], { cwd: dir }, (err) => resolve(err === null)));
    await this.status(repo, sha, passed ? 'success' : 'failure', passed ? 'All tests passed' : 'Tests failed');
  }

  async idle(): Promise<void> {
    await Promise.all(this.jobs);
  }
}

/** The retry waits of the forge's delivery worker, in seconds: short for the test, many so that a restart finds one pending. */
const ENV = { FORGE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', FORGE_WEBHOOK_RETRY_DELAYS: '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1' };

interface PullJson {
  number: number;
  state: string;
  merged: boolean;
  merged_by: { login: string } | null;
  head: { sha: string };
  merge_state: { status: string; blockers: { code: string; message: string }[]; checks: { state: string | null; auto_merge: unknown } };
}

/**
 * The loop a municipality's CI runs with the forge: webhook → clone → build → commit status →
 * required check → merge when checks succeed. Everything is real: the forge over HTTP, git, a CI
 * receiver on 127.0.0.1 that verifies the signature.
 */
// Each test clones and builds with git and waits on webhooks: on a loaded two-core machine that is more than the default 30 s.
describe('a CI server working with Fabrique', { timeout: 90_000 }, () => {
  let server: TestServer;
  let ci: FakeCi;
  let hookUrl: string;
  let maintainer: UserRow;
  let maintainerToken: string;
  let work: string;
  const owner = 'lyon';
  const name = 'city-app';
  const repo = () => `${owner}/${name}`;

  const pull = async (number: number): Promise<PullJson> =>
    (await api(server.url, 'GET', `/repos/${repo()}/pulls/${number}`, { auth: as(maintainerToken) })).body as PullJson;
  const combined = async (sha: string): Promise<string> =>
    (await api(server.url, 'GET', `/repos/${repo()}/commits/${sha}/status`, { auth: as(maintainerToken) })).body.state as string;
  /** Commits the build's verdict on a branch (new from main, or the same branch again) and pushes it with git. */
  const pushBranch = async (branch: string, verdict: string, fromMain = true): Promise<string> => {
    await git(fromMain ? ['checkout', '-q', '-b', branch, 'origin/main'] : ['checkout', '-q', branch], { cwd: work });
    const sha = await commitFiles(work, { RESULT: `${verdict}\n`, [`${branch}.txt`]: `${branch} ${verdict}\n` }, `${branch}: ${verdict}`);
    await git(['push', '-q', repoUrl(server.url, owner, name, { user: owner, secret: PASSWORD }), `HEAD:refs/heads/${branch}`], { cwd: work });
    return sha;
  };
  const open = async (branch: string): Promise<number> => {
    const created = await api(server.url, 'POST', `/repos/${repo()}/pulls`, { auth: as(maintainerToken), body: { head: branch, base: 'main', title: `Build ${branch}` } });
    expect(created.status).toBe(201);
    return created.body.number as number;
  };

  beforeAll(async () => {
    server = await startServer({ env: ENV });
    const { db } = server.app.forge;
    maintainer = await buildUser(db, { username: owner });
    const bot = await buildUser(db, { username: 'ci-bot' });
    const row = await buildRepo(db, server.config.reposDir, maintainer, { name });
    await setCollaborator(db, row, bot, 'write', { actor: { kind: 'anonymous' }, ip: null });
    maintainerToken = await buildToken(db, maintainer, ['write:repository']);
    // The CI's own account posts statuses with the one scope Gitea asks for.
    ci = new FakeCi(() => server.url, await buildToken(db, bot, ['write:repository']));
    hookUrl = await ci.listen();
    work = tempDir('fabrique-ci-work-');
    await git(['init', '-q', '--initial-branch=main', work]);
    await commitFiles(work, { 'README.md': '# City app\n', RESULT: 'pass\n', 'test.sh': 'grep -qx pass RESULT\n' }, 'First');
    await git(['remote', 'add', 'origin', repoUrl(server.url, owner, name, { user: owner, secret: PASSWORD })], { cwd: work });
    await git(['push', '-q', 'origin', 'main'], { cwd: work });
    await git(['fetch', '-q', 'origin'], { cwd: work });
    await createProtection(db, row.id, 'main', { enable_status_check: true, status_check_contexts: ['ci/test'] });
    // The maintainer connects the CI as Woodpecker's or Drone's documentation says: pull request events, JSON, a secret.
    const hook = await api(server.url, 'POST', `/repos/${repo()}/hooks`, {
      auth: as(maintainerToken),
      body: { type: 'gitea', active: true, events: ['pull_request'], config: { url: hookUrl, content_type: 'json', secret: SECRET } },
    });
    expect(hook.status).toBe(201);
  });

  afterAll(async () => {
    await ci.close();
    await server.close();
  });

  it('merges by itself once the required build turns green', async () => {
    // setup
    ci.hold();
    const sha = await pushBranch('good', 'pass');
    const number = await open('good');
    await expect.poll(() => combined(sha)).toBe('pending');
    // test: the maintainer asks for the merge while the build runs.
    const scheduled = await api(server.url, 'POST', `/repos/${repo()}/pulls/${number}/merge`, { auth: as(maintainerToken), body: { Do: 'merge', merge_when_checks_succeed: true } });
    expect(scheduled.status).toBe(201);
    const waiting = await pull(number);
    expect(waiting.merged).toBe(false);
    expect(waiting.merge_state.checks.auto_merge).not.toBeNull();
    expect(waiting.merge_state.blockers.map((b) => b.code)).toContain('status_checks');
    ci.release();
    await expect.poll(async () => (await pull(number)).merged).toBe(true);
    const merged = await pull(number);
    expect(merged.merged_by?.login).toBe(owner);
    expect(await combined(sha)).toBe('success');
    // The CI heard the webhook, signed, for this very head.
    expect(ci.received).toContainEqual({ event: 'pull_request', action: 'opened', sha, verified: true });
    await git(['fetch', '-q', 'origin'], { cwd: work });
    await git(['merge-base', '--is-ancestor', sha, 'origin/main'], { cwd: work });
  });

  it('keeps the pull request open when the build fails, and refuses a manual merge naming the check', async () => {
    // setup
    ci.hold();
    const sha = await pushBranch('bad', 'fail');
    const number = await open('bad');
    await expect.poll(() => combined(sha)).toBe('pending');
    const scheduled = await api(server.url, 'POST', `/repos/${repo()}/pulls/${number}/merge`, { auth: as(maintainerToken), body: { Do: 'merge', merge_when_checks_succeed: true } });
    expect(scheduled.status).toBe(201);
    // test
    ci.release();
    await ci.idle();
    expect(await combined(sha)).toBe('failure');
    const after = await pull(number);
    expect(after).toMatchObject({ state: 'open', merged: false });
    const refused = await api(server.url, 'POST', `/repos/${repo()}/pulls/${number}/merge`, { auth: as(maintainerToken), body: { Do: 'merge' } });
    expect(refused.status).toBe(405);
    expect(JSON.stringify(refused.body)).toContain('ci/test');
  });

  it('delivers to a CI that was down once it is back, across a restart of the forge', async () => {
    // setup: the CI goes down; a fix is pushed to the failing pull request.
    const port = Number(new URL(hookUrl).port);
    await ci.close();
    const sha = await pushBranch('bad', 'pass', false);
    const number = 2;
    await expect.poll(async () => (await pull(number)).head.sha).toBe(sha);
    const deliveries = async () => {
      const hooks = await api(server.url, 'GET', `/repos/${repo()}/hooks`, { auth: as(maintainerToken) });
      const list = await api(server.url, 'GET', `/repos/${repo()}/hooks/${hooks.body[0].id}/deliveries`, { auth: as(maintainerToken) });
      return list.body as { event: string; status: string; attempts: number }[];
    };
    // The forge tried and failed: the delivery waits for its next attempt.
    await expect.poll(async () => (await deliveries()).some((d) => d.status === 'pending' && d.attempts >= 1)).toBe(true);
    // test: the forge stops and starts again on the same data; the CI comes back.
    const root = server.root;
    await server.app.close();
    ci = new FakeCi(() => server.url, ci.token);
    await ci.listen(port);
    // Same data, same address: the forge's URLs in the pending payload still lead to it.
    server = await startServer({ env: { ...ENV, FORGE_DATA_DIR: `${root}/data`, FORGE_REPOS_DIR: `${root}/repos` }, port: Number(new URL(server.url).port) });
    const restarted = server;
    server.close = async () => {
      await restarted.app.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(restarted.root, { recursive: true, force: true });
    };
    await expect.poll(() => combined(sha), { timeout: 20_000 }).toBe('success');
    expect(ci.received).toContainEqual({ event: 'pull_request', action: 'synchronized', sha, verified: true });
    const merged = await api(server.url, 'POST', `/repos/${repo()}/pulls/${number}/merge`, { auth: as(maintainerToken), body: { Do: 'merge' } });
    expect(merged.status).toBe(200);
  });
});
