import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MaintenanceScheduler, runMaintenanceNow } from '../../server/services/maintenance.js';
import { InProcessEventBus } from '../../server/services/events.js';
import { InProcessJobLock } from '../../server/services/jobs.js';
import { git, makeWorkTree, tempDir } from '../helpers/git.js';
import { GitCache } from '../../server/git/cache.js';
import { RepoReader } from '../../server/git/read.js';

/** A bare repository with a few loose objects and no pack, no bitmap, no commit-graph. */
async function makeBare(): Promise<string> {
  // setup
  const work = await makeWorkTree(3);
  const bare = join(tempDir(), 'repo.git');
  await git(['init', '-q', '--bare', bare]);
  await git(['push', '-q', bare, 'main'], { cwd: work });
  return bare;
}

/** The job lock and event bus an app instance would give maintenance. */
const workers = () => ({ jobs: new InProcessJobLock(), events: new InProcessEventBus((err) => { throw err; }) });

const hasBitmap = (bare: string) => readdirSync(join(bare, 'objects', 'pack')).some((f) => f.endsWith('.bitmap'));

describe('repository maintenance', () => {
  it('repacks with a bitmap and writes a commit-graph; two requests at once run one after the other', async () => {
    const bare = await makeBare();
    // test
    const both = workers();
    await Promise.all([runMaintenanceNow(both, bare), runMaintenanceNow(both, bare)]);
    expect(hasBitmap(bare)).toBe(true);
    expect(existsSync(join(bare, 'objects', 'info', 'commit-graph'))).toBe(true);
    await git(['fsck', '--no-progress'], { cwd: bare });
  });

  it('packs the refs, pull request heads too: the same refs after, one file instead of a file and a folder each', async () => {
    // setup: a branch and a pull request head, loose
    const bare = await makeBare();
    await git(['update-ref', 'refs/pull/7/head', 'main'], { cwd: bare });
    const before = await git(['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: bare });
    // test
    await runMaintenanceNow(workers(), bare);
    expect(await git(['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: bare })).toBe(before);
    expect(existsSync(join(bare, 'refs', 'heads', 'main'))).toBe(false);
    expect(existsSync(join(bare, 'refs', 'pull', '7'))).toBe(false);
    const reader = new RepoReader(bare, new GitCache());
    expect((await reader.branches()).map((b) => b.name)).toEqual(['main']);
    expect((await reader.resolve('main'))?.kind).toBe('branch');
  });

  it('debounces scheduled runs, cancels planned ones on close and waits for running ones', async () => {
    const planned = await makeBare();
    const started = await makeBare();
    const errors: unknown[] = [];
    // test
    const cancelled = new MaintenanceScheduler({ ...workers(), delayMs: 60_000, onError: (_p, err) => errors.push(err) });
    cancelled.schedule(planned);
    cancelled.schedule(planned);
    await cancelled.close();
    expect(hasBitmap(planned)).toBe(false);
    const scheduler = new MaintenanceScheduler({ ...workers(), delayMs: 10, onError: (_p, err) => errors.push(err) });
    scheduler.schedule(started);
    await new Promise((r) => setTimeout(r, 50));
    await scheduler.close();
    expect(hasBitmap(started)).toBe(true);
    expect(errors).toEqual([]);
  });
});
