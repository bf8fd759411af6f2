import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { touchRepo, type RepoRow } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { repoPath } from '../../server/git/store.js';
import { createOrg } from '../../server/services/orgs.js';
import { ANONYMOUS } from '../../server/auth/policy.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let owner: UserRow;
let org: UserRow;
let tools: RepoRow;
let hidden: RepoRow;
let ownerToken: string;
/** Commit ids of tools: [initial, second on main, tagged, feature]. */
let ids: string[];

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}/api/v4${path}`, { headers });
async function json(path: string, headers: Record<string, string> = {}) {
  const response = await get(path, headers);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type'), path).toBe('application/json');
  return response.json();
}
const toolsPath = () => `/projects/${tools.id}`;

beforeAll(async () => {
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  ownerToken = await buildToken(db, owner, ['all']);
  org = await createOrg(db, owner, { username: `ville${owner.id}`, visibility: 'public' }, { actor: ANONYMOUS, ip: '127.0.0.1' });
  tools = await buildRepo(db, server.config.reposDir, org, { name: 'tools' });
  ids = pushHistory(repoPath(server.config.reposDir, org.username, 'tools'), [
    { message: 'Initial commit', files: { 'README.md': '# Tools\n', 'src/main.ts': 'export const one = 1;\n' } },
    { message: 'Add a second line\n\nWith a body.', files: { 'src/main.ts': 'export const one = 1;\nexport const two = 2;\n', 'logo.bin': Buffer.from([0, 1, 2, 255]) } },
    { message: 'Release', files: { 'CHANGELOG.md': '1.0\n', 'src/style.css': 'a { color: red; }\n' }, tag: { name: 'v1.0', message: 'First release' } },
    { message: 'Feature work', branch: 'feature', files: { 'feature.txt': 'new\n' } },
  ]);
  await touchRepo(db, tools.id, { isEmpty: false });
  hidden = await buildRepo(db, server.config.reposDir, org, { name: 'hidden', isPrivate: true });
  pushHistory(repoPath(server.config.reposDir, org.username, 'hidden'), [{ message: 'Secret', files: { 'README.md': 'secret\n' }, tag: { name: 'v1.0' } }]);
  await touchRepo(db, hidden.id, { isEmpty: false });
});
afterAll(() => server.close());

describe("GitLab v4 conventions", () => {
  it('answers exactly application/json, without a charset, for objects, lists and errors', async () => {
    await json(toolsPath());
    await json('/projects');
    const missing = await get('/projects/999999');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(await missing.json()).toEqual({ message: '404 Project Not Found' });
  });

  it('answers a wrong PRIVATE-TOKEN with a 401, and a right one reads /user', async () => {
    const wrong = await get('/projects', { 'private-token': 'not-a-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/json');
    expect((await get('/user')).status).toBe(401);
    const me = await json('/user', { 'private-token': ownerToken });
    expect(me).toMatchObject({ id: owner.id, username: owner.username, email: owner.email, state: 'active' });
  });

  it('reads True/False/1/0 query booleans as GitLab does, and refuses anything else with a 422', async () => {
    const archived = (await json('/projects?archived=False&per_page=100')) as { id: number }[];
    expect(archived.map((p) => p.id)).toContain(tools.id);
    expect(((await json('/projects?archived=True&per_page=100')) as { id: number }[]).map((p) => p.id)).not.toContain(tools.id);
    const licensed = await json(`${toolsPath()}?license=True&statistics=1`);
    expect(licensed).toHaveProperty('license');
    expect(licensed.statistics).toMatchObject({ commit_count: 3, repository_size: expect.any(Number) });
    expect(licensed.statistics.repository_size).toBeGreaterThan(0);
    const plain = await json(`${toolsPath()}?license=0&statistics=false`);
    expect(plain).not.toHaveProperty('statistics');
    expect(plain).not.toHaveProperty('license');
    const flat = (await json(`${toolsPath()}/repository/tree?recursive=False&per_page=100`)) as { path: string }[];
    expect(flat.map((e) => e.path)).not.toContain('src/main.ts');
    const deep = (await json(`${toolsPath()}/repository/tree?recursive=TRUE&per_page=100`)) as { path: string }[];
    expect(deep.map((e) => e.path)).toContain('src/main.ts');
    const bad = await get('/projects?archived=maybe');
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/json');
  });

  it('answers statistics=true on the list with an object per project', async () => {
    const list = (await json('/projects?statistics=true&per_page=100')) as { id: number; statistics: { commit_count: number } }[];
    expect(list.find((p) => p.id === tools.id)?.statistics.commit_count).toBe(3);
  });

  it('caps per_page above 100 at 100 instead of refusing it', async () => {
    const response = await get('/projects?per_page=1000');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-per-page')).toBe('100');
  });

  it('pages projects by keyset on id, both ways, with only a next Link, and answers 405 for keyset on another order', async () => {
    const { db } = server.app.forge;
    const more = [await buildRepo(db, server.config.reposDir, owner), await buildRepo(db, server.config.reposDir, owner)];
    const ascending = [tools.id, ...more.map((r) => r.id)];
    const walk = async (sort: 'asc' | 'desc') => {
      const seen: number[] = [];
      let next: string | undefined = `${server.url}/api/v4/projects?pagination=keyset&order_by=id&sort=${sort}&per_page=2&simple=true`;
      while (next) {
        const response: Response = await fetch(next);
        expect(response.status).toBe(200);
        // Keyset paging counts nothing: no X-Total, no page numbers.
        expect(response.headers.get('x-total')).toBeNull();
        seen.push(...((await response.json()) as { id: number }[]).map((p) => p.id));
        next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
        if (next) expect(new URL(next).searchParams.get(sort === 'asc' ? 'id_after' : 'id_before')).toBe(String(seen[seen.length - 1]));
      }
      return seen;
    };
    expect(await walk('asc')).toEqual(ascending);
    expect(await walk('desc')).toEqual([...ascending].reverse());
    const refused = await get('/projects?pagination=keyset&order_by=created_at');
    expect(refused.status).toBe(405);
    expect(refused.headers.get('content-type')).toBe('application/json');
    expect(await refused.json()).toEqual({ message: 'Keyset pagination is not yet available for this type of request' });
  });

  it("gives GitLab's paging headers and Link on every list", async () => {
    const response = await get(`${toolsPath()}/repository/commits?per_page=1&page=2`);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(['x-page', 'x-per-page', 'x-total', 'x-total-pages', 'x-next-page', 'x-prev-page'].map((h) => [h, response.headers.get(h)]))).toEqual({
      'x-page': '2',
      'x-per-page': '1',
      'x-total': '3',
      'x-total-pages': '3',
      'x-next-page': '3',
      'x-prev-page': '1',
    });
    const link = response.headers.get('link') ?? '';
    for (const [page, rel] of [[1, 'prev'], [3, 'next'], [1, 'first'], [3, 'last']] as const) {
      expect(link).toContain(`<${server.url}/api/v4/projects/${tools.id}/repository/commits?per_page=1&page=${page}>; rel="${rel}"`);
    }
    const last = await get(`${toolsPath()}/repository/commits?per_page=1&page=3`);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });
});

describe('GitLab v4 read endpoints', () => {
  it('lists branches and shows one, with its head commit', async () => {
    const branches = (await json(`${toolsPath()}/repository/branches`)) as { name: string; default: boolean; merged: boolean; commit: { id: string } }[];
    expect(branches.map((b) => [b.name, b.default, b.merged, b.commit.id])).toEqual([
      ['feature', false, false, ids[3]],
      ['main', true, false, ids[2]],
    ]);
    const main = await json(`${toolsPath()}/repository/branches/main`);
    expect(main).toMatchObject({ name: 'main', protected: false, can_push: false, web_url: `${server.url}/${org.username}/tools/src/branch/main`, commit: { id: ids[2], title: 'Release' } });
    expect((await get(`${toolsPath()}/repository/branches/nope`)).status).toBe(404);
  });

  it('lists commits of a ref and of a path, and shows one with its stats', async () => {
    const history = (await json(`${toolsPath()}/repository/commits`)) as { id: string }[];
    expect(history.map((c) => c.id)).toEqual([ids[2], ids[1], ids[0]]);
    const feature = (await json(`${toolsPath()}/repository/commits?ref_name=feature&path=src/main.ts`)) as { id: string }[];
    expect(feature.map((c) => c.id)).toEqual([ids[1], ids[0]]);
    const commit = await json(`${toolsPath()}/repository/commits/${ids[1]}`);
    expect(commit).toMatchObject({
      id: ids[1],
      short_id: ids[1].slice(0, 8),
      title: 'Add a second line',
      parent_ids: [ids[0]],
      author_name: 'Ada Lovelace',
      stats: { additions: 1, deletions: 0, total: 1 },
    });
    expect((await get(`${toolsPath()}/repository/commits/${'0'.repeat(40)}`)).status).toBe(404);
  });

  it('serves a file raw and as base64 with its metadata', async () => {
    const raw = await get(`${toolsPath()}/repository/files/src%2Fmain.ts/raw?ref=main`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toBe('export const one = 1;\nexport const two = 2;\n');
    const older = await get(`${toolsPath()}/repository/files/src%2Fmain.ts/raw?ref=${ids[0]}`);
    expect(await older.text()).toBe('export const one = 1;\n');
    const binary = await get(`${toolsPath()}/repository/files/logo.bin/raw`);
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await binary.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    const file = await json(`${toolsPath()}/repository/files/src%2Fmain.ts?ref=feature`);
    expect(file).toMatchObject({ file_name: 'main.ts', file_path: 'src/main.ts', ref: 'feature', encoding: 'base64', commit_id: ids[3], last_commit_id: ids[1], size: 44 });
    expect(Buffer.from(file.content, 'base64').toString()).toBe('export const one = 1;\nexport const two = 2;\n');
    const missing = await get(`${toolsPath()}/repository/files/nope.txt/raw`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: '404 File Not Found' });
  });

  it('shows a tag by name', async () => {
    const tag = await json(`${toolsPath()}/repository/tags/v1.0`);
    expect(tag).toMatchObject({ name: 'v1.0', message: 'First release', commit: { id: ids[2] }, release: null });
    expect(tag.target).not.toBe(ids[2]);
    expect((await get(`${toolsPath()}/repository/tags/v9`)).status).toBe(404);
  });

  it('shows public users by id and refuses the rest', async () => {
    expect(await json(`/users/${owner.id}`)).toMatchObject({ id: owner.id, username: owner.username, web_url: `${server.url}/${owner.username}` });
    expect((await get(`/users/${org.id}`)).status).toBe(404);
    expect((await get('/users/999999')).status).toBe(404);
  });

  it('lists public groups and a group’s public projects, the private one not counted', async () => {
    const groups = (await json('/groups?per_page=100')) as { id: number; full_path: string }[];
    expect(groups).toContainEqual(expect.objectContaining({ id: org.id, full_path: org.username }));
    const response = await get(`/groups/${org.id}/projects`, { 'private-token': ownerToken });
    expect(response.headers.get('x-total')).toBe('1');
    expect(((await response.json()) as { path_with_namespace: string }[]).map((p) => p.path_with_namespace)).toEqual([`${org.username}/tools`]);
    expect((await get(`/groups/${owner.id}/projects`)).status).toBe(404);
  });

  it("gives a project's languages in percent of the default branch's bytes, prose left out", async () => {
    // src/main.ts is 44 bytes, src/style.css 18; README.md and CHANGELOG.md are prose.
    expect(await json(`${toolsPath()}/languages`)).toEqual({ TypeScript: 70.97, CSS: 29.03 });
  });

  it('answers /metadata as GitLab', async () => {
    expect(await json('/metadata')).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/), kas: { enabled: false } });
  });

  it('streams archives of a ref as tar.gz and zip', async () => {
    const tar = await get(`${toolsPath()}/repository/archive.tar.gz?sha=v1.0`);
    expect(tar.status).toBe(200);
    expect(tar.headers.get('content-type')).toBe('application/gzip');
    expect(tar.headers.get('content-disposition')).toBe(`attachment; filename="tools-v1.0-${ids[2]}.tar.gz"`);
    expect([...new Uint8Array(await tar.arrayBuffer()).slice(0, 2)]).toEqual([0x1f, 0x8b]);
    const zip = await get(`${toolsPath()}/repository/archive.zip`);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(Buffer.from(await zip.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    const plain = await get(`${toolsPath()}/repository/archive`);
    expect(plain.headers.get('content-type')).toBe('application/gzip');
    await plain.arrayBuffer();
    expect((await get(`${toolsPath()}/repository/archive.zip?sha=nope`)).status).toBe(404);
  });

  it('keeps a private project a 404 on every endpoint, even with its owner’s token', async () => {
    const paths = [
      '',
      '/languages',
      '/repository/branches',
      '/repository/branches/main',
      '/repository/commits',
      '/repository/commits/main',
      '/repository/files/README.md/raw',
      '/repository/files/README.md',
      '/repository/tags',
      '/repository/tags/v1.0',
      '/repository/tree',
      '/repository/archive.zip',
    ];
    for (const id of [String(hidden.id), `${org.username}%2Fhidden`]) {
      for (const path of paths) {
        const response = await get(`/projects/${id}${path}`, { 'private-token': ownerToken });
        expect(response.status, path).toBe(404);
        expect(await response.json()).toEqual({ message: '404 Project Not Found' });
      }
    }
    const listed = (await json('/projects?per_page=100', { 'private-token': ownerToken })) as { id: number }[];
    expect(listed.map((p) => p.id)).not.toContain(hidden.id);
  });
});

describe('GitLab v4 parameters once ignored (issue #12)', () => {
  /** The file names a .tar.gz holds, read by the real tar. */
  const tarNames = (bytes: ArrayBuffer) => execFileSync('tar', ['-tz'], { input: Buffer.from(bytes), encoding: 'utf8' }).split('\n').filter((n) => n !== '');
  const commitIds = async (query: string) => ((await json(`${toolsPath()}/repository/commits?${query}`)) as { id: string }[]).map((c) => c.id);

  it('limits commits to a committer-date window with since and until (ISO 8601, each end included)', async () => {
    // The fixture commits on main at 10:00, 11:00 and 12:00 UTC on 2024-01-15 (written +01:00).
    expect(await commitIds('since=2024-01-15T11:00:00Z')).toEqual([ids[2], ids[1]]);
    expect(await commitIds('until=2024-01-15T11:00:00Z')).toEqual([ids[1], ids[0]]);
    expect(await commitIds('since=2024-01-15T11:30:00%2B01:00&until=2024-01-15T11:59:59Z')).toEqual([ids[1]]);
    expect(await commitIds('since=2024-01-15T11:00:00.000Z&until=2024-01-15T11:00:00Z&ref_name=feature&path=src/main.ts')).toEqual([ids[1]]);
    expect(await commitIds('since=2024-01-15')).toEqual([ids[2], ids[1], ids[0]]);
    expect(await commitIds('until=2024-01-14')).toEqual([]);
    const paged = await get(`${toolsPath()}/repository/commits?since=2024-01-15T11:00:00Z&per_page=1`);
    expect(paged.headers.get('x-total')).toBe('2');
  });

  it('refuses a since or until that is not an ISO 8601 date with a 422 naming it', async () => {
    for (const [query, name] of [['since=yesterday', 'since'], ['until=2024-02-30', 'until'], ['since=2024-01-15T25:00:00Z', 'since']]) {
      const response = await get(`${toolsPath()}/repository/commits?${query}`);
      expect(response.status, query).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(((await response.json()) as { message: string }).message).toBe(`${name} is invalid: expected an ISO 8601 date such as 2024-01-31T12:00:00Z`);
    }
  });

  it('archives only the subtree a path names, under its full path, named as GitLab names it', async () => {
    const response = await get(`${toolsPath()}/repository/archive.tar.gz?sha=v1.0&path=src`);
    expect(response.status).toBe(200);
    const name = `tools-v1.0-${ids[2]}-src`;
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${name}.tar.gz"`);
    expect(tarNames(await response.arrayBuffer()).filter((n) => !n.endsWith('/')).sort()).toEqual([`${name}/src/main.ts`, `${name}/src/style.css`]);
    const file = await get(`${toolsPath()}/repository/archive?sha=${ids[0]}&path=/README.md`);
    expect(tarNames(await file.arrayBuffer()).filter((n) => !n.endsWith('/'))).toEqual([`tools-${ids[0]}-README.md/README.md`]);
    const whole = await get(`${toolsPath()}/repository/archive?sha=v1.0&path=`);
    expect(tarNames(await whole.arrayBuffer())).toContain(`tools-v1.0-${ids[2]}/README.md`);
    for (const path of ['nope', '../hidden', 'README.md/x']) {
      const missing = await get(`${toolsPath()}/repository/archive.zip?path=${encodeURIComponent(path)}`);
      expect(missing.status, path).toBe(404);
      expect(await missing.json()).toEqual({ message: '404 Path Not Found' });
    }
  });

  it("lists a token's own projects with membership and owned, its private ones only with a repository scope, and none anonymously", async () => {
    const { db } = server.app.forge;
    const stranger = await buildUser(db);
    const guest = await buildUser(db);
    const vault = await buildRepo(db, server.config.reposDir, stranger, { name: 'vault', isPrivate: true });
    const plaza = await buildRepo(db, server.config.reposDir, stranger, { name: 'plaza' });
    const granted = await fetch(`${server.url}/api/v1/repos/${stranger.username}/vault/collaborators/${guest.username}`, {
      method: 'PUT',
      headers: { authorization: `token ${await buildToken(db, stranger, ['write:repository'])}`, 'content-type': 'application/json' },
      body: JSON.stringify({ permission: 'read' }),
    });
    expect(granted.status).toBe(204);
    const listed = async (query: string, token?: string) => {
      const response = await get(`/projects?${query}&per_page=100&order_by=id&sort=asc`, token ? { 'private-token': token } : {});
      expect(response.status, query).toBe(200);
      const projects = (await response.json()) as { id: number; visibility: string }[];
      expect(response.headers.get('x-total'), query).toBe(String(projects.length));
      return projects;
    };
    const idsOf = (projects: { id: number }[]) => projects.map((p) => p.id);

    // As GitLab: without a user, membership and owned list nothing (not the public projects).
    expect(await listed('membership=true')).toEqual([]);
    expect(await listed('owned=true')).toEqual([]);

    // The owner of the organisation is a member of, and owns, its projects, the private one included.
    const mine = await listed('membership=true', ownerToken);
    expect(idsOf(mine)).toEqual(expect.arrayContaining([tools.id, hidden.id]));
    expect(idsOf(mine)).not.toContain(vault.id);
    expect(idsOf(mine)).not.toContain(plaza.id);
    expect(mine.find((p) => p.id === hidden.id)?.visibility).toBe('private');
    expect(mine.find((p) => p.id === tools.id)?.visibility).toBe('public');
    expect(idsOf(await listed('owned=true', ownerToken))).toEqual(idsOf(mine));
    expect(idsOf(await listed('membership=true&visibility=public', ownerToken))).not.toContain(hidden.id);

    // A collaborator is a member, not an owner; without a repository scope its token sees no private project.
    expect(idsOf(await listed('membership=true', await buildToken(db, guest, ['read:repository'])))).toEqual([vault.id]);
    expect(await listed('owned=true', await buildToken(db, guest, ['read:repository']))).toEqual([]);
    expect(await listed('membership=1', await buildToken(db, guest, ['read:user']))).toEqual([]);
    expect(idsOf(await listed('owned=true', await buildToken(db, stranger, ['read:user'])))).toEqual([plaza.id]);
    expect(idsOf(await listed('owned=true', await buildToken(db, stranger, ['read:repository'])))).toEqual([vault.id, plaza.id]);

    // The public listing and the project itself stay the anonymous visitor's view.
    expect(idsOf(await listed('membership=false', await buildToken(db, guest, ['read:repository'])))).not.toContain(vault.id);
    expect((await get(`/projects/${vault.id}`, { 'private-token': await buildToken(db, guest, ['read:repository']) })).status).toBe(404);
  });
});
