import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { migrate, openDb, MigrationError, NewerDatabaseError, type Db } from './db/index.js';
import { createUser } from './services/users.js';
import { backup } from './services/backup.js';
import { restore } from './services/restore.js';
import { checkInstance } from './services/check.js';
import { ForgeError } from './errors.js';

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
  const db = openDb(join(config.dataDir, 'fabrique.db'));
  try {
    migrate(db, fileURLToPath(new URL('../migrations', import.meta.url)));
    const user = await createUser(db, { username: values.username, email: values.email, password, isAdmin: values.admin }, config.passwordHashCost);
    console.log(`Created ${user.is_admin ? 'administrator' : 'user'} "${user.username}" (id ${user.id}).`);
  } finally {
    db.close();
  }
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Opens the configured instance's database without creating one: backup and check need an existing instance. */
function existingDb(dataDir: string): Db {
  const file = join(dataDir, 'fabrique.db');
  if (!existsSync(file)) throw new ConfigError('FORGE_DATA_DIR', `there is no Fabrique database at ${file}`);
  return openDb(file);
}

async function backupCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { to: { type: 'string' } }, strict: true });
  if (!values.to) throw new UsageError('backup needs --to DIR or --to FILE.tar.');
  const config = loadConfig();
  const db = existingDb(config.dataDir);
  const started = Date.now();
  try {
    const manifest = await backup({ db, dataDir: config.dataDir, reposDir: config.reposDir, to: resolve(values.to), fabriqueVersion: version });
    const bytes = Object.values(manifest.files).reduce((sum, file) => sum + file.size, 0);
    console.log(`Backed up ${manifest.repositories.length} repositories and ${Object.keys(manifest.files).length} files (${(bytes / 1024 ** 2).toFixed(1)} MB, schema ${manifest.schema}) to ${values.to} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    for (const name of manifest.missingRepositories) console.warn(`Warning: ${name} has a row but no folder; it is not in the backup.`);
  } finally {
    db.close();
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
  const db = existingDb(config.dataDir);
  try {
    const report = await checkInstance({ db, reposDir: config.reposDir });
    for (const problem of report.problems) console.log(`problem: ${problem}`);
    if (report.problems.length === 0) console.log(`OK: database intact, ${report.repositoriesChecked} repositories connected, rows and folders match.`);
    else console.log(`${report.problems.length} problem(s) found.`);
    return report.problems.length === 0;
  } finally {
    db.close();
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
