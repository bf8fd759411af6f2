import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';

/** The newest Renovate 39 release whose engines accept Node 20 (`npm view renovate@39 engines`). */
export const RENOVATE_VERSION = '39.264.1';

/** The npm registry this machine uses: Renovate looks versions up there and the suite installs from it. */
export const registry = (): string => execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();

/**
 * Installs Renovate from the npm registry into `.cache/renovate` (once per version) and returns its
 * command: Renovate is a client the suite runs, never a dependency of the app.
 */
export function installRenovate(): string {
  const prefix = join(PROJECT_ROOT, '.cache', 'renovate');
  const bin = join(prefix, 'node_modules', '.bin', 'renovate');
  const manifest = join(prefix, 'node_modules', 'renovate', 'package.json');
  const installed = existsSync(manifest) && (JSON.parse(execFileSync('cat', [manifest], { encoding: 'utf8' })) as { version: string }).version === RENOVATE_VERSION;
  if (!installed) {
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--registry', registry(), `renovate@${RENOVATE_VERSION}`], { stdio: 'inherit' });
  }
  return bin;
}
