import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GitCache } from '../../server/git/cache.js';
import { RepoReader } from '../../server/git/read.js';
import { clientEnv, git, gitSync, makeWorkTree, tempDir } from '../helpers/git.js';

/** Runs git in a folder, to its end, whatever it answers. */
function runToEnd(cwd: string, args: string[]): Promise<void> {
  return new Promise((resolve) => spawn('git', args, { cwd, env: clientEnv, stdio: 'ignore' }).on('close', () => resolve()));
}

describe('branch and tag lists', () => {
  it('list every ref while git packs them: loose refs first, then packed-refs', async () => {
    // setup: a bare repository with four branches and 300 tags, every ref loose
    const work = await makeWorkTree(2);
    const bare = tempDir('fabrique-refs-');
    await git(['clone', '-q', '--bare', work, bare]);
    const head = gitSync(bare, ['rev-parse', 'HEAD']);
    const refs = [
      ...['one', 'two', 'feature/x'].map((b) => `refs/heads/${b}`),
      ...Array.from({ length: 300 }, (_, i) => `refs/tags/v${i}`),
    ];
    gitSync(bare, ['update-ref', '--stdin'], { input: refs.map((ref) => `create ${ref} ${head}\n`).join('') });
    const expectedTags = Array.from({ length: 300 }, (_, i) => `v${i}`).sort().reverse();
    const reader = new RepoReader(bare, new GitCache());

    // act: list while git moves every loose ref into packed-refs, then makes them loose again
    let listings = 0;
    for (let round = 0; round < 30; round++) {
      const packing = runToEnd(bare, ['pack-refs', '--all', '--prune']);
      let done = false;
      void packing.then(() => (done = true));
      while (!done) {
        const [branches, tags] = await Promise.all([reader.branches(), reader.tags()]);
        // assert: no listing misses a ref or fails, whichever side of the packing it read
        expect(branches.map((b) => b.name)).toEqual(['feature/x', 'main', 'one', 'two']);
        expect(tags.map((t) => t.name)).toEqual(expectedTags);
        expect(new Set(tags.map((t) => t.commit))).toEqual(new Set([head]));
        listings++;
        await new Promise((resolve) => setImmediate(resolve)); // lets git's end be seen
      }
      // every ref loose again (an update writes the loose file over the packed entry)
      gitSync(bare, ['update-ref', '--stdin'], { input: refs.map((ref) => `update ${ref} ${head}\n`).join('') });
    }
    expect(listings).toBeGreaterThan(12);
  });

  it('names a ref by its loose file when packed-refs holds an older value', async () => {
    // setup: a branch packed at the first commit, then moved (loose) to the second
    const work = await makeWorkTree(2);
    const bare = tempDir('fabrique-refs-');
    await git(['clone', '-q', '--bare', work, bare]);
    const [second, first] = gitSync(bare, ['rev-list', 'main']).split('\n');
    gitSync(bare, ['update-ref', 'refs/heads/topic', first]);
    gitSync(bare, ['pack-refs', '--all', '--prune']);
    gitSync(bare, ['update-ref', 'refs/heads/topic', second]);

    // act
    const branches = await new RepoReader(bare, new GitCache()).branches();

    // assert: the loose value wins, as in git
    expect(branches.find((b) => b.name === 'topic')?.commit).toBe(second);
  });
});
