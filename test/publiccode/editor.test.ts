import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { pushFiles } from '../catalogue/fixtures.js';
import { repoPath } from '../../server/git/store.js';
import { checkPubliccode } from '../../server/services/publiccode.js';
import type { UserRow } from '../../server/db/users.js';
import { form } from './form.js';

let server: TestServer;
let owner: UserRow;
let ownerToken: string;
let readerToken: string;
let reader: UserRow;

const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
  fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `token ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

const gitdir = (name: string) => repoPath(server.config.reposDir, owner.username, name);
const tip = (name: string, branch = 'main') => execFileSync('git', ['--git-dir', gitdir(name), 'rev-parse', `refs/heads/${branch}`], { encoding: 'utf8' }).trim();
const show = (name: string, rev: string) => execFileSync('git', ['--git-dir', gitdir(name), 'show', rev], { encoding: 'utf8' });

async function repoWithReadme(name: string, isPrivate = false) {
  const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner, { name, isPrivate });
  await pushFiles(server, repo, { 'README.md': `# ${name}\n` });
  return repo;
}

beforeAll(async () => {
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  reader = await buildUser(db);
  ownerToken = await buildToken(db, owner, ['all']);
  readerToken = await buildToken(db, reader, ['all']);
});
afterAll(() => server.close());

describe('POST /api/v1/repos/{owner}/{repo}/publiccode', () => {
  it('commits a publiccode.yml the validator accepts on the default branch, and the catalogue then lists the software', async () => {
    // setup
    await repoWithReadme('demarches');
    const before = tip('demarches');
    // test
    const response = await call('POST', `/repos/${owner.username}/demarches/publiccode`, ownerToken, form());
    expect(response.status).toBe(201);
    const written = await response.json();
    expect(written).toMatchObject({ path: 'publiccode.yml', branch: 'main', pull: null });
    // The commit is on main, on top of the previous tip, and holds exactly the file returned.
    expect(tip('demarches')).toBe(written.commit.sha);
    expect(execFileSync('git', ['--git-dir', gitdir('demarches'), 'rev-parse', `${written.commit.sha}^`], { encoding: 'utf8' }).trim()).toBe(before);
    const file = show('demarches', `${written.commit.sha}:publiccode.yml`);
    expect(file).toBe(written.content);
    const check = checkPubliccode(file);
    expect(check).toMatchObject({ valid: true, version: '0.7', problems: [] });
    expect(check.data).toMatchObject({ url: `${server.config.baseUrl}/${owner.username}/demarches.git`, releaseDate: '2026-11-30', legal: { license: 'EUPL-1.2' } });
    expect(file).toContain('releaseDate: "2026-11-30"');
    // The forge's own view and the catalogue see it.
    const view = await (await call('GET', `/repos/${owner.username}/demarches/publiccode?lang=en`, ownerToken)).json();
    expect(view).toMatchObject({ present: true, valid: true, problems: [], sheet: { name: 'Démarches', language: 'en', categories: ['digital-citizenship', 'online-booking'] } });
    const catalogue = await (await call('GET', `/catalogue?organisation=${owner.username}&category=digital-citizenship`, undefined)).json();
    expect(catalogue.data.map((item: { full_name: string }) => item.full_name)).toEqual([`${owner.username}/demarches`]);
  });

  it('proposes the file as a pull request when the default branch is protected, and leaves the branch alone', async () => {
    // setup
    await repoWithReadme('protege');
    const rule = await call('POST', `/repos/${owner.username}/protege/branch_protections`, ownerToken, { rule_name: 'main', enable_push: false });
    expect(rule.status).toBe(201);
    const before = tip('protege');
    // test
    const response = await call('POST', `/repos/${owner.username}/protege/publiccode`, ownerToken, form());
    expect(response.status).toBe(201);
    const written = await response.json();
    expect(written.pull).toMatchObject({ number: expect.any(Number), html_url: expect.stringContaining(`/${owner.username}/protege/pulls/`) });
    expect(tip('protege')).toBe(before);
    expect(tip('protege', written.branch)).toBe(written.commit.sha);
    expect(show('protege', `${written.commit.sha}:publiccode.yml`)).toBe(written.content);
    const pull = await (await call('GET', `/repos/${owner.username}/protege/pulls/${written.pull.number}`, ownerToken)).json();
    expect(pull).toMatchObject({ state: 'open', base: { ref: 'main' }, head: { ref: written.branch } });
  });

  it('answers 422 with a message per field for a wrong form, and stores nothing', async () => {
    // setup
    await repoWithReadme('refus');
    const before = tip('refus');
    const wrong = form({
      categories: ['cartographie'],
      license: 'WTFPL',
      maintenance: { type: 'internal', contacts: [], contractors: [] },
      descriptions: [{ language: 'fr', shortDescription: 'x'.repeat(151), longDescription: 'Trop court.', features: [] }],
    });
    // test
    const response = await call('POST', `/repos/${owner.username}/refus/publiccode`, ownerToken, wrong);
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.message).toMatch(/^The description has 6 problem/);
    expect(body.fields.map((f: { field: string }) => f.field).sort()).toEqual(
      ['categories[0]', 'descriptions[0].features', 'descriptions[0].longDescription', 'descriptions[0].shortDescription', 'license', 'maintenance.contacts'].sort(),
    );
    expect(body.fields).toContainEqual({ field: 'license', message: expect.stringContaining('French list') });
    expect(tip('refus')).toBe(before);
    expect(execFileSync('git', ['--git-dir', gitdir('refus'), 'for-each-ref', '--format=%(refname)', 'refs/heads'], { encoding: 'utf8' }).trim()).toBe('refs/heads/main');
  });

  it('refuses a repository that already has a publiccode.yml', async () => {
    // setup
    await call('POST', `/repos/${owner.username}/refus/publiccode`, ownerToken, form());
    const before = tip('refus');
    // test
    const again = await call('POST', `/repos/${owner.username}/refus/publiccode`, ownerToken, form({ name: 'Autre' }));
    expect(again.status).toBe(422);
    expect((await again.json()).message).toContain('"publiccode.yml" already exists');
    expect(tip('refus')).toBe(before);
  });

  it('is for writers only: 401 anonymous, 403 a reader of a public repository, 404 a private one, and nothing stored', async () => {
    // setup
    await repoWithReadme('lecture');
    await repoWithReadme('cachee', true);
    const before = [tip('lecture'), tip('cachee')];
    // test
    expect((await call('POST', `/repos/${owner.username}/lecture/publiccode`, undefined, form())).status).toBe(401);
    const refused = await call('POST', `/repos/${owner.username}/lecture/publiccode`, readerToken, form());
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toEqual(expect.any(String));
    expect((await call('POST', `/repos/${owner.username}/cachee/publiccode`, readerToken, form())).status).toBe(404);
    expect([tip('lecture'), tip('cachee')]).toEqual(before);
  });
});
