import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const HOOK_CLIENT = fileURLToPath(new URL('./hook-client.cjs', import.meta.url));

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
