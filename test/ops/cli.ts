import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';

const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** An instance's folders, and its database when it is not the SQLite file in dataDir: a test server's `config` fits. */
export interface Folders {
  dataDir: string;
  reposDir: string;
  databaseUrl?: string | null;
}

/** Runs a Fabrique program (server/cli.ts, server/main.ts) as a subprocess on the given folders; never throws on a non-zero exit. */
export function runProgram(program: 'cli' | 'main', args: string[], folders: Folders, env: Record<string, string> = {}): Promise<CliRun> {
  // The instance's PostgreSQL database when the suite runs on it (test:postgres), else its SQLite file in dataDir.
  const database = folders.databaseUrl ? { FORGE_DATABASE_URL: folders.databaseUrl } : {};
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(PROJECT_ROOT, 'server', `${program}.ts`), ...args],
      { env: { ...process.env, FORGE_DATA_DIR: folders.dataDir, FORGE_REPOS_DIR: folders.reposDir, LOG_LEVEL: 'silent', ...database, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs `npm run cli -- <args>` on the given folders. */
export const cli = (args: string[], folders: Folders) => runProgram('cli', args, folders);
