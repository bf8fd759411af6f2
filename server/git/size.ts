import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

async function bytesUnder(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

/** The size of a repository's objects (packs and loose), in KiB, read from disk without running git. */
export async function objectsSizeKb(repoPath: string): Promise<number> {
  return Math.ceil((await bytesUnder(join(repoPath, 'objects'))) / 1024);
}
