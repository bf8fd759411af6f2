import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.js';
import { findUserByName } from '../../server/db/users.js';
import { createUser } from '../../server/services/users.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { call } from '../helpers/http.js';

const dirs = () => {
  const root = mkdtempSync(join(tmpdir(), 'fabrique-config-'));
  return { FORGE_DATA_DIR: join(root, 'data'), FORGE_REPOS_DIR: join(root, 'repos') };
};

describe('the costs tests lower: FORGE_PASSWORD_HASH_COST and FORGE_MERGEABILITY_DELAY_MS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { FORGE_PASSWORD_HASH_COST: '11' } });
  });
  afterAll(() => server.close());

  it('FORGE_PASSWORD_HASH_COST is 14 (scrypt N = 16384) unless set, and refuses a cost below 10 or above 17, naming the variable', () => {
    expect(loadConfig(dirs()).passwordHashCost).toBe(14);
    for (const value of ['9', '18', 'cheap']) {
      expect(() => loadConfig({ ...dirs(), FORGE_PASSWORD_HASH_COST: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...dirs(), FORGE_PASSWORD_HASH_COST: value })).toThrow(/FORGE_PASSWORD_HASH_COST/);
    }
  });

  it('FORGE_MERGEABILITY_DELAY_MS is 150 unless set, and refuses a negative or an hour-long delay', () => {
    expect(loadConfig(dirs()).mergeabilityDelayMs).toBe(150);
    expect(loadConfig({ ...dirs(), FORGE_MERGEABILITY_DELAY_MS: '0' }).mergeabilityDelayMs).toBe(0);
    for (const value of ['-1', '3600000']) {
      expect(() => loadConfig({ ...dirs(), FORGE_MERGEABILITY_DELAY_MS: value })).toThrow(/FORGE_MERGEABILITY_DELAY_MS/);
    }
  });

  it('hashes a new account at the configured cost, and an account hashed at the production cost still signs in', async () => {
    // setup
    const { db } = server.app.forge;
    await createUser(db, { username: 'veteran', email: 'veteran@example.org', password: 'an old password' }, 14);
    // test
    const signedUp = await call(server.url, '/api/v1/auth/signup', { body: { username: 'newcomer', email: 'newcomer@example.org', password: 'a new password' } });
    expect(signedUp.status).toBe(201);
    expect((await findUserByName(db, 'newcomer'))?.password_hash).toMatch(/^scrypt\$2048\$8\$1\$/);
    expect((await findUserByName(db, 'veteran'))?.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    const veteran = await call(server.url, '/api/v1/auth/signin', { body: { username: 'veteran', password: 'an old password' } });
    expect(veteran.status).toBe(200);
    const wrong = await call(server.url, '/api/v1/auth/signin', { body: { username: 'veteran', password: 'a new password' } });
    expect(wrong.status).toBe(401);
    const newcomer = await call(server.url, '/api/v1/auth/signin', { body: { username: 'newcomer', password: 'a new password' } });
    expect(newcomer.status).toBe(200);
  });
});
