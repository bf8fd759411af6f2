import { lstat, readdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { searchAccounts, type UserRow } from '../db/users.js';
import { listVisibleOrgs } from '../db/orgs.js';
import { listReposForAdmin, type AdminRepoRow } from '../db/repos.js';
import { failingMirrors, latestFailedDeliveries, queueFacts, repositoryFullNames, siteCounts } from '../db/admin.js';
import { git } from '../git/exec.js';
import type { ReadContext } from './context.js';
import type { AdminRepository, CronTask, SystemInfo } from '../../contract/admin.js';

/** One page of accounts for the administrators (`q` searches names, full names and emails; `loginName` is exact). */
export async function adminUserPage(ctx: ReadContext, options: { q: string; loginName?: string; limit: number; offset: number }): Promise<{ rows: UserRow[]; total: number }> {
  return await searchAccounts(ctx.db, options);
}

/** One page of every organisation, private ones too. */
export async function adminOrgPage(ctx: ReadContext, options: { q: string; limit: number; offset: number }): Promise<{ rows: UserRow[]; total: number }> {
  return await listVisibleOrgs(ctx.db, { userId: null, isAdmin: true }, options.limit, options.offset, options.q);
}

function presentAdminRepository(row: AdminRepoRow): AdminRepository {
  return {
    id: row.id,
    full_name: `${row.owner_name}/${row.name}`,
    owner: row.owner_name,
    name: row.name,
    private: row.is_private === 1,
    archived: row.is_archived === 1,
    empty: row.is_empty === 1,
    mirror: row.is_mirror === 1,
    size: row.size_kb,
    last_push: row.last_push_at,
    mirror_updated: row.mirror_updated,
    mirror_error: row.mirror_error ?? '',
    created_at: row.created_at,
  };
}

/** One page of every repository, private ones too, with size, last push and mirror state. */
export async function adminRepoPage(ctx: ReadContext, options: { q: string; limit: number; offset: number }): Promise<{ items: AdminRepository[]; total: number }> {
  const { rows, total } = await listReposForAdmin(ctx.db, options);
  return { items: rows.map(presentAdminRepository), total };
}

/** The `owner/name` of every `repos/<owner>/<name>.git` folder that no repository row names (Gitea's unadopted repositories). */
export async function unadoptedRepositories(ctx: ReadContext): Promise<string[]> {
  const known = await repositoryFullNames(ctx.db);
  const found: string[] = [];
  const reposDir = ctx.config.reposDir;
  for (const owner of await readdir(reposDir, { withFileTypes: true })) {
    // .tmp and .trash hold the forge's own work in progress.
    if (!owner.isDirectory() || owner.name.startsWith('.')) continue;
    for (const entry of await readdir(join(reposDir, owner.name), { withFileTypes: true })) {
      if (!entry.isDirectory() || !entry.name.endsWith('.git')) continue;
      const fullName = `${owner.name}/${entry.name.slice(0, -'.git'.length)}`;
      if (!known.has(fullName.toLowerCase())) found.push(fullName);
    }
  }
  return found.sort();
}

/** Bytes used by the files under a folder (links not followed). */
async function folderBytes(path: string): Promise<number> {
  let total = 0;
  const pending = [path];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) total += (await lstat(full).catch(() => ({ size: 0 }))).size;
    }
  }
  return total;
}

/** The system page: versions, disk use of the repositories and data folders, queue lengths, background tasks and recent failures. */
export async function systemInfo(ctx: ReadContext, version: string, cron: CronTask[]): Promise<SystemInfo> {
  const { reposDir, dataDir } = ctx.config;
  const [gitVersion, reposBytes, dataBytes, fs] = await Promise.all([
    git(['--version']).then((r) => r.stdout.trim().replace(/^git version /, '')),
    folderBytes(reposDir),
    folderBytes(dataDir),
    statfs(reposDir),
  ]);
  return {
    version,
    node_version: process.version,
    git_version: gitVersion,
    repos_bytes: reposBytes,
    data_bytes: dataBytes,
    free_bytes: fs.bavail * fs.bsize,
    counts: await siteCounts(ctx.db),
    queues: await queueFacts(ctx.db),
    cron,
    failed_deliveries: (await latestFailedDeliveries(ctx.db, 10)).map(({ repo_full_name: repository, ...rest }) => ({ ...rest, repository })),
    failing_mirrors: await failingMirrors(ctx.db, 20),
  };
}
