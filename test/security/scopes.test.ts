import Fastify, { type RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../server/auth/policy.js';
import scopesPlugin, { type RouteScope } from '../../server/plugins/scopes.js';
import { startServer } from '../helpers/server.js';
import { buildToken } from '../helpers/factories.js';
import { allRefs, commitFiles, git, repoUrl, runGit, tempDir } from '../helpers/git.js';
import { makeWorld, type PullWorld } from '../pulls/setup.js';
import { api, as } from '../helpers/http.js';
import { tableNames } from '../helpers/tables.js';

const READ_ONLY = ['read:repository', 'read:user', 'read:organization', 'read:admin', 'read:issue'] as const;

/**
 * Non-GET routes that may declare something other than a write scope, and why: none of them takes
 * a token to change anything.
 */
const NOT_A_WRITE: Record<string, string> = {
  'POST /api/v1/setup': 'creates the first account with the one-time setup token, before any account or token exists',
  'POST /api/v1/auth/signin': 'checks a password and opens a session; a token signs nothing in',
  'POST /api/v1/auth/signup': 'creates an account from a form; no token exists yet',
  'POST /api/v1/auth/signout': 'closes the session of the cookie it came with, nothing else',
  'POST /api/v1/auth/password-reset': 'mails a reset link to an address; signed out, no token exists',
  'POST /api/v1/auth/password-reset/check': 'tells whom a mailed reset link is for; changes nothing',
  'POST /api/v1/auth/password-reset/complete': "sets a password with a mailed link's one-time token, not an API token",
  'POST /api/v1/auth/email/confirm': "confirms an address with a mailed link's one-time token, not an API token",
  'POST /-/internal/git/pre-receive': "git's hook asks with its push's own secret, from this machine",
  'POST /:owner/:repo/git-upload-pack': 'a fetch: git sends its wants as a POST, and it reads only (read:repository)',
  'POST /api/v1/markdown': "renders the text it is sent and stores nothing (Gitea's misc family, read:misc)",
  'POST /api/v1/repos/:owner/:repo/pulls/:index/refresh': 'refetches a pull request from another forge from the URL it recorded, as a notification does; rate-limited, for any reader',
  'POST /api/v1/remote-pulls/notify': "another forge's webhook, unauthenticated: A only refetches from the URLs it recorded (docs/security.md)",
};

const methodsOf = (route: RouteOptions) => (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');

describe('the route scope table', () => {
  const routes: RouteOptions[] = [];

  beforeAll(async () => {
    // setup: the whole app, with its route table seen as it is built
    const server = await startServer({ listen: false, onRoute: (route) => routes.push(route) });
    await server.close();
  });

  it('gives every route a scope, and every non-GET route a write scope unless it is on the justified list', () => {
    // test
    expect(routes.length).toBeGreaterThan(100);
    const undeclared = routes.filter((r) => r.config?.scope === undefined).map((r) => `${String(r.method)} ${r.url}`);
    expect(undeclared).toEqual([]);
    const notWrites: string[] = [];
    for (const route of routes) {
      for (const method of methodsOf(route)) {
        if (method === 'GET') continue;
        const key = `${method} ${route.url}`;
        const scope = route.config?.scope as RouteScope;
        if (!scope.startsWith('write:') && !(key in NOT_A_WRITE)) notWrites.push(`${key} (${scope})`);
      }
    }
    expect(notWrites).toEqual([]);
    // The justified list names real routes only: a stale entry would hide nothing, but says something false.
    const keys = new Set(routes.flatMap((r) => methodsOf(r).map((m) => `${m} ${r.url}`)));
    expect(Object.keys(NOT_A_WRITE).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('stops the start when a route declares no scope, naming it', async () => {
    // setup: the scopes plugin behind a stand-in for the authentication it depends on
    const app = Fastify();
    await app.register(
      fp(
        async (f) => {
          f.decorateRequest('actor', { getter: () => ANONYMOUS });
        },
        { name: 'fabrique-auth' },
      ),
    );
    await app.register(scopesPlugin);
    app.get('/declared', { config: { scope: 'none' } }, async () => 'ok');
    app.post('/forgotten', async () => 'ok');
    // test
    await expect(app.ready()).rejects.toThrow(/without a declared token scope.*POST \/forgotten/);
    await app.close();
  });
});

describe('a read-only token against every write route', () => {
  let w: PullWorld;
  let owner: string;
  let pull: number;
  const routes: RouteOptions[] = [];
  const ids: Record<string, number> = {};
  let readOnly: string;

  /** Rows in every table, and every ref of the repositories: what a refused request must leave as it was. */
  const snapshot = async () => {
    const { db } = w.server.app.forge;
    const tables = await tableNames(db);
    const rows = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get()])));
    return { rows, refs: allRefs(w.path) };
  };

  beforeAll(async () => {
    // setup: a repository with a pull request, a review with a line comment, a conversation comment,
    // an organisation with a team and a repository, a protected branch, a topic; the owner is a site
    // administrator, so that only the token's scopes can refuse anything.
    w = await makeWorld();
    owner = w.maintainer.username;
    const { db } = w.server.app.forge;
    await db.prepare('UPDATE users SET is_admin = 1 WHERE id = ?').run(w.maintainer.id);
    const me = as(w.tokens.maintainer);
    const repo = `/repos/${owner}/site`;
    pull = (await api(w.server.url, 'POST', `${repo}/pulls`, { auth: me, body: { head: 'feature', base: 'main', title: 'Feature' } })).body.number;
    await api(w.server.url, 'PUT', `${repo}/collaborators/${w.contributor.username}`, { auth: me, body: { permission: 'write' } });
    const review = await api(w.server.url, 'POST', `${repo}/pulls/${pull}/reviews`, {
      auth: me,
      body: { event: 'COMMENT', body: 'A look', comments: [{ path: 'NEW.md', body: 'Why?', new_position: 1 }] },
    });
    ids.review = review.body.id;
    ids.reviewComment = (await api(w.server.url, 'GET', `${repo}/pulls/${pull}/comments`, { auth: me })).body[0].id;
    ids.issueComment = (await api(w.server.url, 'POST', `${repo}/issues/${pull}/comments`, { auth: me, body: { body: 'Hello' } })).body.id;
    await api(w.server.url, 'POST', '/orgs', { auth: me, body: { username: 'scopes-org' } });
    await api(w.server.url, 'POST', '/orgs/scopes-org/repos', { auth: me, body: { name: 'lib' } });
    ids.team = (await api(w.server.url, 'POST', '/orgs/scopes-org/teams', { auth: me, body: { name: 'devs', permission: 'write' } })).body.id;
    await api(w.server.url, 'POST', `${repo}/branch_protections`, { auth: me, body: { rule_name: 'main' } });
    await api(w.server.url, 'PUT', `${repo}/topics/civic`, { auth: me });
    readOnly = await buildToken(db, w.maintainer, [...READ_ONLY], 'read-only');
    expect(Object.values(ids).every((id) => Number.isInteger(id))).toBe(true);

    const collector = await startServer({ listen: false, onRoute: (route) => routes.push(route) });
    await collector.close();
  });
  afterAll(() => w.server.close());

  /** A real address for a route: every parameter names something that exists. */
  function pathOf(url: string): string {
    const id = url.includes('/teams/:id')
      ? ids.team
      : url.includes('/reviews/:id')
        ? ids.review
        : url.includes('/issues/comments/:id')
          ? ids.issueComment
          : ids.reviewComment;
    const username = url.startsWith('/api/v1/admin/') ? w.contributor.username : owner;
    return url
      .replace(':owner', owner)
      .replace('/teams/:id/repos/:org/:repo', `/teams/${ids.team}/repos/scopes-org/lib`)
      .replace(':repo', 'site')
      .replace(':index', String(pull))
      .replace(':id', String(id))
      .replace(':org', 'scopes-org')
      .replace(':username', username)
      .replace(':collaborator', w.contributor.username)
      .replace(':token', 'read-only')
      .replace(':name', 'main')
      .replace(':topic', 'civic')
      .replace('*', 'README.md');
  }

  it('answers 403 naming the missing scope on every non-GET route, and stores nothing', async () => {
    // test
    const before = await snapshot();
    const tried: string[] = [];
    for (const route of routes) {
      for (const method of methodsOf(route)) {
        if (method === 'GET' || `${method} ${route.url}` in NOT_A_WRITE) continue;
        const path = pathOf(route.url);
        const res = await fetch(`${w.server.url}${path}`, {
          method,
          redirect: 'manual',
          headers: { authorization: `token ${readOnly}`, 'content-type': 'application/json' },
          body: '{}',
        });
        // The API answers Gitea's JSON; git's routes answer text, which git prints for its user.
        const text = await res.text();
        const message = (res.headers.get('content-type') ?? '').startsWith('application/json') ? (JSON.parse(text) as { message: string }).message : text.trim();
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(message, `${method} ${path}`).toBe(`This token lacks the ${String(route.config?.scope)} scope.`);
        tried.push(`${method} ${route.url}`);
      }
    }
    expect(tried.length).toBeGreaterThan(40);
    expect(tried).toContain('POST /api/v1/repos/:owner/:repo/pulls/:index/reviews');
    expect(tried).toContain('POST /:owner/:repo/git-receive-pack');
    expect(await snapshot()).toEqual(before);
  });
});

describe('the reported attacks', () => {
  let w: PullWorld;
  let owner: string;
  let pull: number;
  const repo = () => `/repos/${owner}/site`;

  beforeAll(async () => {
    // setup: a pull request on a branch that needs one approval, and a contributor with write access
    w = await makeWorld();
    owner = w.maintainer.username;
    const me = as(w.tokens.maintainer);
    await api(w.server.url, 'PUT', `${repo()}/collaborators/${w.contributor.username}`, { auth: me, body: { permission: 'write' } });
    await api(w.server.url, 'POST', `${repo()}/branch_protections`, { auth: me, body: { rule_name: 'main', required_approvals: 1 } });
    pull = (await api(w.server.url, 'POST', `${repo()}/pulls`, { auth: me, body: { head: 'feature', base: 'main', title: 'Feature' } })).body.number;
  });
  afterAll(() => w.server.close());

  it('refuses an APPROVED review from a read:user token, which then does not count toward required approvals', async () => {
    // test
    const { db } = w.server.app.forge;
    const reviews = async () => await db.prepare('SELECT count(*) FROM reviews').pluck().get();
    const readUser = await buildToken(db, w.contributor, ['read:user']);
    const attack = await api(w.server.url, 'POST', `${repo()}/pulls/${pull}/reviews`, { auth: as(readUser), body: { event: 'APPROVED', body: 'LGTM' } });
    expect(attack.status).toBe(403);
    expect(attack.body.message).toBe('This token lacks the write:repository scope.');
    expect(await reviews()).toBe(0);
    const merge = await api(w.server.url, 'POST', `${repo()}/pulls/${pull}/merge`, { auth: as(w.tokens.maintainer), body: { Do: 'merge' } });
    expect(merge.status).toBe(405);
    expect(merge.body.message).toMatch(/needs 1 approval\(s\).*it has 0/);
    // The same approval through a token that may write is taken, and counts.
    const writer = await buildToken(db, w.contributor, ['write:repository']);
    expect((await api(w.server.url, 'POST', `${repo()}/pulls/${pull}/reviews`, { auth: as(writer), body: { event: 'APPROVED', body: 'LGTM' } })).status).toBe(200);
    expect(await reviews()).toBe(1);
    expect((await api(w.server.url, 'POST', `${repo()}/pulls/${pull}/merge`, { auth: as(w.tokens.maintainer), body: { Do: 'merge' } })).status).toBe(200);
  });

  it('refuses comments and line comments from a read:repository token, storing none', async () => {
    // test
    const { db } = w.server.app.forge;
    const comments = async () => await db.prepare('SELECT (SELECT count(*) FROM issue_comments) + (SELECT count(*) FROM review_comments)').pluck().get();
    const before = await comments();
    const reader = await buildToken(db, w.contributor, ['read:repository', 'read:issue']);
    const comment = await api(w.server.url, 'POST', `${repo()}/issues/${pull}/comments`, { auth: as(reader), body: { body: 'Spam' } });
    expect(comment.status).toBe(403);
    // Conversation comments are Gitea's issue scope, for pull requests as for issues.
    expect(comment.body.message).toBe('This token lacks the write:issue scope.');
    const line = await api(w.server.url, 'POST', `${repo()}/pulls/${pull}/comments`, { auth: as(reader), body: { path: 'NEW.md', body: 'Spam', new_position: 1 } });
    expect(line.status).toBe(403);
    expect(await comments()).toBe(before);
    // The token still reads what it may read.
    expect((await api(w.server.url, 'GET', `${repo()}/issues/${pull}/comments`, { auth: as(reader) })).status).toBe(200);
  });

  it('lets a read:repository token clone but not push, leaving the refs as they were', async () => {
    // setup
    const { db } = w.server.app.forge;
    const reader = await buildToken(db, w.maintainer, ['read:repository']);
    const work = tempDir();
    const url = repoUrl(w.server.url, owner, 'site', { user: owner, secret: reader });
    await git(['clone', '-q', url, work]);
    await commitFiles(work, { 'pushed.txt': 'no\n' }, 'Pushed with a read-only token');
    const refs = allRefs(w.path);
    // test
    const push = await runGit(['push', 'origin', 'HEAD:main'], { cwd: work });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/403/);
    expect(allRefs(w.path)).toBe(refs);
  });
});
