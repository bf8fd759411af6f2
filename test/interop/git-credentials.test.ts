import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { clientEnv, commitFiles, git, makeWorkTree, runGit, tempDir } from '../helpers/git.js';

/** git pushes with every credential form that CI systems, bots and other forges' habits send. */
describe('git credentials', () => {
  let server: TestServer;
  let token: string;
  let work: string;
  const owner = 'pusher';
  const name = 'creds';

  beforeAll(async () => {
    server = await startServer();
    const { db } = server.app.forge;
    const user = await buildUser(db, { username: owner });
    await buildRepo(db, server.config.reposDir, user, { name });
    token = await buildToken(db, user, ['write:repository']);
    work = await makeWorkTree(1);
  });

  afterAll(async () => {
    await server?.close();
  });

  const url = (userinfo: string) => `${server.url.replace('http://', `http://${userinfo}@`)}/${owner}/${name}.git`;

  it.each([
    ['the token as the user name, no password (TOKEN:, Renovate)', () => `${token}:`],
    ['oauth2:TOKEN (GitLab CI habit)', () => `oauth2:${token}`],
    ['x-access-token:TOKEN (GitHub Actions habit)', () => `x-access-token:${token}`],
    ['the owner name and the token', () => `${owner}:${token}`],
  ])('pushes with %s', async (_label, userinfo) => {
    await commitFiles(work, { [`file-${Math.random().toString(36).slice(2)}.txt`]: 'x\n' }, 'One more');
    const push = await runGit(['push', url(userinfo()), 'HEAD:refs/heads/main'], { cwd: work });
    expect(push.stderr).not.toContain('fatal');
    expect(push.code).toBe(0);
    const remote = await git(['ls-remote', url(userinfo()), 'refs/heads/main']);
    expect(remote.split('\t')[0]).toBe((await git(['rev-parse', 'HEAD'], { cwd: work })).trim());
  });

  it('refuses the token as a user name with a wrong token, and oauth2: with a password', async () => {
    const wrong = await runGit(['push', url(`${'0'.repeat(40)}:`), 'HEAD:refs/heads/other'], { cwd: work });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/Authentication failed|401/);
    const password = await runGit(['push', url('oauth2:correct%20horse%20battery'), 'HEAD:refs/heads/other'], { cwd: work });
    expect(password.code).not.toBe(0);
  });

  it('answers 401 with a Basic challenge, then takes the credential from git credential helper store', async () => {
    const challenge = await fetch(`${server.url}/${owner}/${name}.git/info/refs?service=git-receive-pack`);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toBe('Basic realm="Fabrique"');
    // setup: the credential a user stored once (`git credential approve`), in a file of its own.
    const store = join(tempDir('fabrique-credentials-'), 'store');
    writeFileSync(store, '');
    const host = new URL(server.url);
    execFileSync('git', ['-c', `credential.helper=store --file=${store}`, 'credential', 'approve'], {
      env: clientEnv,
      input: `protocol=http\nhost=${host.host}\nusername=${owner}\npassword=${token}\n\n`,
    });
    await commitFiles(work, { 'helper.txt': 'from the helper\n' }, 'Through the helper');
    // test: no credential in the URL; git gets the 401, asks the helper, and pushes.
    const push = await runGit(['-c', `credential.helper=store --file=${store}`, 'push', `${server.url}/${owner}/${name}.git`, 'HEAD:refs/heads/main'], { cwd: work });
    expect(push.code, push.stderr).toBe(0);
  });
});

describe('curl /', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers the page to Accept */* (curl, wget, uptime checkers), and JSON 404 to an API path', async () => {
    const page = await fetch(`${server.url}/`, { headers: { accept: '*/*' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<html');
    const api = await fetch(`${server.url}/api/v1/nothing-here`, { headers: { accept: '*/*' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
