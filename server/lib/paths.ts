import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The first folder at or above `start` that holds a package.json. The server runs from its sources
 * (server/lib, through tsx in tests and `npm run dev`) and compiled (dist/server/lib, `npm start`):
 * the project's files that are not compiled (migrations, dist/web, server/data, package.json) are
 * found from the project root, not from where this module happens to sit.
 */
export function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

/** The project's root folder (where package.json, migrations/ and dist/ are), for sources and compiled runs alike. */
export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
