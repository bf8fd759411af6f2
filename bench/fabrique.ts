/**
 * A Fabrique server for benchmarks, built like the tests build theirs (test/helpers/server.ts):
 * fresh temporary data and repositories, 127.0.0.1 on an ephemeral port. One administrator
 * account, a token for git over HTTP, and repositories created through the Gitea-compatible API:
 *   POST /api/v1/users/{username}/tokens  {name, scopes}   (Basic user:password) -> 201 {sha1}
 *   POST /api/v1/user/repos               {name, private}  (Basic user:password) -> 201
 * then git smart HTTP at /{owner}/{repo}.git.
 */
import { resolve } from 'node:path';
import { startServer, type TestServer } from '../test/helpers/server.js';
import { createUser } from '../server/services/users.js';
import { runMaintenanceNow, type MaintenanceWorkers } from '../server/services/maintenance.js';
import { git } from './lib.js';

export interface FabriqueRepo {
  name: string;
  /** Anonymous URL (public repository): what a reader clones. */
  cloneUrl: string;
  /** URL with user:token credentials: what the maintainer pushes to. */
  pushUrl: string;
  /** The bare repository on disk. */
  gitDir: string;
}

export interface Fabrique {
  url: string;
  username: string;
  token: string;
  server: TestServer;
  createRepo(name: string): Promise<FabriqueRepo>;
  /** Runs the forge's repository maintenance to completion; see findMaintenance. */
  maintain: (name: string) => Promise<void>;
  /** Where `maintain` comes from, for the report. */
  maintenanceSource: string;
  close(): Promise<void>;
}

export const BENCH_USER = { username: 'bench', email: 'bench@example.org', password: 'bench-password-1234' };

function basic(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}

async function api(url: string, auth: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) {
    const hint = res.status === 404 ? ' (endpoint not implemented yet?)' : '';
    throw new Error(`POST ${new URL(url).pathname} answered ${res.status}${hint}: ${text.slice(0, 300)}`);
  }
  return text === '' ? null : JSON.parse(text);
}

type MaintenanceFn = (name: string) => Promise<void>;

/**
 * The forge's own maintenance (`runMaintenanceNow` of server/services/maintenance.ts: repack with a
 * bitmap, commit-graph), run to completion; with `direct`, the same idea done straight on the
 * repository with `git repack -adb`, to compare.
 */
export function findMaintenance(gitDirOf: (name: string) => string, direct: boolean, workers: MaintenanceWorkers): { fn: MaintenanceFn; source: string } {
  if (!direct) {
    return { fn: (name) => runMaintenanceNow(workers, gitDirOf(name)), source: 'server/services/maintenance.ts: runMaintenanceNow()' };
  }
  return {
    fn: async (name) => {
      const gitDir = gitDirOf(name);
      await git(['--git-dir', gitDir, 'repack', '-a', '-d', '-b', '-q', '--write-midx']).catch(() =>
        git(['--git-dir', gitDir, 'repack', '-a', '-d', '-b', '-q']),
      );
      await git(['--git-dir', gitDir, 'commit-graph', 'write', '--reachable', '--changed-paths']);
    },
    source: "direct: git repack -adb + commit-graph (--direct-maintenance; not the forge's own code)",
  };
}

/** Starts the server, creates the bench account and a write token. */
export async function startFabrique(options: { directMaintenance?: boolean; env?: Record<string, string> } = {}): Promise<Fabrique> {
  const server = await startServer({ env: options.env });
  try {
    const { username, email, password } = BENCH_USER;
    await createUser(server.app.forge.db, { username, email, password, isAdmin: true }, server.config.passwordHashCost);
    const auth = basic(username, password);
    const created = (await api(`${server.url}/api/v1/users/${username}/tokens`, auth, {
      name: 'bench',
      scopes: ['write:repository', 'read:repository'],
    })) as { sha1?: string } | null;
    const token = created?.sha1;
    if (typeof token !== 'string' || token === '') throw new Error('token creation answered without sha1');
    const origin = new URL(server.url);
    const gitDirOf = (name: string) => resolve(server.config.reposDir, username, `${name}.git`);
    const maintenance = findMaintenance(gitDirOf, options.directMaintenance ?? false, server.app);
    return {
      url: server.url,
      username,
      token,
      server,
      maintain: maintenance.fn,
      maintenanceSource: maintenance.source,
      async createRepo(name) {
        await api(`${server.url}/api/v1/user/repos`, auth, { name, private: false });
        const pushUrl = new URL(`/${username}/${name}.git`, origin);
        pushUrl.username = username;
        pushUrl.password = token;
        return { name, cloneUrl: `${server.url}/${username}/${name}.git`, pushUrl: pushUrl.href, gitDir: gitDirOf(name) };
      },
      close: () => server.close(),
    };
  } catch (err) {
    await server.close().catch(() => undefined);
    throw err;
  }
}
