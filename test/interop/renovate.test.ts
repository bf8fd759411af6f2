import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, buildRepo, buildUser } from '../helpers/factories.js';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import { installRenovate, registry } from './renovate-install.js';

interface PullJson {
  number: number;
  title: string;
  state: string;
  head: { ref: string };
}

/**
 * Renovate (platform=gitea), as a forge's users run it, against a real Fabrique: one repository with
 * an outdated npm dependency; no workaround of any kind in its configuration.
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
    const created = await fetch(`${server.url}/api/v1/users/${owner}/tokens`, {
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

  /** Runs Renovate once on the repository; its debug log goes to a file, kept for diagnosis. */
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
        enabledManagers: ['npm'],
        prHourlyLimit: 0,
        prConcurrentLimit: 0,
        npmrc: `registry=${registry()}\n`,
        gitAuthor: 'Renovate Bot <renovate@example.org>',
      }),
    );
    return new Promise((resolve, reject) => {
      const child = spawn(renovate, [], {
        // The machine's environment (its CA certificates, a proxy) stays: Renovate reaches the registry through it.
        env: {
          ...process.env,
          HOME: base,
          RENOVATE_CONFIG_FILE: config,
          RENOVATE_TOKEN: token,
          RENOVATE_BASE_DIR: base,
          LOG_LEVEL: 'debug',
          LOG_FILE: logFile,
          LOG_FILE_LEVEL: 'debug',
          LOG_FORMAT: 'json',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_TERMINAL_PROMPT: '0',
        },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, log: readFileSync(logFile, 'utf8') }));
    });
  }

  async function pulls(state: 'open' | 'all'): Promise<PullJson[]> {
    const response = await fetch(`${server.url}/api/v1/repos/${owner}/${name}/pulls?state=${state}`, { headers: { authorization: `token ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as PullJson[];
  }

  it('opens its pull request unaided, finds it again without a duplicate, and is quiet once it is merged', async () => {
    // test: the first run pushes its branch and opens the pull request.
    const first = await runRenovate(1);
    expect(first.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    const opened = await pulls('open');
    expect(opened.map((p) => p.title)).toEqual(['Update dependency ms to v2.1.3']);
    expect(opened[0].head.ref).toBe('renovate/ms-2.x');
    const branch = await fetch(`${server.url}/api/v1/repos/${owner}/${name}/branches/renovate%2Fms-2.x`);
    expect(branch.status).toBe(200);

    // A second run finds that pull request and opens no other.
    const second = await runRenovate(2);
    expect(second.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    expect((await pulls('all')).map((p) => p.number)).toEqual(opened.map((p) => p.number));

    // Merged, the update is done: a third run opens nothing.
    const merge = await fetch(`${server.url}/api/v1/repos/${owner}/${name}/pulls/${opened[0].number}/merge`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Do: 'merge' }),
    });
    expect(merge.status).toBe(200);
    const third = await runRenovate(3);
    expect(third.code, `Renovate failed; its log is in ${logDir}`).toBe(0);
    const after = await pulls('all');
    expect(after.map((p) => [p.number, p.state])).toEqual([[opened[0].number, 'closed']]);
  });
});
