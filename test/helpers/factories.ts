import type { Db } from '../../server/db/index.js';
import type { UserRow } from '../../server/db/users.js';
import type { RepoRow } from '../../server/db/repos.js';
import { insertToken } from '../../server/db/tokens.js';
import { createUser } from '../../server/services/users.js';
import { createRepository } from '../../server/services/repos.js';
import { generateToken } from '../../server/auth/tokens.js';
import type { Scope } from '../../server/auth/policy.js';

let counter = 0;
const unique = (prefix: string) => `${prefix}${process.pid}x${++counter}`;

export const PASSWORD = 'correct horse battery';

/**
 * scrypt at N = 2^10 rather than production's 2^14 (FORGE_PASSWORD_HASH_COST, set by startServer):
 * 3 ms a hash instead of 60, paid for every account a test creates and every password sign-in.
 */
export const TEST_PASSWORD_HASH_COST = 10;

/** Creates an account with the shared test password. */
export async function buildUser(db: Db, overrides: { username?: string; isAdmin?: boolean } = {}): Promise<UserRow> {
  const username = overrides.username ?? unique('user');
  return createUser(db, { username, email: `${username}@example.org`, password: PASSWORD, isAdmin: overrides.isAdmin }, TEST_PASSWORD_HASH_COST);
}

/** Creates an empty bare repository and its row. */
export async function buildRepo(
  db: Db,
  reposDir: string,
  owner: UserRow,
  overrides: { name?: string; isPrivate?: boolean; defaultBranch?: string } = {},
): Promise<RepoRow> {
  return createRepository(db, reposDir, {
    owner,
    name: overrides.name ?? unique('repo'),
    isPrivate: overrides.isPrivate ?? false,
    defaultBranch: overrides.defaultBranch,
  });
}

/** Creates a personal access token and returns its value (shown once, as in the API). */
export async function buildToken(db: Db, user: UserRow, scopes: Scope[] = ['write:repository'], name = unique('token')): Promise<string> {
  const token = generateToken();
  await insertToken(db, { userId: user.id, name, hash: token.hash, lastEight: token.lastEight, scopes });
  return token.value;
}

/** Counts rows of a table, to prove a refused request wrote nothing. */
export async function count(db: Db, table: 'users' | 'sessions' | 'access_tokens' | 'audit_events' | 'oidc_identities'): Promise<number> {
  return await db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}
