import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as, call, signIn } from '../helpers/http.js';

/** The smallest valid PNG: one transparent pixel. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());
const db = () => server.app.forge.db;

describe('GET /api/v1/user/export', () => {
  it('refuses anonymous callers (401) and a token without read:user (403)', async () => {
    // setup
    const user = await buildUser(db());
    const repoOnly = await buildToken(db(), user, ['write:repository']);
    // test
    expect((await api(server.url, 'GET', '/user/export')).status).toBe(401);
    const refused = await api(server.url, 'GET', '/user/export', { auth: as(repoOnly) });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/read:user/);
  });

  it("downloads the account's data — its own contributions even in a repository now private to it — with no secret and nobody else's text", async () => {
    // setup: Camille writes in Dominique's public repository, which Dominique later makes private
    const camille = await buildUser(db());
    const dominique = await buildUser(db());
    const token = await buildToken(db(), camille, ['read:user', 'write:issue'], 'laptop');
    const tokenHash = createHash('sha256').update(token).digest('hex');
    const repo = await buildRepo(db(), server.config.reposDir, dominique, { name: 'voirie' });
    const secretRepo = await buildRepo(db(), server.config.reposDir, dominique, { name: 'budget', isPrivate: true });
    const base = `/repos/${dominique.username}/${repo.name}`;
    expect((await api(server.url, 'PATCH', '/user/settings', { auth: as(camille), body: { full_name: 'Camille Martin', location: 'Lyon' } })).status).toBe(200);
    expect((await api(server.url, 'POST', '/user/avatar', { auth: as(camille), body: { image: PNG } })).status).toBe(204);
    const issue = await api(server.url, 'POST', `${base}/issues`, { auth: as(camille), body: { title: 'Nid-de-poule rue Garibaldi', body: 'Devant le numéro 12.' } });
    expect(issue.status).toBe(201);
    const theirs = await api(server.url, 'POST', `${base}/issues`, { auth: as(dominique), body: { title: 'Feu rouge en panne', body: 'DOMINIQUE-ISSUE-TEXT' } });
    expect((await api(server.url, 'POST', `${base}/issues/${theirs.body.number}/comments`, { auth: as(camille), body: { body: 'Je confirme, depuis lundi.' } })).status).toBe(201);
    const their = await api(server.url, 'POST', `${base}/issues/${theirs.body.number}/comments`, { auth: as(dominique), body: { body: 'DOMINIQUE-COMMENT-TEXT' } });
    expect(their.status).toBe(201);
    expect((await api(server.url, 'POST', `${base}/issues/${theirs.body.number}/reactions`, { auth: as(camille), body: { content: 'heart' } })).status).toBeLessThan(300);
    expect((await api(server.url, 'POST', `${base}/issues/comments/${their.body.id}/reactions`, { auth: as(camille), body: { content: 'laugh' } })).status).toBeLessThan(300);
    const secret = await api(server.url, 'POST', `/repos/${dominique.username}/${secretRepo.name}/issues`, { auth: as(dominique), body: { title: 'DOMINIQUE-PRIVATE-TITLE' } });
    expect(secret.status).toBe(201);
    expect((await api(server.url, 'PATCH', base, { auth: as(dominique), body: { private: true } })).status).toBe(200);
    expect((await api(server.url, 'GET', `${base}/issues/${issue.body.number}`, { auth: as(camille) })).status).toBe(404);
    expect((await call(server.url, '/api/v1/auth/signin', { body: { username: camille.username, password: 'a guess' } })).status).toBe(401);
    const browser = await signIn(server.url, camille.username);
    // test
    const res = await call(server.url, '/api/v1/user/export', { cookie: browser.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="fabrique-${camille.username.toLowerCase()}-\\d{4}-\\d{2}-\\d{2}\\.json"$`));
    expect(res.headers.get('cache-control')).toBe('no-store');
    const data = res.body;
    expect(data.format).toBe('fabrique-account-export/1');
    expect(data.account).toMatchObject({ username: camille.username, full_name: 'Camille Martin', location: 'Lyon', emails: [{ email: camille.email, primary: true }] });
    expect(data.account).toMatchObject({ avatar: `data:image/png;base64,${PNG}` });
    expect(data.tokens).toEqual([expect.objectContaining({ name: 'laptop', scopes: ['read:user', 'write:issue'], last_used_at: null })]);
    expect(data.issues_and_pull_requests).toEqual([
      expect.objectContaining({ kind: 'issue', repository: `${dominique.username}/voirie`, number: issue.body.number, title: 'Nid-de-poule rue Garibaldi', body: 'Devant le numéro 12.' }),
    ]);
    expect(data.comments).toEqual([expect.objectContaining({ kind: 'issue', repository: `${dominique.username}/voirie`, number: theirs.body.number, body: 'Je confirme, depuis lundi.' })]);
    expect(data.reactions).toEqual([
      expect.objectContaining({ repository: `${dominique.username}/voirie`, number: theirs.body.number, content: 'heart', on_comment: false }),
      expect.objectContaining({ repository: `${dominique.username}/voirie`, number: theirs.body.number, content: 'laugh', on_comment: true }),
    ]);
    expect(data.sessions).toHaveLength(1);
    // Her own sign-in keeps its address; the failed attempt on her name was someone else's.
    expect((data.audit_events as Array<{ action: string; ip: string | null }>).map((e) => [e.action, e.ip])).toEqual([
      ['user.signin.failed', null],
      ['user.signin', '127.0.0.1'],
    ]);
    const text = JSON.stringify(data);
    const sessionValue = browser.cookie.split('=')[1] ?? '';
    for (const secretText of [token, tokenHash, token.slice(-8), camille.password_hash ?? '', PASSWORD, sessionValue, createHash('sha256').update(sessionValue).digest('hex'), browser.csrf]) {
      expect(text).not.toContain(secretText);
    }
    for (const others of ['DOMINIQUE-ISSUE-TEXT', 'DOMINIQUE-COMMENT-TEXT', 'DOMINIQUE-PRIVATE-TITLE', 'budget', dominique.email ?? '']) expect(text).not.toContain(others);
  });
});
