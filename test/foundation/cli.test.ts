import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';
import { startServer } from '../helpers/server.js';
import { findUserByName } from '../../server/db/users.js';
import { verifyPassword } from '../../server/auth/passwords.js';

const run = promisify(execFile);
const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(PROJECT_ROOT, 'server', 'cli.ts');

/** The CLI finds the server's data: its folders, and its PostgreSQL database when the suite runs on one. */
function cliEnv(config: { dataDir: string; reposDir: string; databaseUrl: string | null }): Record<string, string> {
  return { FORGE_DATA_DIR: config.dataDir, FORGE_REPOS_DIR: config.reposDir, ...(config.databaseUrl ? { FORGE_DATABASE_URL: config.databaseUrl } : {}) };
}

// Each CLI run starts Node and tsx: seconds on a loaded machine, two runs a test.
describe('the command-line interface', { timeout: 240_000 }, () => {
  it('creates an administrator on the data directory of a running server, password from FORGE_PASSWORD', async () => {
    // setup
    const server = await startServer();
    const env = { ...process.env, ...cliEnv(server.config), FORGE_PASSWORD: 'from the environment' };
    // test
    const { stdout } = await run(TSX, [CLI, 'user', 'create', '--username', 'alice', '--email', 'alice@example.org', '--admin'], { env });
    expect(stdout).toMatch(/Created administrator "alice"/);
    const alice = await findUserByName(server.app.forge.db, 'alice');
    expect(alice?.is_admin).toBe(1);
    expect(await verifyPassword('from the environment', alice?.password_hash ?? null)).toBe(true);
    // the running server sees the account at once: setup is no longer offered
    expect(await (await fetch(`${server.url}/api/v1/setup`)).json()).toEqual({ needed: false });
    await server.close();
  });

  it('refuses bad input with a message and a non-zero exit, writing nothing', async () => {
    const server = await startServer({ listen: false });
    const env = { ...process.env, ...cliEnv(server.config) };
    const missing = await run(TSX, [CLI, 'user', 'create', '--username', 'bob'], { env }).catch((err) => err);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs --username, --email and --password/);
    const reserved = await run(TSX, [CLI, 'user', 'create', '--username', 'admin', '--email', 'a@example.org', '--password', 'long enough'], { env }).catch(
      (err) => err,
    );
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toMatch(/username is reserved/);
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    await server.close();
  });
});
