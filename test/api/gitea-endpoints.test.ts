import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api } from '../helpers/http.js';
import { allRefs, gitSync, pushHistory, refOf } from '../helpers/git.js';
import type { UserRow } from '../../server/db/users.js';
import type { RepoRow } from '../../server/db/repos.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import { setCollaborator } from '../../server/services/repos.js';
import { addTeamRepo, createOrg, createTeam } from '../../server/services/orgs.js';

/*
 * The Gitea endpoints of issue #12 over real HTTP: stored merge styles, branch creation through the
 * ref gate, git refs and trees, languages, a repository by id, topic search, a repository's teams
 * and the instance settings. Private stays a 404, counts included.
 */

let server: TestServer;
let owner: UserRow;
let writer: UserRow;
let stranger: UserRow;
let member: UserRow;
const tokens: Record<'owner' | 'writer' | 'stranger' | 'member', string> = { owner: '', writer: '', stranger: '', member: '' };
let code: RepoRow;
let secret: RepoRow;
let orgRepo: RepoRow;
let commits: string[];

const as = (who: keyof typeof tokens): Record<string, string> => ({ authorization: `token ${tokens[who]}` });
const codePath = () => repoPath(server.config.reposDir, owner.username, 'code');
const codeApi = (path: string) => `/repos/${owner.username}/code${path}`;
const storedStyles = async (repo: RepoRow) =>
  await server.app.forge.db
    .prepare('SELECT allow_merge_commits, allow_rebase, allow_squash_merge, default_merge_style FROM repositories WHERE id = ?')
    .get(repo.id) as Record<string, unknown>;

/** A repository with a history pushed straight into its folder (fixed ids), marked non-empty. */
async function repoWithHistory(who: UserRow, name: string, isPrivate = false): Promise<{ repo: RepoRow; ids: string[] }> {
  const { db } = server.app.forge;
  const repo = await buildRepo(db, server.config.reposDir, who, { name, isPrivate });
  const ids = pushHistory(repoPath(server.config.reposDir, who.username, name), [
    { message: 'first', files: { 'README.md': '# Code\n', 'src/app.ts': 'export const a = 1;\n', 'src/tools/run.py': 'print("hi")\n' }, tag: { name: 'v1', message: 'Version 1' } },
    { message: 'second', files: { 'src/more.ts': 'export const b = 22;\n' } },
    { message: 'feature', branch: 'feature', files: { 'src/feature.ts': 'export const f = 3;\n' } },
  ]);
  await touchRepo(db, repo.id, { isEmpty: false });
  return { repo: { ...repo, is_empty: 0 }, ids };
}

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db } = server.app.forge;
  const context = { actor: { kind: 'anonymous' as const }, ip: null };
  owner = await buildUser(db, { username: 'ada' });
  writer = await buildUser(db, { username: 'wren' });
  stranger = await buildUser(db, { username: 'stan' });
  member = await buildUser(db, { username: 'mia' });
  for (const [who, user] of [['owner', owner], ['writer', writer], ['stranger', stranger], ['member', member]] as const) tokens[who] = await buildToken(db, user, ['all']);
  ({ repo: code, ids: commits } = await repoWithHistory(owner, 'code'));
  ({ repo: secret } = await repoWithHistory(owner, 'secret', true));
  await setCollaborator(db, code, writer, 'write', context);
  const org = await createOrg(db, owner, { username: 'ville' }, context);
  orgRepo = await buildRepo(db, server.config.reposDir, org, { name: 'portail' });
  const devs = await createTeam(db, org, { name: 'devs', permission: 'write' }, context);
  await createTeam(db, org, { name: 'others', permission: 'read' }, context);
  await addTeamRepo(db, org, devs, orgRepo, context);
  await setCollaborator(db, orgRepo, member, 'read', context);
  expect((await api(server.url, 'PUT', codeApi('/topics'), { auth: as('owner'), body: { topics: ['mobility', 'maps'] } })).status).toBe(204);
  expect((await api(server.url, 'PUT', `/repos/${owner.username}/secret/topics`, { auth: as('owner'), body: { topics: ['mobility', 'hidden-topic'] } })).status).toBe(204);
});
afterAll(async () => server?.close());

describe('merge styles stored per repository', () => {
  it('refuses a writer who is not an administrator (403) and stores nothing', async () => {
    const before = await storedStyles(code);
    const res = await api(server.url, 'PATCH', codeApi(''), { auth: as('writer'), body: { allow_squash_merge: false } });
    expect(res.status).toBe(403);
    expect(await storedStyles(code)).toEqual(before);
  });

  it('refuses an unknown default style (422) and stores nothing', async () => {
    const before = await storedStyles(code);
    const res = await api(server.url, 'PATCH', codeApi(''), { auth: as('owner'), body: { allow_rebase: false, default_merge_style: 'octopus' } });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/default_merge_style/);
    expect(await storedStyles(code)).toEqual(before);
  });

  it('stores what the administrator sets and shows it on the repository', async () => {
    const res = await api(server.url, 'PATCH', codeApi(''), { auth: as('owner'), body: { allow_squash_merge: false, allow_merge_commits: false, default_merge_style: 'rebase' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ allow_squash_merge: false, allow_merge_commits: false, allow_rebase: true, allow_fast_forward_only_merge: true, default_merge_style: 'rebase' });
    const read = await api(server.url, 'GET', codeApi(''), { auth: as('stranger') });
    expect(read.body).toMatchObject({ allow_squash_merge: false, allow_merge_commits: false, default_merge_style: 'rebase' });
  });

  it('refuses to merge in a style the repository disallows (405, Gitea\'s message), leaving the base branch, then merges in an allowed one', async () => {
    const opened = await api(server.url, 'POST', codeApi('/pulls'), { auth: as('writer'), body: { head: 'feature', base: 'main', title: 'Feature' } });
    expect(opened.status).toBe(201);
    const before = refOf(codePath(), 'refs/heads/main');
    const squash = await api(server.url, 'POST', codeApi(`/pulls/${opened.body.number}/merge`), { auth: as('writer'), body: { Do: 'squash' } });
    expect(squash.status).toBe(405);
    expect(squash.body.message).toBe('squash is not allowed an allowed merge style for this repository');
    const merge = await api(server.url, 'POST', codeApi(`/pulls/${opened.body.number}/merge`), { auth: as('writer'), body: { Do: 'merge' } });
    expect(merge.status).toBe(405);
    expect(refOf(codePath(), 'refs/heads/main')).toBe(before);
    const rebase = await api(server.url, 'POST', codeApi(`/pulls/${opened.body.number}/merge`), { auth: as('writer'), body: { Do: 'rebase' } });
    expect(rebase.status).toBe(200);
    expect(refOf(codePath(), 'refs/heads/main')).not.toBe(before);
  });
});

describe('branch protection status checks', () => {
  it('keeps enable_status_check and status_check_contexts, and returns them', async () => {
    const created = await api(server.url, 'POST', codeApi('/branch_protections'), {
      auth: as('owner'),
      body: { rule_name: 'release/*', enable_status_check: true, status_check_contexts: ['ci/build', 'ci/lint'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ enable_status_check: true, status_check_contexts: ['ci/build', 'ci/lint'] });
    const edited = await api(server.url, 'PATCH', codeApi('/branch_protections/release%2F*'), { auth: as('owner'), body: { status_check_contexts: ['ci/test'] } });
    expect(edited.body).toMatchObject({ enable_status_check: true, status_check_contexts: ['ci/test'] });
    const read = await api(server.url, 'GET', codeApi('/branch_protections/release%2F*'), { auth: as('owner') });
    expect(read.body).toMatchObject({ enable_status_check: true, status_check_contexts: ['ci/test'] });
  });
});

describe('POST /repos/{owner}/{repo}/branches', () => {
  it('refuses the anonymous (401), a reader (403) and hides a private repository (404), moving no ref', async () => {
    const refs = allRefs(codePath());
    expect((await api(server.url, 'POST', codeApi('/branches'), { body: { new_branch_name: 'x' } })).status).toBe(401);
    expect((await api(server.url, 'POST', codeApi('/branches'), { auth: as('stranger'), body: { new_branch_name: 'x' } })).status).toBe(403);
    const hidden = await api(server.url, 'POST', `/repos/${owner.username}/secret/branches`, { auth: as('stranger'), body: { new_branch_name: 'x' } });
    expect(hidden.status).toBe(404);
    expect(allRefs(codePath())).toBe(refs);
  });

  it.each([
    [{ new_branch_name: 'bad..name' }, 422, /not a valid branch name/],
    [{ new_branch_name: '' }, 422, /new_branch_name/],
    [{ new_branch_name: 'ok', old_branch_name: 'nope' }, 404, /The old branch does not exist/],
    [{ new_branch_name: 'ok', old_ref_name: 'nope' }, 404, /"nope"/],
    [{ new_branch_name: 'main' }, 409, /The branch already exists/],
    [{ new_branch_name: 'v1' }, 409, /same tag/],
    [{ new_branch_name: 'main/sub' }, 409, /cannot have both/],
    [{ new_branch_name: 'release/1.0' }, 403, /protected/],
  ])('refuses %j with %i and a clear message, moving no ref', async (body, status, message) => {
    const refs = allRefs(codePath());
    const res = await api(server.url, 'POST', codeApi('/branches'), { auth: as('writer'), body });
    expect(res.status).toBe(status);
    expect(res.body.message).toMatch(message);
    expect(allRefs(codePath())).toBe(refs);
  });

  it('creates a branch at the default branch, or at the named ref, and answers the Branch (201)', async () => {
    const fromDefault = await api(server.url, 'POST', codeApi('/branches'), { auth: as('writer'), body: { new_branch_name: 'topic/one' } });
    expect(fromDefault.status).toBe(201);
    expect(fromDefault.body).toMatchObject({ name: 'topic/one', commit: { id: refOf(codePath(), 'refs/heads/main') } });
    const fromTag = await api(server.url, 'POST', codeApi('/branches'), { auth: as('writer'), body: { new_branch_name: 'from-tag', old_ref_name: 'v1' } });
    expect(fromTag.status).toBe(201);
    expect(refOf(codePath(), 'refs/heads/from-tag')).toBe(commits[0]);
    const fromBranch = await api(server.url, 'POST', codeApi('/branches'), { auth: as('writer'), body: { new_branch_name: 'from-feature', old_branch_name: 'feature' } });
    expect(refOf(codePath(), 'refs/heads/from-feature')).toBe(fromBranch.body.commit.id);
    expect(fromBranch.body.commit.id).toBe(commits[2]);
  });
});

describe('GET /repos/{owner}/{repo}/git/refs', () => {
  it('lists every ref, filters by prefix, names annotated tags as tags, and 404s what is not there', async () => {
    const all = await api(server.url, 'GET', codeApi('/git/refs'));
    expect(all.status).toBe(200);
    expect(all.body.map((r: { ref: string }) => r.ref)).toEqual(expect.arrayContaining(['refs/heads/main', 'refs/heads/feature', 'refs/tags/v1']));
    const heads = await api(server.url, 'GET', codeApi('/git/refs/heads'));
    expect(heads.body.every((r: { ref: string }) => r.ref.startsWith('refs/heads/'))).toBe(true);
    const tag = await api(server.url, 'GET', codeApi('/git/refs/tags/v1'));
    expect(tag.body).toEqual([
      {
        ref: 'refs/tags/v1',
        url: `${server.config.baseUrl}/api/v1${codeApi('/git/refs/tags/v1')}`,
        object: { type: 'tag', sha: gitSync(codePath(), ['rev-parse', 'refs/tags/v1']), url: `${server.config.baseUrl}/api/v1${codeApi('/git/tags/')}${gitSync(codePath(), ['rev-parse', 'refs/tags/v1'])}` },
      },
    ]);
    expect((await api(server.url, 'GET', codeApi('/git/refs/heads/nothing-here'))).status).toBe(404);
  });

  it('hides a private repository (404)', async () => {
    expect((await api(server.url, 'GET', `/repos/${owner.username}/secret/git/refs`, { auth: as('stranger') })).status).toBe(404);
    expect((await api(server.url, 'GET', `/repos/${owner.username}/secret/git/refs`, { auth: as('owner') })).status).toBe(200);
  });
});

describe('GET /repos/{owner}/{repo}/git/trees/{sha}', () => {
  it('lists a branch\'s tree under its commit id, with blob sizes', async () => {
    const res = await api(server.url, 'GET', codeApi(`/git/trees/${commits[0]}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sha: commits[0], truncated: false, page: 1, total_count: 2 });
    expect(res.body.tree).toEqual([
      expect.objectContaining({ path: 'README.md', type: 'blob', mode: '100644', size: 7 }),
      expect.objectContaining({ path: 'src', type: 'tree', mode: '040000', size: 0 }),
    ]);
  });

  it('walks recursively and pages with per_page, truncated and a Link to the next page', async () => {
    const res = await api(server.url, 'GET', codeApi(`/git/trees/${commits[0]}?recursive=true&per_page=2&page=2`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total_count: 5, page: 2, truncated: true });
    expect(res.body.tree.map((e: { path: string }) => e.path)).toEqual(['src/app.ts', 'src/tools']);
    expect(res.headers.get('x-total-count')).toBe('5');
    const next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? '';
    expect(new URL(next).searchParams.get('per_page')).toBe('2');
    expect(new URL(next).searchParams.get('page')).toBe('3');
    const last = await api(server.url, 'GET', codeApi(`/git/trees/${commits[0]}?recursive=true&per_page=2&page=3`));
    expect(last.body).toMatchObject({ truncated: false, tree: [expect.objectContaining({ path: 'src/tools/run.py' })] });
  });

  it('takes a tree id and a branch name, caps per_page, and answers Gitea\'s 400 for an unknown sha', async () => {
    const src = gitSync(codePath(), ['rev-parse', `${commits[0]}:src`]);
    const tree = await api(server.url, 'GET', codeApi(`/git/trees/${src}?per_page=100000`));
    expect(tree.status).toBe(200);
    expect(tree.body.tree.map((e: { path: string }) => e.path)).toEqual(['app.ts', 'tools']);
    expect((await api(server.url, 'GET', codeApi('/git/trees/feature'))).body.sha).toBe(commits[2]);
    const unknown = await api(server.url, 'GET', codeApi(`/git/trees/${'0'.repeat(40)}`));
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/sha not found/);
    const blob = gitSync(codePath(), ['rev-parse', `${commits[0]}:README.md`]);
    expect((await api(server.url, 'GET', codeApi(`/git/trees/${blob}`))).status).toBe(400);
  });

  it('hides a private repository (404)', async () => {
    expect((await api(server.url, 'GET', `/repos/${owner.username}/secret/git/trees/main`)).status).toBe(404);
  });
});

describe('GET /repos/{owner}/{repo}/languages', () => {
  it('answers the bytes of each language of the default branch, and 404 for a private repository', async () => {
    const res = await api(server.url, 'GET', codeApi('/languages'));
    expect(res.status).toBe(200);
    // The feature branch was rebased onto main by the merge test above.
    const ts = 'export const a = 1;\n'.length + 'export const b = 22;\n'.length + 'export const f = 3;\n'.length;
    expect(res.body).toEqual({ TypeScript: ts, Python: 'print("hi")\n'.length });
    expect((await api(server.url, 'GET', `/repos/${owner.username}/secret/languages`, { auth: as('stranger') })).status).toBe(404);
  });
});

describe('GET /repositories/{id}', () => {
  it('answers a readable repository, and 404 for a private one, exactly as for one that does not exist', async () => {
    const res = await api(server.url, 'GET', `/repositories/${code.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: code.id, full_name: `${owner.username}/code` });
    const hidden = await api(server.url, 'GET', `/repositories/${secret.id}`, { auth: as('stranger') });
    const missing = await api(server.url, 'GET', '/repositories/999999', { auth: as('stranger') });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    expect((await api(server.url, 'GET', `/repositories/${secret.id}`)).status).toBe(404);
    expect((await api(server.url, 'GET', `/repositories/${secret.id}`, { auth: as('owner') })).status).toBe(200);
  });
});

describe('topics', () => {
  it('searches topics with counts of the repositories the asker may read only', async () => {
    const anonymous = await api(server.url, 'GET', '/topics/search?q=mob');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.topics).toEqual([expect.objectContaining({ topic_name: 'mobility', repo_count: 1 })]);
    expect(anonymous.headers.get('x-total-count')).toBe('1');
    expect((await api(server.url, 'GET', '/topics/search?q=hidden', { auth: as('stranger') })).body.topics).toEqual([]);
    const own = await api(server.url, 'GET', '/topics/search?q=i', { auth: as('owner') });
    expect(own.body.topics).toEqual([
      expect.objectContaining({ topic_name: 'mobility', repo_count: 2 }),
      expect.objectContaining({ topic_name: 'hidden-topic', repo_count: 1 }),
    ]);
  });

  it('/repos/search with topic=true matches q against topics exactly', async () => {
    const exact = await api(server.url, 'GET', '/repos/search?q=maps&topic=true');
    expect(exact.body.data.map((r: { name: string }) => r.name)).toEqual(['code']);
    expect((await api(server.url, 'GET', '/repos/search?q=map&topic=true')).body.data).toEqual([]);
    // Without topic=true, q searches names and descriptions.
    expect((await api(server.url, 'GET', '/repos/search?q=maps')).body.data).toEqual([]);
    expect((await api(server.url, 'GET', '/repos/search?q=hidden-topic&topic=true', { auth: as('stranger') })).body.data).toEqual([]);
    expect((await api(server.url, 'GET', '/repos/search?q=hidden-topic&topic=true', { auth: as('owner') })).body.data).toHaveLength(1);
  });
});

describe('GET /repos/{owner}/{repo}/teams', () => {
  it('lists the teams that reach an organisation\'s repository, to signed-in readers', async () => {
    expect((await api(server.url, 'GET', '/repos/ville/portail/teams')).status).toBe(401);
    const res = await api(server.url, 'GET', '/repos/ville/portail/teams', { auth: as('member') });
    expect(res.status).toBe(200);
    expect(res.body.map((t: { name: string }) => t.name)).toEqual(['devs', 'Owners']);
    const one = await api(server.url, 'GET', '/repos/ville/portail/teams/devs', { auth: as('member') });
    expect(one.body).toMatchObject({ name: 'devs', permission: 'write' });
    expect((await api(server.url, 'GET', '/repos/ville/portail/teams/others', { auth: as('member') })).status).toBe(404);
    expect(orgRepo.owner_type).toBe('org');
  });

  it("answers Gitea's 405 for a user's repository", async () => {
    const res = await api(server.url, 'GET', codeApi('/teams'), { auth: as('stranger') });
    expect(res.status).toBe(405);
    expect(res.body.message).toMatch(/organisation/);
  });
});

describe('settings', () => {
  it('answers the API, repository and UI settings', async () => {
    expect((await api(server.url, 'GET', '/settings/api')).body).toEqual({
      max_response_items: 50,
      default_paging_num: 30,
      default_git_trees_per_page: 1000,
      default_max_blob_size: 10 * 1024 * 1024,
    });
    expect((await api(server.url, 'GET', '/settings/repository')).body).toMatchObject({ mirrors_disabled: false, http_git_disabled: false, stars_disabled: true });
    expect((await api(server.url, 'GET', '/settings/ui')).body.allowed_reactions).toContain('+1');
  });
});

describe('the OpenAPI document', () => {
  it('lists every new endpoint', async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/repos/{owner}/{repo}/git/refs',
        '/api/v1/repos/{owner}/{repo}/git/trees/{sha}',
        '/api/v1/repos/{owner}/{repo}/languages',
        '/api/v1/repos/{owner}/{repo}/teams',
        '/api/v1/repos/{owner}/{repo}/teams/{team}',
        '/api/v1/repositories/{id}',
        '/api/v1/topics/search',
        '/api/v1/settings/api',
        '/api/v1/settings/repository',
        '/api/v1/settings/ui',
      ]),
    );
    expect(Object.keys(document.paths['/api/v1/repos/{owner}/{repo}/branches'])).toEqual(expect.arrayContaining(['get', 'post']));
  });
});
