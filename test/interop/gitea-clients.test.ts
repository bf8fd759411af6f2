import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giteaApi, type Api } from 'gitea-js';
import { startServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import { createOrg } from '../../server/services/orgs.js';
import { pushHistory } from '../helpers/git.js';

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
    token = await buildToken(db, owner, ['all']);
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
    const edited = await client.repos.repoEdit('gitea-user', 'paged-0', { allow_squash_merge: false, default_merge_style: 'rebase' });
    expect(edited.data).toMatchObject({ allow_squash_merge: false, allow_rebase: true, default_merge_style: 'rebase' });
    expect((await client.repos.repoGet('gitea-user', 'paged-0')).data).toMatchObject({ allow_squash_merge: false, default_merge_style: 'rebase' });
    const refused = await fetch(`${server.url}/api/v1/repos/gitea-user/paged-0`, {
      method: 'PATCH',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ default_merge_style: 'octopus', description: 'not stored' }),
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

  it('creates a branch and reads refs, trees, languages, a repository by id, topics, teams and settings', async () => {
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner, { name: 'filled' });
    pushHistory(repoPath(server.config.reposDir, 'gitea-user', 'filled'), [{ message: 'first', files: { 'src/main.go': 'package main\n', 'README.md': '# x\n' } }]);
    await touchRepo(server.app.forge.db, repo.id, { isEmpty: false });
    await client.repos.repoUpdateTopics('gitea-user', 'filled', { topics: ['transport'] });

    const branch = await client.repos.repoCreateBranch('gitea-user', 'filled', { new_branch_name: 'next', old_ref_name: 'main' });
    expect(branch.status).toBe(201);
    expect(branch.data.name).toBe('next');
    const refs = await client.repos.repoListAllGitRefs('gitea-user', 'filled');
    expect(refs.data.map((r) => r.ref)).toEqual(['refs/heads/main', 'refs/heads/next']);
    const heads = await client.repos.repoListGitRefs('gitea-user', 'filled', 'heads/next');
    expect(heads.data[0].object?.sha).toBe(branch.data.commit?.id);
    const tree = await client.repos.getTree('gitea-user', 'filled', 'main', { recursive: true, per_page: 10 });
    expect(tree.data.tree?.map((e) => e.path)).toEqual(['README.md', 'src', 'src/main.go']);
    expect(tree.data.truncated).toBe(false);
    expect((await client.repos.repoGetLanguages('gitea-user', 'filled')).data).toEqual({ Go: 'package main\n'.length });
    expect((await client.repositories.repoGetById(repo.id)).data.full_name).toBe('gitea-user/filled');
    const search = await client.repos.repoSearch({ q: 'transport', topic: true });
    expect(search.data.data?.map((r) => r.name)).toEqual(['filled']);
    // Gitea answers {"topics": [...]} where gitea-js types an array: read it as Gitea sends it.
    const topics = (await client.topics.topicSearch({ q: 'trans' })).data as unknown as { topics: Array<{ topic_name: string; repo_count: number }> };
    expect(topics.topics).toEqual([expect.objectContaining({ topic_name: 'transport', repo_count: 1 })]);
    expect((await client.settings.getGeneralApiSettings()).data).toMatchObject({ max_response_items: 50, default_paging_num: 30 });
    expect((await client.settings.getGeneralRepositorySettings()).data.http_git_disabled).toBe(false);
    expect((await client.settings.getGeneralUiSettings()).data.allowed_reactions).toContain('heart');

    const org = await createOrg(server.app.forge.db, owner, { username: 'gitea-org' }, { actor: { kind: 'anonymous' }, ip: null });
    await buildRepo(server.app.forge.db, server.config.reposDir, org, { name: 'site' });
    const teams = await client.repos.repoListTeams('gitea-org', 'site');
    expect(teams.data.map((t) => t.name)).toEqual(['Owners']);
    expect((await client.repos.repoCheckTeam('gitea-org', 'site', 'Owners')).data.permission).toBe('owner');
  });
});
