import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitCache, packWeight } from '../../server/git/cache.js';
import { git, makeWorkTree, tempDir } from '../helpers/git.js';

/** A bare repository with its objects in one pack, as after the forge's maintenance. */
async function packedRepository(commits: number): Promise<string> {
  // setup
  const work = await makeWorkTree(commits);
  const bare = join(tempDir(), 'repo.git');
  await git(['clone', '--bare', '-q', work, bare]);
  await git(['--git-dir', bare, 'repack', '-a', '-d', '-q']);
  return bare;
}

describe('the git object cache stays within its bounds', () => {
  it('weighs a repository by its packs and drops the least recently used past the byte bound', async () => {
    const [a, b, c] = await Promise.all([packedRepository(4), packedRepository(5), packedRepository(6)]);
    const weights = [a, b, c].map(packWeight);
    for (const weight of weights) expect(weight).toBeGreaterThan(0);
    // Room for two of the three repositories, not three.
    const cache = new GitCache({ repoBytes: weights[0] + weights[1] + weights[2] - 1, blobBytes: 1024 });
    const first = cache.repo(a);
    cache.repo(b);
    expect(cache.repo(a)).toBe(first);
    cache.repo(c);
    const usage = cache.usage();
    expect(usage.repositories).toBe(2);
    expect(usage.packBytes).toBeLessThanOrEqual(weights[0] + weights[1] + weights[2] - 1);
    // b was the least recently used: a kept, b made anew.
    expect(cache.repo(a)).toBe(first);
    expect(cache.usage().packBytes).toBe(weights[0] + weights[2]);
  });

  it('keeps blobs within their byte bound', async () => {
    const cache = new GitCache({ repoBytes: 1024 ** 2, blobBytes: 2500 });
    for (const oid of ['1', '2', '3', '4']) await cache.blob('/repo', oid, async () => new Uint8Array(1000));
    expect(cache.usage().blobBytes).toBe(2000);
    let read = false;
    await cache.blob('/repo', '1', async () => {
      read = true;
      return new Uint8Array(1000);
    });
    expect(read).toBe(true);
  });
});
