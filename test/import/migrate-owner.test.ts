import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildToken, buildUser } from '../helpers/factories.js';
import { api } from '../helpers/http.js';

let server: TestServer;
let ownerAuth: { authorization: string };
let outsiderAuth: { authorization: string };

const rowCount = async () => await server.app.forge.db.prepare('SELECT count(*) FROM repositories').pluck().get() as number;

beforeAll(async () => {
  // setup: a private organisation, and an account that is not one of its members
  server = await startServer();
  const { db } = server.app.forge;
  ownerAuth = { authorization: `token ${await buildToken(db, await buildUser(db), ['all'])}` };
  outsiderAuth = { authorization: `token ${await buildToken(db, await buildUser(db), ['all'])}` };
  expect((await api(server.url, 'POST', '/orgs', { auth: ownerAuth, body: { username: 'hameau', visibility: 'private' } })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('POST /repos/migrate, the owner named', () => {
  it('answers an organisation the account may not see as one that does not exist (422, not 403), and imports nothing', async () => {
    // setup: the owner is checked before any fetch, so the address need not answer
    const body = { clone_addr: 'https://example.invalid/metropole/carto.git', repo_name: 'carto' };
    const before = await rowCount();
    // test
    const hidden = await api(server.url, 'POST', '/repos/migrate', { auth: outsiderAuth, body: { ...body, repo_owner: 'hameau' } });
    const missing = await api(server.url, 'POST', '/repos/migrate', { auth: outsiderAuth, body: { ...body, repo_owner: 'no-such-place' } });
    expect(hidden.status).toBe(422);
    expect(hidden.body.message).toBe('The owner "hameau" does not exist.');
    expect(missing.status).toBe(422);
    expect(missing.body.message).toBe('The owner "no-such-place" does not exist.');
    expect(await rowCount()).toBe(before);
  });
});
