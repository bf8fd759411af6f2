import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';

const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a Fabrique program (server/cli.ts, server/main.ts) as a subprocess on the given folders; never throws on a non-zero exit. */
export function runProgram(program: 'cli' | 'main', args: string[], folders: { dataDir: string; reposDir: string }, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(PROJECT_ROOT, 'server', `${program}.ts`), ...args],
      { env: { ...process.env, FORGE_DATA_DIR: folders.dataDir, FORGE_REPOS_DIR: folders.reposDir, LOG_LEVEL: 'silent', ...env }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs `npm run cli -- <args>` on the given folders. */
export const cli = (args: string[], folders: { dataDir: string; reposDir: string }) => runProgram('cli', args, folders);
