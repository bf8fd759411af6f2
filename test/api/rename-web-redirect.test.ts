import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';

describe('web pages of a renamed repository', () => {
  let server: TestServer;
  let owner: UserRow;
  let ownerToken: string;
  let outsiderToken: string;

  /** A page URL as a browser asks for it, without following redirects. */
  const open = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, {
      redirect: 'manual',
      headers: { accept: 'text/html', ...(token ? { authorization: `token ${token}` } : {}) },
    });

  async function rename(from: string, to: string): Promise<void> {
    const res = await fetch(`${server.url}/api/v1/repos/${owner.username}/${from}`, {
      method: 'PATCH',
      headers: { authorization: `token ${ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: to }),
    });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    // setup: a public and a private repository, both renamed
    server = await startServer();
    const { db, config } = server.app.forge;
    owner = await buildUser(db);
    const outsider = await buildUser(db);
    ownerToken = await buildToken(db, owner, ['write:repository', 'read:repository']);
    outsiderToken = await buildToken(db, outsider, ['read:repository']);
    await buildRepo(db, config.reposDir, owner, { name: 'ancien' });
    await buildRepo(db, config.reposDir, owner, { name: 'secret-ancien', isPrivate: true });
    await rename('ancien', 'nouveau');
    await rename('secret-ancien', 'secret-nouveau');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('gives the generic shell, never the new name, to a visitor who may not read a private repository', async () => {
    for (const token of [undefined, outsiderToken]) {
      const res = await open(`/${owner.username}/secret-ancien/settings`, token);
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('x-robots-tag')).toBe('noindex');
      expect(await res.text()).not.toContain('secret-nouveau');
    }
  });

  it('leaves the API and unknown names alone', async () => {
    const api = await fetch(`${server.url}/api/v1/repos/${owner.username}/inconnu`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    const unknown = await open(`/${owner.username}/inconnu`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('location')).toBeNull();
  });

  it('redirects the old page address and the pages below it, with the query, to the new name', async () => {
    const home = await open(`/${owner.username}/ancien`);
    expect(home.status).toBe(301);
    expect(home.headers.get('location')).toBe(`/${owner.username}/nouveau`);
    const below = await open(`/${owner.username}/Ancien/commits/branch/main/docs/a%20b.md?page=2`);
    expect(below.status).toBe(301);
    expect(below.headers.get('location')).toBe(`/${owner.username}/nouveau/commits/branch/main/docs/a%20b.md?page=2`);
  });

  it('redirects the owner of a private repository, who may read it', async () => {
    const res = await open(`/${owner.username}/secret-ancien/settings`, ownerToken);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe(`/${owner.username}/secret-nouveau/settings`);
  });
});
