import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrate, openDb, openPostgres, MigrationError, NewerDatabaseError, type Db } from './db/index.js';
import { createUser } from './services/users.js';
import { backup } from './services/backup.js';
import { restore } from './services/restore.js';
import { checkInstance } from './services/check.js';
import { ForgeError } from './errors.js';
import pg from 'pg';
import { CopyRefusedError, copySqliteToPostgres, formatCopyReport } from './db/copy.js';
import { PROJECT_ROOT } from './lib/paths.js';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  user create --username NAME --email ADDR [--password PASSWORD] [--admin]
      Creates an account. Without --password, the password is read from FORGE_PASSWORD
      (keeps it out of shell history).
  backup --to DIR|FILE.tar
      Writes a consistent backup while the server runs: the database, every repository, the secret
      and other files of the data folder, release attachments, and a manifest with checksums.
  restore --from DIR|FILE.tar [--force]
      Restores a backup into FORGE_DATA_DIR and FORGE_REPOS_DIR, which must be empty (--force
      replaces what they hold). Start the server afterwards.
  check
      Checks the database's integrity, every repository's connectivity (git fsck) and that rows and
      folders match; exits 1 and names each problem when something is wrong.
  db copy --from sqlite:FILE --to postgres://USER@HOST:PORT/DATABASE
      Copies an instance's SQLite database into an empty PostgreSQL database (migrated first), then
      compares row counts and a sample of rows; exits 1 on a difference, 2 when the target holds rows.

The CLI works on the data directory of FORGE_DATA_DIR (default ./data), also while the server runs.`;

async function userCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      admin: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const password = values.password ?? process.env.FORGE_PASSWORD;
  if (!values.username || !values.email || !password) {
    throw new UsageError('user create needs --username, --email and --password (or FORGE_PASSWORD).');
  }
  const config = loadConfig();
  // The instance's database: PostgreSQL when FORGE_DATABASE_URL names one (the replicas' shared one), else the SQLite file.
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl) : openDb(join(config.dataDir, 'fabrique.db'));
  try {
    await migrate(db, join(PROJECT_ROOT, 'migrations'));
    const user = await createUser(db, { username: values.username, email: values.email, password, isAdmin: values.admin }, config.passwordHashCost);
    console.log(`Created ${user.is_admin ? 'administrator' : 'user'} "${user.username}" (id ${user.id}).`);
  } finally {
    await db.close();
  }
}

const { version } = createRequire(import.meta.url)(join(PROJECT_ROOT, 'package.json')) as { version: string };

/** Opens the configured instance's database without creating one: backup and check need an existing instance. */
async function existingDb(config: Config): Promise<Db> {
  if (config.databaseUrl) return await openPostgres(config.databaseUrl);
  const file = join(config.dataDir, 'fabrique.db');
  if (!existsSync(file)) throw new ConfigError('FORGE_DATA_DIR', `there is no Fabrique database at ${file}`);
  return openDb(file);
}

async function backupCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { to: { type: 'string' } }, strict: true });
  if (!values.to) throw new UsageError('backup needs --to DIR or --to FILE.tar.');
  const config = loadConfig();
  if (config.databaseUrl) throw new UsageError('backup copies the SQLite file and the repositories; with PostgreSQL (FORGE_DATABASE_URL), back the database up with pg_dump and copy the repositories folder.');
  const db = await existingDb(config);
  const started = Date.now();
  try {
    const manifest = await backup({ db, dataDir: config.dataDir, reposDir: config.reposDir, to: resolve(values.to), fabriqueVersion: version });
    const bytes = Object.values(manifest.files).reduce((sum, file) => sum + file.size, 0);
    console.log(`Backed up ${manifest.repositories.length} repositories and ${Object.keys(manifest.files).length} files (${(bytes / 1024 ** 2).toFixed(1)} MB, schema ${manifest.schema}) to ${values.to} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    for (const name of manifest.missingRepositories) console.warn(`Warning: ${name} has a row but no folder; it is not in the backup.`);
  } finally {
    await db.close();
  }
}

async function restoreCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, force: { type: 'boolean', default: false } }, strict: true });
  if (!values.from) throw new UsageError('restore needs --from DIR or --from FILE.tar.');
  // Not loadConfig: it would write a new secret into the data folder, which must stay empty for the restore.
  const dataDir = resolve(process.env.FORGE_DATA_DIR || './data');
  const reposDir = resolve(process.env.FORGE_REPOS_DIR || './repos');
  const manifest = await restore({ from: resolve(values.from), dataDir, reposDir, force: values.force });
  console.log(`Restored ${manifest.repositories.length} repositories and ${Object.keys(manifest.files).length} files (Fabrique ${manifest.fabrique}, schema ${manifest.schema}, backed up ${manifest.createdAt}) into ${dataDir} and ${reposDir}; every checksum matched.`);
}

async function checkCommand(args: string[]): Promise<boolean> {
  parseArgs({ args, options: {}, strict: true });
  const config = loadConfig();
  const db = await existingDb(config);
  try {
    const report = await checkInstance({ db, reposDir: config.reposDir });
    for (const problem of report.problems) console.log(`problem: ${problem}`);
    if (report.problems.length === 0) console.log(`OK: database intact, ${report.repositoriesChecked} repositories connected, rows and folders match.`);
    else console.log(`${report.problems.length} problem(s) found.`);
    return report.problems.length === 0;
  } finally {
    await db.close();
  }
}

async function dbCopyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true });
  if (!values.from?.startsWith('sqlite:') || !/^postgres(ql)?:\/\//.test(values.to ?? '')) {
    throw new UsageError('db copy needs --from sqlite:FILE and --to postgres://...');
  }
  const pool = new pg.Pool({ connectionString: values.to, max: 2 });
  try {
    const report = await copySqliteToPostgres({
      sqliteFile: resolve(values.from.slice('sqlite:'.length)),
      pool,
      migrationsDir: join(PROJECT_ROOT, 'migrations', 'postgres'),
    });
    console.log(formatCopyReport(report));
    return report.problems.length === 0 ? 0 : 1;
  } catch (err) {
    if (!(err instanceof CopyRefusedError)) throw err;
    console.error(`Refused: ${err.message}`);
    return 2;
  } finally {
    await pool.end();
  }
}

class UsageError extends Error {}

async function run(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === 'user' && command === 'create') {
      await userCreate(rest);
      return 0;
    }
    if (group === 'backup') {
      await backupCommand(argv.slice(1));
      return 0;
    }
    if (group === 'restore') {
      await restoreCommand(argv.slice(1));
      return 0;
    }
    if (group === 'check') return (await checkCommand(argv.slice(1))) ? 0 : 1;
    if (group === 'db' && command === 'copy') return await dbCopyCommand(rest);
    if (group === undefined || group === 'help' || group === '--help') {
      console.log(USAGE);
      return group === undefined ? 2 : 0;
    }
    throw new UsageError(`Unknown command: ${argv.join(' ')}`);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err)) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ForgeError || err instanceof ConfigError || err instanceof MigrationError || err instanceof NewerDatabaseError) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await run(process.argv.slice(2));
