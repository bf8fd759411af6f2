import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/paths.js';

// From the sources, also when the server runs compiled from dist/: tsc does not copy .cjs files.
const HOOK_CLIENT = join(PROJECT_ROOT, 'server', 'git', 'hook-client.cjs');

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * Writes the one shared hooks directory that every spawned receive-pack uses through
 * `-c core.hooksPath=<dir>`: repositories carry no hook files of their own. The pre-receive hook
 * runs this Node binary on hook-client.cjs, which asks the server about the push.
 */
export function installHooks(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'pre-receive');
  writeFileSync(file, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(HOOK_CLIENT)} pre-receive\n`);
  chmodSync(file, 0o755);
  return dir;
}
