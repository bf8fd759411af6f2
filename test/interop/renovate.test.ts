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
  head: { ref: string };
}

interface IssueJson {
  number: number;
  title: string;
  state: string;
  body: string;
  user: { login: string };
  pull_request: unknown;
}

/**
 * Renovate (platform=gitea), as a forge's users run it, against a real Fabrique: one repository with
 * an outdated npm dependency and its issue tracker on, Renovate's Dependency Dashboard on; no
 * workaround of any kind in its configuration.
 */
describe('Renovate', () => {
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
    // setup: a repository whose one dependency is pinned to an old release.
    const work = tempDir('fabrique-renovate-work-');
    await git(['init', '-q', '--initial-branch=main', work]);
    await commitFiles(work, { 'package.json': `${JSON.stringify({ name: 'service', version: '1.0.0', private: true, dependencies: { ms: '2.0.0' } }, null, 2)}\n` }, 'Initial commit');
    await git(['push', '-q', repoUrl(server.url, owner, name, { user: owner, secret: token }), 'main'], { cwd: work });
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
        dependencyDashboard: true,
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

  /** The repository's issues (not pull requests), open and closed, as Renovate lists them. */
  async function issues(): Promise<IssueJson[]> {
    const response = await api(`/api/v1/repos/${owner}/${name}/issues?state=all&type=issues`, { headers: { authorization: `token ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as IssueJson[];
  }

  it('opens its pull request and its Dependency Dashboard unaided, finds both again without a duplicate, and is quiet once it is merged', async () => {
    // test: the first run pushes its branch and opens the pull request.
    const first = await runRenovate(1);
    expect(first.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    const opened = await pulls('open');
    expect(opened.map((p) => p.title)).toEqual(['Update dependency ms to v2.1.3']);
    expect(opened[0].head.ref).toBe('renovate/ms-2.x');
    const branch = await api(`/api/v1/repos/${owner}/${name}/branches/renovate%2Fms-2.x`);
    expect(branch.status).toBe(200);
    // Its Dependency Dashboard: one open issue, by the account Renovate runs as, listing the update.
    const [dashboard, ...others] = await issues();
    expect(others).toEqual([]);
    expect(dashboard).toMatchObject({ title: 'Dependency Dashboard', state: 'open', user: { login: owner }, pull_request: null });
    expect(dashboard.body).toContain('Update dependency ms to v2.1.3');

    // A second run finds that pull request and opens no other.
    const second = await runRenovate(2);
    expect(second.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    expect((await pulls('all')).map((p) => p.number)).toEqual(opened.map((p) => p.number));
    expect((await issues()).map((i) => [i.number, i.title, i.state])).toEqual([[dashboard.number, 'Dependency Dashboard', 'open']]);

    // Merged, the update is done: a third run opens nothing.
    const merge = await api(`/api/v1/repos/${owner}/${name}/pulls/${opened[0].number}/merge`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Do: 'merge' }),
    });
    expect(merge.status).toBe(200);
    const third = await runRenovate(3);
    expect(third.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    const after = await pulls('all');
    expect(after.map((p) => [p.number, p.state])).toEqual([[opened[0].number, 'closed']]);
    // The same dashboard, rewritten: the update it listed is done.
    const [updated, ...extra] = await issues();
    expect(extra).toEqual([]);
    expect(updated).toMatchObject({ number: dashboard.number, title: 'Dependency Dashboard', state: 'open' });
    expect(updated.body).not.toContain('Update dependency ms to v2.1.3');
  });
});
