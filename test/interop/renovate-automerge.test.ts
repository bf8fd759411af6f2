import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, buildRepo, buildUser } from '../helpers/factories.js';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import { installRenovate, registry } from './renovate-install.js';

// A run here takes under a minute; one past this is stuck and is stopped, with its log. Three fit in the 600 s test timeout.
const RUN_LIMIT_MS = 180_000;
// Fabrique answers each of the test's own requests in well under a second; past this it hangs.
const REQUEST_LIMIT_MS = 30_000;

interface PullJson {
  number: number;
  title: string;
  state: string;
  merged: boolean;
  head: { ref: string; sha: string };
}


/**
 * Renovate (platform=gitea) with `labels` and `automerge` on, against a real Fabrique whose main
 * branch requires the `ci/test` status: it labels its pull request, waits while the status is
 * pending, and the pull request is merged once the status is green. Renovate 39 uses Gitea's own
 * auto-merge only from Gitea 1.24 (Fabrique reports 1.23), so the merge is Renovate's own, on the
 * run after the status turned green. No workaround of any kind in its configuration.
 */
describe('Renovate with labels and automerge, and a required status', () => {
  let server: TestServer;
  let renovate: string;
  let token: string;
  let logDir: string;
  const owner = 'maintainer';
  const name = 'service';

  beforeAll(async () => {
    renovate = installRenovate();
    server = await startServer();
    const { db } = server.app.forge;
    const user = await buildUser(db, { username: owner });
    await buildRepo(db, server.config.reposDir, user, { name });
    // The token Renovate's Gitea documentation asks for, created as a user would, over the API.
    const created = await api(`/api/v1/users/${owner}/tokens`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${owner}:${PASSWORD}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'renovate', scopes: ['read:user', 'write:issue', 'write:repository', 'read:organization', 'read:misc'] }),
    });
    expect(created.status).toBe(201);
    token = ((await created.json()) as { sha1: string }).sha1;
    // The label Renovate is told to apply, and main protected by a required CI context.
    const label = await send('POST', `/api/v1/repos/${owner}/${name}/labels`, { name: 'dependencies', color: '#0366d6' });
    expect(label.status).toBe(201);
    // setup: a repository whose one dependency is pinned to an old release.
    const work = tempDir('fabrique-renovate-work-');
    await git(['init', '-q', '--initial-branch=main', work]);
    await commitFiles(work, { 'package.json': `${JSON.stringify({ name: 'service', version: '1.0.0', private: true, dependencies: { ms: '2.0.0' } }, null, 2)}\n` }, 'Initial commit');
    await git(['push', '-q', repoUrl(server.url, owner, name, { user: owner, secret: token }), 'main'], { cwd: work });
    const protection = await send('POST', `/api/v1/repos/${owner}/${name}/branch_protections`, {
      rule_name: 'main',
      enable_status_check: true,
      status_check_contexts: ['ci/test'],
    });
    expect(protection.status).toBe(201);
    logDir = tempDir('fabrique-renovate-logs-');
  }, 900_000);

  afterAll(async () => {
    await server?.close();
  });

  /**
   * Runs Renovate once on the repository; its debug log (its standard output) goes to a file, kept for
   * diagnosis. Not LOG_FILE: Renovate lowercases that path (logger getEnv), so a temporary directory with
   * a capital letter in its name left the log unread, and the read's throw in the child's close handler
   * left this promise forever pending — the hang after the first run.
   */
  function runRenovate(run: number): Promise<{ code: number | null; log: string }> {
    const base = tempDir('fabrique-renovate-base-');
    const logFile = join(logDir, `run-${run}.log`);
    const config = join(base, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        platform: 'gitea',
        endpoint: `${server.url}/api/v1`,
        repositories: [`${owner}/${name}`],
        onboarding: false,
        requireConfig: 'optional',
        dependencyDashboard: false,
        labels: ['dependencies'],
        automerge: true,
        platformAutomerge: true,
        enabledManagers: ['npm'],
        prHourlyLimit: 0,
        prConcurrentLimit: 0,
        npmrc: `registry=${registry()}\n`,
        gitAuthor: 'Renovate Bot <renovate@example.org>',
      }),
    );
    const out = openSync(logFile, 'w');
    return new Promise<{ code: number | null; log: string }>((resolve, reject) => {
      const child = spawn(renovate, [], {
        // The machine's environment (its CA certificates, a proxy) stays: Renovate reaches the registry through it.
        env: {
          ...process.env,
          HOME: base,
          RENOVATE_CONFIG_FILE: config,
          RENOVATE_TOKEN: token,
          RENOVATE_BASE_DIR: base,
          LOG_LEVEL: 'debug',
          LOG_FORMAT: 'json',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_TERMINAL_PROMPT: '0',
        },
        stdio: ['ignore', out, out],
      });
      const limit = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`Renovate run ${run} still running after ${RUN_LIMIT_MS / 1000} s; its log is ${logFile}`));
      }, RUN_LIMIT_MS);
      child.on('error', (error) => {
        clearTimeout(limit);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(limit);
        try {
          resolve({ code, log: readFileSync(logFile, 'utf8') });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    }).finally(() => closeSync(out));
  }

  /** A request to the forge that fails, naming itself, if no answer comes in REQUEST_LIMIT_MS. */
  async function api(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_LIMIT_MS) });
    } catch (error) {
      throw new Error(`${init.method ?? 'GET'} ${path}: no answer (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
  }

  async function pulls(state: 'open' | 'all'): Promise<PullJson[]> {
    const response = await api(`/api/v1/repos/${owner}/${name}/pulls?state=${state}`, { headers: { authorization: `token ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as PullJson[];
  }

  /** A JSON request with the test's token. */
  function send(method: string, path: string, body: unknown): Promise<Response> {
    return api(path, { method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** Posts a commit status, as the CI would. */
  async function postStatus(sha: string, state: string): Promise<void> {
    const response = await send('POST', `/api/v1/repos/${owner}/${name}/statuses/${sha}`, { state, context: 'ci/test', target_url: 'https://ci.example.org/1' });
    expect(response.status).toBe(201);
  }

  it('labels its pull request, leaves it open while the required status is pending, and it is merged once green', async () => {
    // test: the first run opens the pull request with its label.
    const first = await runRenovate(1);
    expect(first.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    const [opened, ...others] = await pulls('open');
    expect(others).toEqual([]);
    expect(opened.title).toBe('Update dependency ms to v2.1.3');
    const labels = await api(`/api/v1/repos/${owner}/${name}/issues/${opened.number}/labels`, { headers: { authorization: `token ${token}` } });
    expect(((await labels.json()) as Array<{ name: string }>).map((l) => l.name)).toEqual(['dependencies']);
    expect(opened.merged).toBe(false);

    // Pending: a second run leaves it open.
    await postStatus(opened.head.sha, 'pending');
    const second = await runRenovate(2);
    expect(second.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    expect((await pulls('all')).map((p) => [p.number, p.state, p.merged])).toEqual([[opened.number, 'open', false]]);

    // Green: the pull request is merged (by Renovate's next run: see the describe's note).
    await postStatus(opened.head.sha, 'success');
    const third = await runRenovate(3);
    expect(third.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    const after = await pulls('all');
    expect(after.map((p) => [p.number, p.state, p.merged])).toEqual([[opened.number, 'closed', true]]);
  });
});
