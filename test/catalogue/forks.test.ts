import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { buildToken, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import { catalogueFixture, publiccode, type CatalogueFixture } from './fixtures.js';

let server: TestServer;
let f: CatalogueFixture;

interface CataloguePage {
  total: number;
  data: { full_name: string }[];
}

const catalogueNames = async (q: string) => {
  const response = await fetch(`${server.url}/api/v1/catalogue?q=${encodeURIComponent(q)}&limit=50`);
  expect(response.status).toBe(200);
  return ((await response.json()) as CataloguePage).data.map((entry) => entry.full_name);
};

/** Forks org/carto into a new account through the API, as a municipality would. */
async function forkCarto(name: string): Promise<{ login: string; token: string }> {
  const user = await buildUser(server.app.forge.db);
  const token = await buildToken(server.app.forge.db, user, ['all']);
  const response = await fetch(`${server.url}/api/v1/repos/${f.org.username}/carto/forks`, {
    method: 'POST',
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(202);
  return { login: user.username, token };
}

beforeAll(async () => {
  server = await startServer();
  f = await catalogueFixture(server);
});
afterAll(() => server.close());

describe('forks in the catalogue', () => {
  it('keeps a fork out while its publiccode.yml names the parent\'s url, and lists it once it names its own', async () => {
    // setup: two forks of carto, one of which becomes a project of its own
    const copy = await forkCarto('carto');
    const own = await forkCarto('carto-villeurbanne');
    const work = tempDir();
    const remote = repoUrl(server.url, own.login, 'carto-villeurbanne', { user: own.login, secret: own.token });
    await git(['clone', '-q', remote, join(work, 'w')]);
    const sheet = publiccode().replace('url: https://forge.example/metropole/carto.git', 'url: https://forge.example/villeurbanne/carto-villeurbanne.git');
    await commitFiles(join(work, 'w'), { 'publiccode.yml': sheet }, 'Our own project, with its own url');
    await git(['push', '-q', 'origin', 'main'], { cwd: join(work, 'w') });
    // test
    const names = await catalogueNames('carto');
    expect(names).toContain(`${f.org.username}/carto`);
    expect(names).not.toContain(`${copy.login}/carto`);
    expect(names).toContain(`${own.login}/carto-villeurbanne`);
  });
});
