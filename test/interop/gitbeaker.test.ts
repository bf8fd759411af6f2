import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gitlab, GitbeakerRequestError } from '@gitbeaker/rest';
import { touchRepo, type RepoRow } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { repoPath } from '../../server/git/store.js';
import { createOrg } from '../../server/services/orgs.js';
import { ANONYMOUS } from '../../server/auth/policy.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';

const MIT = (createRequire(import.meta.url)('spdx-license-list/full') as Record<string, { licenseText: string }>).MIT.licenseText;

/** The status of the GitLab error gitbeaker threw, to assert on what the server answered. */
async function failure(call: Promise<unknown>): Promise<{ status: number; description: string }> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitbeakerRequestError);
  const cause = (error as GitbeakerRequestError).cause as { response: Response; description: string };
  return { status: cause.response.status, description: cause.description };
}

/** @gitbeaker/rest, the GitLab client a harvester runs, reading a real Fabrique through its v4 API. */
describe('GitLab client (@gitbeaker/rest)', () => {
  let server: TestServer;
  let owner: UserRow;
  let org: UserRow;
  let tools: RepoRow;
  let hidden: RepoRow;
  /** The public projects, in creation (id) order. */
  const projects: RepoRow[] = [];
  /** Commit ids of tools: [initial, second, tagged release, feature]. */
  let ids: string[];
  let api: InstanceType<typeof Gitlab<false>>;
  let anonymous: InstanceType<typeof Gitlab<false>>;

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db } = server.app.forge;
    owner = await buildUser(db, { username: 'harvested' });
    org = await createOrg(db, owner, { username: 'metropole', visibility: 'public' }, { actor: ANONYMOUS, ip: '127.0.0.1' });
    tools = await buildRepo(db, server.config.reposDir, org, { name: 'tools' });
    projects.push(tools);
    ids = pushHistory(repoPath(server.config.reposDir, org.username, 'tools'), [
      { message: 'Initial commit', files: { 'README.md': '# Tools\n', 'LICENSE': MIT, 'src/main.ts': 'export const one = 1;\n' } },
      { message: 'Add a second line\n\nWith a body.', files: { 'src/main.ts': 'export const one = 1;\nexport const two = 2;\n', 'src/lib/util.ts': 'export {};\n' } },
      { message: 'Release', files: { 'CHANGELOG.md': '1.0\n', 'src/style.css': 'a { color: red; }\n' }, tag: { name: 'v1.0', message: 'First release' } },
      { message: 'Feature work', branch: 'feature', files: { 'feature.txt': 'new\n' } },
    ]);
    await touchRepo(db, tools.id, { isEmpty: false });
    for (let i = 0; i < 4; i++) projects.push(await buildRepo(db, server.config.reposDir, i % 2 ? owner : org, { name: `paged-${i}` }));
    hidden = await buildRepo(db, server.config.reposDir, org, { name: 'hidden', isPrivate: true });
    pushHistory(repoPath(server.config.reposDir, org.username, 'hidden'), [{ message: 'Secret', files: { 'README.md': 'secret\n' }, tag: { name: 'v1.0' } }]);
    await touchRepo(db, hidden.id, { isEmpty: false });
    const token = await buildToken(db, owner, ['all']);
    api = new Gitlab({ host: server.url, token });
    anonymous = new Gitlab({ host: server.url });
  });
  afterAll(async () => server?.close());

  it('pages through Projects.all by offset, following Link to the end or stopping at maxPages', async () => {
    const publicIds = projects.map((p) => p.id);
    const all = await api.Projects.all({ perPage: 2, orderBy: 'id', sort: 'asc' });
    expect(all.map((p) => p.id)).toEqual(publicIds);
    const two = await api.Projects.all({ perPage: 2, maxPages: 2, orderBy: 'id', sort: 'asc' });
    expect(two.map((p) => p.id)).toEqual(publicIds.slice(0, 4));
    const { data, paginationInfo } = await api.Projects.all({ pagination: 'offset', perPage: 2, page: 2, orderBy: 'id', sort: 'asc', showExpanded: true });
    expect(data.map((p) => p.id)).toEqual(publicIds.slice(2, 4));
    expect(paginationInfo).toEqual({ total: 5, next: 3, current: 2, previous: 1, perPage: 2, totalPages: 3 });
  });

  it("pages through Projects.all by keyset (order_by=id), both ways, as GitLab's keyset pagination", async () => {
    const publicIds = projects.map((p) => p.id);
    const ascending = await api.Projects.all({ pagination: 'keyset', orderBy: 'id', sort: 'asc', perPage: 2 });
    expect(ascending.map((p) => p.id)).toEqual(publicIds);
    const descending = await api.Projects.all({ pagination: 'keyset', orderBy: 'id', sort: 'desc', perPage: 2 });
    expect(descending.map((p) => p.id)).toEqual([...publicIds].reverse());
    const bounded = await api.Projects.all({ pagination: 'keyset', orderBy: 'id', sort: 'asc', perPage: 2, maxPages: 2, showExpanded: true });
    expect(bounded.data.map((p) => p.id)).toEqual(publicIds.slice(0, 4));
    // The second page was asked for after the last id of the first, not by its number.
    expect(bounded.paginationInfo).toEqual({ idAfter: publicIds[1], perPage: 2, orderBy: 'id', sort: 'asc' });
    // GitLab offers keyset pagination of projects by id only; anything else is its 405.
    const refused = await failure(api.Projects.all({ pagination: 'keyset', orderBy: 'created_at', sort: 'asc', perPage: 2 }));
    expect(refused).toEqual({ status: 405, description: 'Keyset pagination is not yet available for this type of request' });
  });

  it('shows a project by id and by path, with its licence and statistics', async () => {
    const byId = await api.Projects.show(tools.id, { license: true, statistics: true });
    expect(byId).toMatchObject({
      id: tools.id,
      path_with_namespace: 'metropole/tools',
      default_branch: 'main',
      visibility: 'public',
      license: { key: 'mit', name: 'MIT License' },
      license_url: `${server.url}/metropole/tools/src/branch/main/LICENSE`,
      statistics: { commit_count: 3 },
    });
    expect((byId.statistics as { repository_size: number }).repository_size).toBeGreaterThan(0);
    const byPath = await anonymous.Projects.show('metropole/tools');
    expect(byPath.id).toBe(tools.id);
    expect(byPath).not.toHaveProperty('statistics');
  });

  it('lists tags and shows one', async () => {
    const tags = await api.Tags.all(tools.id);
    expect(tags.map((t) => [t.name, t.message, t.commit.id])).toEqual([['v1.0', 'First release', ids[2]]]);
    const tag = await api.Tags.show('metropole/tools', 'v1.0');
    expect(tag).toMatchObject({ name: 'v1.0', commit: { id: ids[2], title: 'Release' } });
  });

  it('lists the tree, flat and recursive, at a ref', async () => {
    const flat = await api.Repositories.allRepositoryTrees(tools.id, { perPage: 100 });
    expect(flat.map((e) => `${e.type} ${e.path}`).sort()).toEqual(['blob CHANGELOG.md', 'blob LICENSE', 'blob README.md', 'tree src']);
    const deep = await api.Repositories.allRepositoryTrees(tools.id, { recursive: true, ref: 'feature', perPage: 2 });
    expect(deep.map((e) => e.path).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'feature.txt',
      'src',
      'src/lib',
      'src/lib/util.ts',
      'src/main.ts',
      'src/style.css',
    ]);
    const sub = await api.Repositories.allRepositoryTrees(tools.id, { path: 'src', ref: ids[1] });
    expect(sub.map((e) => e.name).sort()).toEqual(['lib', 'main.ts']);
  });

  it('reads a file raw and with its metadata', async () => {
    const raw = await api.RepositoryFiles.showRaw(tools.id, 'src/main.ts', 'main');
    expect(raw).toBe('export const one = 1;\nexport const two = 2;\n');
    const older = await api.RepositoryFiles.showRaw('metropole/tools', 'src/main.ts', ids[0]);
    expect(older).toBe('export const one = 1;\n');
    const file = await api.RepositoryFiles.show(tools.id, 'src/main.ts', 'feature');
    expect(file).toMatchObject({ file_name: 'main.ts', file_path: 'src/main.ts', ref: 'feature', encoding: 'base64', commit_id: ids[3], last_commit_id: ids[1] });
    expect(Buffer.from(file.content, 'base64').toString()).toBe('export const one = 1;\nexport const two = 2;\n');
    expect(await failure(api.RepositoryFiles.showRaw(tools.id, 'nope.txt', 'main'))).toEqual({ status: 404, description: '404 File Not Found' });
  });

  it('lists branches and shows one', async () => {
    const branches = await api.Branches.all(tools.id);
    expect(branches.map((b) => [b.name, b.default, b.commit.id])).toEqual([
      ['feature', false, ids[3]],
      ['main', true, ids[2]],
    ]);
    const main = await api.Branches.show('metropole/tools', 'main');
    expect(main).toMatchObject({ name: 'main', default: true, protected: false, commit: { id: ids[2] } });
  });

  it('lists commits, all of them across pages, and shows one with its stats', async () => {
    const history = await api.Commits.all(tools.id, { perPage: 1 });
    expect(history.map((c) => c.id)).toEqual([ids[2], ids[1], ids[0]]);
    const ofPath = await api.Commits.all(tools.id, { refName: 'feature', path: 'src/main.ts' });
    expect(ofPath.map((c) => c.id)).toEqual([ids[1], ids[0]]);
    const commit = await api.Commits.show('metropole/tools', ids[1]);
    expect(commit).toMatchObject({ id: ids[1], title: 'Add a second line', parent_ids: [ids[0]], stats: { additions: 2, deletions: 0, total: 2 } });
  });

  it('lists groups, shows one and lists its public projects', async () => {
    const groups = await anonymous.Groups.all();
    expect(groups.map((g) => g.full_path)).toEqual(['metropole']);
    expect(await anonymous.Groups.show('metropole')).toMatchObject({ id: org.id, path: 'metropole', visibility: 'public' });
    const own = await api.Groups.allProjects(org.id, { perPage: 1 });
    expect(own.map((p) => p.path_with_namespace).sort()).toEqual(['metropole/paged-0', 'metropole/paged-2', 'metropole/tools']);
  });

  it('reads the current user, a user by id and users by name', async () => {
    expect(await api.Users.showCurrentUser()).toMatchObject({ id: owner.id, username: 'harvested', email: owner.email, is_admin: false });
    expect(await anonymous.Users.show(owner.id)).toMatchObject({ id: owner.id, username: 'harvested', web_url: `${server.url}/harvested` });
    const found = await anonymous.Users.all({ username: 'harvested' });
    expect(found.map((u) => u.id)).toEqual([owner.id]);
    expect(await anonymous.Users.all({ username: 'nobody' })).toEqual([]);
    expect((await failure(anonymous.Users.showCurrentUser())).status).toBe(401);
  });

  it("gives a project's languages, its archive and the instance's metadata", async () => {
    expect(await api.Projects.showLanguages(tools.id)).toEqual({ TypeScript: expect.any(Number), CSS: expect.any(Number) });
    const archive = (await api.Repositories.showArchive(tools.id, { fileType: 'zip', sha: 'v1.0' })) as unknown as Blob;
    expect(Buffer.from(await archive.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    const tarball = (await api.Repositories.showArchive('metropole/tools')) as unknown as Blob;
    expect([...new Uint8Array(await tarball.arrayBuffer()).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(await anonymous.Metadata.show()).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/), kas: { enabled: false } });
    // gitbeaker 43 dropped its Version resource (GitLab deprecated /version for /metadata); its requester still reads it.
    const version = await anonymous.requester.get('version');
    expect(version.body).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  it('passes since/until on commits, path on archives, and membership/owned on projects as GitLab reads them', async () => {
    // The fixture commits on main at 10:00, 11:00 and 12:00 UTC on 2024-01-15.
    const recent = await api.Commits.all(tools.id, { since: '2024-01-15T11:00:00Z' });
    expect(recent.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const early = await api.Commits.all('metropole/tools', { until: '2024-01-15T10:30:00Z' });
    expect(early.map((c) => c.id)).toEqual([ids[0]]);
    const archive = (await api.Repositories.showArchive(tools.id, { sha: 'v1.0', path: 'src/lib' })) as unknown as Blob;
    const names = execFileSync('tar', ['-tz'], { input: Buffer.from(await archive.arrayBuffer()), encoding: 'utf8' }).split('\n');
    expect(names.filter((n) => n !== '' && !n.endsWith('/'))).toEqual([`tools-v1.0-${ids[2]}-src-lib/src/lib/util.ts`]);
    // The token's owner owns metropole: its projects, the private one included, are its own.
    const own = [...projects.map((p) => p.id), hidden.id];
    const member = await api.Projects.all({ membership: true, orderBy: 'id', sort: 'asc' });
    expect(member.map((p) => p.id)).toEqual(own);
    expect(member.find((p) => p.id === hidden.id)?.visibility).toBe('private');
    expect((await api.Projects.all({ owned: true, orderBy: 'id', sort: 'asc' })).map((p) => p.id)).toEqual(own);
    expect(await anonymous.Projects.all({ membership: true })).toEqual([]);
  });

  it('gets a 404 for a private project on every read, even with its owner’s token', async () => {
    const reads: Promise<unknown>[] = [
      api.Projects.show(hidden.id),
      api.Projects.show('metropole/hidden'),
      api.Tags.all(hidden.id),
      api.Tags.show(hidden.id, 'v1.0'),
      api.Repositories.allRepositoryTrees(hidden.id),
      api.RepositoryFiles.showRaw(hidden.id, 'README.md', 'main'),
      api.Branches.all('metropole/hidden'),
      api.Commits.all(hidden.id),
      api.Projects.showLanguages(hidden.id),
      api.Repositories.showArchive(hidden.id),
    ];
    for (const read of reads) expect(await failure(read)).toEqual({ status: 404, description: '404 Project Not Found' });
    const listed = await api.Projects.all({ perPage: 100 });
    expect(listed.map((p) => p.id)).not.toContain(hidden.id);
  });
});
