import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giteaApi, type Api } from 'gitea-js';
import { startServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';

/** gitea-js and Gitea's own conventions (paging, empty bodies, scopes) against a real Fabrique. */
describe('Gitea clients', () => {
  let server: TestServer;
  let owner: UserRow;
  let token: string;
  let client: Api<unknown>;

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db } = server.app.forge;
    owner = await buildUser(db, { username: 'gitea-user' });
    for (let i = 0; i < 3; i++) await buildRepo(db, server.config.reposDir, owner, { name: `paged-${i}` });
    token = buildToken(db, owner, ['all']);
    client = giteaApi(server.url, { token });
  });
  afterAll(async () => server?.close());

  it('reads the current user with username, and a repository with its merge styles', async () => {
    const user = await client.user.userGetCurrent();
    expect(user.data).toMatchObject({ login: 'gitea-user', username: 'gitea-user' });
    const repo = await client.repos.repoGet('gitea-user', 'paged-0');
    expect(repo.data).toMatchObject({
      allow_merge_commits: true,
      allow_rebase: true,
      allow_rebase_explicit: true,
      allow_squash_merge: true,
      allow_fast_forward_only_merge: true,
      default_merge_style: 'merge',
    });
    const edited = await client.repos.repoEdit('gitea-user', 'paged-0', { allow_squash_merge: true, default_merge_style: 'merge' });
    expect(edited.status).toBe(200);
    const refused = await fetch(`${server.url}/api/v1/repos/gitea-user/paged-0`, {
      method: 'PATCH',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allow_rebase: false, description: 'not stored' }),
    });
    expect(refused.status).toBe(422);
    expect((await client.repos.repoGet('gitea-user', 'paged-0')).data.description).toBe('');
  });

  it('caps limit at the maximum instead of refusing it, and links the next page', async () => {
    const all = await client.repos.repoSearch({ limit: 1000 });
    expect(all.status).toBe(200);
    expect(all.data.data?.length).toBe(3);
    const first = await client.repos.repoSearch({ limit: 2, page: 1 });
    expect(first.headers.get('x-total-count')).toBe('3');
    const link = first.headers.get('link') ?? '';
    expect(link).toContain('rel="next"');
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? '';
    expect(new URL(next).searchParams.get('page')).toBe('2');
    const second = await fetch(next, { headers: { authorization: `token ${token}` } });
    expect(((await second.json()) as { data: unknown[] }).data).toHaveLength(1);
  });

  it('takes a POST with Content-Type application/json and an empty body as no options', async () => {
    const response = await fetch(`${server.url}/api/v1/repos/gitea-user/paged-1/mirror-sync`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: '',
    });
    // Not a mirror: the route itself answers, where Fastify's parser used to stop the request.
    expect(((await response.json()) as { message: string }).message).toBe('gitea-user/paged-1 is not a mirror.');
    const broken = await fetch(`${server.url}/api/v1/repos/gitea-user/paged-1/mirror-sync`, {
      method: 'POST',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { message: string }).message).not.toContain('mirror');
  });

  it("accepts Gitea's whole scope vocabulary when a client asks for a token", async () => {
    // Gitea creates tokens only with the password (Basic), as gitea-js sends it when given one.
    const basic = giteaApi(server.url, { customFetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Basic ${Buffer.from(`gitea-user:${PASSWORD}`).toString('base64')}` } }) });
    const created = await basic.users.userCreateToken('gitea-user', { name: 'bot', scopes: ['write:issue', 'read:notification', 'read:misc', 'read:package', 'read:activitypub', 'write:repository'] });
    expect(created.status).toBe(201);
    expect(created.data.scopes).toContain('write:issue');
    const unknown = await fetch(`${server.url}/api/v1/users/gitea-user/tokens`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`gitea-user:${PASSWORD}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', scopes: ['write:everything'] }),
    });
    expect(unknown.status).toBe(422);
  });
});
