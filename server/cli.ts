import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { migrate, openDb, MigrationError } from './db/index.js';
import { createUser } from './services/users.js';
import { ForgeError } from './errors.js';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  user create --username NAME --email ADDR [--password PASSWORD] [--admin]
      Creates an account. Without --password, the password is read from FORGE_PASSWORD
      (keeps it out of shell history).

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

class UsageError extends Error {}

async function run(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === 'user' && command === 'create') {
      await userCreate(rest);
      return 0;
    }
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
    if (err instanceof ForgeError || err instanceof ConfigError || err instanceof MigrationError) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await run(process.argv.slice(2));
