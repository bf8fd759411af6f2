import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser, PASSWORD } from '../helpers/factories.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';
import type { RepoRow } from '../../server/db/repos.js';
import { commitFiles, git, hasObject, makeWorkTree, repoUrl, runGit, tempDir } from '../helpers/git.js';

let server: TestServer;
let owner: UserRow;
let token: string;
let publicRepo: RepoRow;
let privateRepo: RepoRow;
let work: string;

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  token = await buildToken(db, owner);
  publicRepo = await buildRepo(db, server.config.reposDir, owner);
  privateRepo = await buildRepo(db, server.config.reposDir, owner, { isPrivate: true });
  work = await makeWorkTree(2);
  for (const repo of [publicRepo, privateRepo]) {
    await git(['push', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });
  }
});
afterAll(() => server.close());

const infoRefs = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}/info/refs?service=git-upload-pack`, { headers, redirect: 'manual' });
const basic = (user: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` });

describe('who may clone and push', () => {
  it('answers 401 with a Basic challenge to anonymous requests for a private or missing repository, alike', async () => {
    for (const name of [privateRepo.name, 'does-not-exist']) {
      const response = await infoRefs(`/${owner.username}/${name}.git`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Fabrique"');
    }
    const result = await runGit(['ls-remote', repoUrl(server.url, owner.username, privateRepo.name)]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/could not read Username|Authentication failed/);
  });

  it('answers 404 to a signed-in stranger for a private repository, exactly as for a missing one', async () => {
    const stranger = await buildUser(server.app.forge.db);
    const secret = await buildToken(server.app.forge.db, stranger);
    const hidden = await infoRefs(`/${owner.username}/${privateRepo.name}.git`, basic(stranger.username, secret));
    const missing = await infoRefs(`/${owner.username}/does-not-exist.git`, basic(stranger.username, secret));
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await hidden.text()).toBe(await missing.text());
  });

  it('answers 401 to wrong credentials and to a revoked token', async () => {
    // git sends credentials only when challenged, so a public repository would not notice them.
    const wrong = await runGit(['ls-remote', repoUrl(server.url, owner.username, privateRepo.name, { user: owner.username, secret: 'wrong' })]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Authentication failed');
    const { db } = server.app.forge;
    const revoked = await buildToken(db, owner, ['write:repository'], 'to-revoke');
    expect((await infoRefs(`/${owner.username}/${privateRepo.name}`, basic(owner.username, revoked))).status).toBe(200);
    await db.prepare('DELETE FROM access_tokens WHERE user_id = ? AND name = ?').run(owner.id, 'to-revoke');
    const after = await infoRefs(`/${owner.username}/${privateRepo.name}`, basic(owner.username, revoked));
    expect(after.status).toBe(401);
  });

  it('lets the owner clone a private repository with a token or the password', async () => {
    await git(['clone', '-q', repoUrl(server.url, owner.username, privateRepo.name, { user: owner.username, secret: token }), `${tempDir()}/a`]);
    await git(['clone', '-q', repoUrl(server.url, owner.username, privateRepo.name, { user: owner.username, secret: PASSWORD }), `${tempDir()}/b`]);
  });

  it('refuses an anonymous push with 401, so git asks for credentials', async () => {
    const response = await fetch(`${server.url}/${owner.username}/${publicRepo.name}.git/info/refs?service=git-receive-pack`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="Fabrique"');
    const result = await runGit(['push', repoUrl(server.url, owner.username, publicRepo.name), 'main:anon'], { cwd: work });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/could not read Username|Authentication failed/);
  });

  it('refuses a push from a read-only collaborator with a clear remote: reason, and stores nothing', async () => {
    const { db } = server.app.forge;
    const reader = await buildUser(db);
    const secret = await buildToken(db, reader);
    await db.prepare("INSERT INTO collaborators (repo_id, user_id, permission) VALUES (?, ?, 'read')").run(privateRepo.id, reader.id);
    const id = await commitFiles(work, { 'reader.txt': 'reader\n' }, 'by a reader');
    const result = await runGit(['push', repoUrl(server.url, owner.username, privateRepo.name, { user: reader.username, secret }), 'HEAD:main'], { cwd: work });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`remote: You need write access to ${owner.username}/${privateRepo.name}.`);
    expect(hasObject(repoPath(server.config.reposDir, owner.username, privateRepo.name), id)).toBe(false);
    await git(['reset', '-q', '--hard', 'HEAD~1'], { cwd: work });
  });

  it('refuses pushes to an archived repository with a reason', async () => {
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner);
    await db.prepare('UPDATE repositories SET is_archived = 1 WHERE id = ?').run(repo.id);
    const result = await runGit(['push', repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token }), 'main'], { cwd: work });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`remote: .*${repo.name} is archived`));
  });

  it('refuses other services and dumb HTTP with 403', async () => {
    const response = await fetch(`${server.url}/${owner.username}/${publicRepo.name}.git/info/refs?service=git-upload-archive`);
    expect(response.status).toBe(403);
    expect((await fetch(`${server.url}/${owner.username}/${publicRepo.name}.git/info/refs`)).status).toBe(403);
  });

  it('redirects the clone URL of a renamed repository', async () => {
    const { db } = server.app.forge;
    await db.prepare('INSERT INTO repository_redirects (owner_lower_name, lower_name, repo_id) VALUES (?, ?, ?)').run(owner.lower_name, 'old-name', publicRepo.id);
    const response = await infoRefs(`/${owner.username}/old-name.git`);
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`/${owner.username}/${publicRepo.name}.git/info/refs?service=git-upload-pack`);
    const out = await git(['ls-remote', repoUrl(server.url, owner.username, 'old-name')]);
    expect(out).toContain('refs/heads/main');
  });

  it('sends a fetch or push to the old name of a renamed repository on with 307, keeping .git, and never serves it there', async () => {
    const { db } = server.app.forge;
    await db.prepare('INSERT INTO repository_redirects (owner_lower_name, lower_name, repo_id) VALUES (?, ?, ?)').run(owner.lower_name, 'older-name', publicRepo.id);
    for (const service of ['git-upload-pack', 'git-receive-pack']) {
      const response = await fetch(`${server.url}/${owner.username}/older-name.git/${service}`, {
        method: 'POST',
        headers: { 'content-type': `application/x-${service}-request`, ...basic(owner.username, token) },
        body: '0000',
        redirect: 'manual',
      });
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toBe(`/${owner.username}/${publicRepo.name}.git/${service}`);
    }
    // Anonymous and unable to read the target: the challenge, as for a missing repository.
    const hidden = await fetch(`${server.url}/${owner.username}/${privateRepo.name}.git/git-upload-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request' },
      body: '0000',
      redirect: 'manual',
    });
    expect(hidden.status).toBe(401);
    expect(hidden.headers.get('www-authenticate')).toBe('Basic realm="Fabrique"');
  });
});
