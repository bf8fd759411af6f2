/**
 * Memory of the server after a push of a large repository and a short browse mix (issue #18).
 *
 *   npx tsx bench/memory.ts [--commits 11000] [--seed 1] [--urls 20] [--rounds 2] [--clones 5] [--no-snapshot]
 *
 * Starts Fabrique in this process (as bench/fabrique.ts builds it), pushes the generated repository
 * (`git push --mirror`, bench/gen-repo.ts), waits for the maintenance that follows the push, then runs
 * the mix: `--rounds` passes over folder listings, file views, pages of 50 commits and commit diffs
 * (`--urls` of each, 4 at a time), and `--clones` concurrent clones. Prints the resident set size and
 * V8's heap figures (`process.memoryUsage()`, `v8.getHeapStatistics()`), before and after a full
 * garbage collection, the git cache's own accounting, then a heap snapshot's summary: the retained
 * bytes of the objects by constructor, largest first. Goal: RSS under 200 MB (exit code 3 when not).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startFabrique } from './fabrique.js';
import { cachedRepo } from './gen-repo.js';
import { formatBytes, git, printTable, tempDir } from './lib.js';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '11000' },
    seed: { type: 'string', default: '1' },
    urls: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    clones: { type: 'string', default: '5' },
    'no-snapshot': { type: 'boolean', default: false },
  },
});
const GOAL_BYTES = 200 * 1024 * 1024;
const log = (s: string) => console.error(s);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** A full garbage collection, through V8's own flag: this bench is not started with --expose-gc. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** The URLs of the mix, from the repository itself: folders, files of 1–20 kB, pages of history, commits. */
async function browseMix(gitDir: string, apiBase: string, count: number): Promise<string[]> {
  const list = async (args: string[]) => (await git(['-c', 'core.quotePath=false', ...args], { cwd: gitDir })).stdout.trim().split('\n').filter(Boolean);
  const folders = (await list(['ls-tree', '-r', '-d', '--name-only', 'main'])).filter((p) => p.split('/').length <= 2);
  const files = (await list(['ls-tree', '-r', '-l', 'main']))
    .map((line) => line.split(/\s+/))
    .filter((parts) => parts[1] === 'blob' && Number(parts[3]) > 1000 && Number(parts[3]) < 20_000)
    .map((parts) => parts.slice(4).join(' '));
  const commits = await list(['log', '--no-merges', '--format=%H', '-n', String(count * 50), 'main']);
  const spread = <T>(items: T[]) => Array.from({ length: Math.min(count, items.length) }, (_, i) => items[Math.floor((i * items.length) / count)]);
  const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  return [
    ...['', ...spread(folders).slice(1)].map((p) => `${apiBase}/tree/main/${enc(p)}`),
    ...spread(files).map((p) => `${apiBase}/blob/main/${enc(p)}`),
    ...Array.from({ length: count }, (_, k) => `${apiBase}/commits?sha=main&limit=50&page=${k * 10 + 1}`),
    ...spread(commits).map((sha) => `${apiBase}/commit/${sha}/diff`),
  ];
}

/** Heap snapshot nodes summed by constructor name (self sizes): where the JavaScript heap goes. */
function snapshotSummary(file: string): Array<{ name: string; count: number; bytes: number }> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snapshot.snapshot.meta.node_types[0];
  const totals = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    // Objects by constructor; strings, code, arrays and the rest by their kind.
    const name = type === 'object' || type === 'native' ? snapshot.strings[snapshot.nodes[i + nameAt]] : `(${type})`;
    const total = totals.get(name) ?? { count: 0, bytes: 0 };
    total.count += 1;
    total.bytes += snapshot.nodes[i + sizeAt];
    totals.set(name, total);
  }
  return [...totals].map(([name, t]) => ({ name, ...t })).sort((a, b) => b.bytes - a.bytes);
}

async function main(): Promise<number> {
  const commits = Number(values.commits);
  const seed = Number(values.seed);
  const urls = Number(values.urls);
  const rounds = Number(values.rounds);
  const clones = Number(values.clones);
  log(`repository: ${commits} commits, seed ${seed}`);
  const source = await cachedRepo(commits, seed);
  const scratch = tempDir('fabrique-memory-');
  const fabrique = await startFabrique();
  try {
    const started = process.memoryUsage().rss;
    const repo = await fabrique.createRepo('memory');
    log('push…');
    await git(['push', '--quiet', '--mirror', repo.pushUrl], { cwd: source });
    // The maintenance the push scheduled (10 s later) runs, as on a real server.
    await new Promise((r) => setTimeout(r, 15_000));
    const afterPush = process.memoryUsage().rss;
    const mix = await browseMix(repo.gitDir, `${fabrique.url}/api/v1/repos/${fabrique.username}/memory`, urls);
    log(`browse mix: ${mix.length} URLs × ${rounds} rounds…`);
    for (let round = 0; round < rounds; round++) {
      const queue = [...mix];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
            const response = await fetch(url);
            await response.arrayBuffer();
            if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
          }
        }),
      );
    }
    log(`${clones} clones…`);
    await Promise.all(Array.from({ length: clones }, (_, i) => git(['clone', '--bare', '--quiet', repo.cloneUrl, join(scratch.path, `clone-${i}.git`)])));
    const afterMix = process.memoryUsage();
    collectGarbage();
    const afterGc = process.memoryUsage();
    const heap = v8.getHeapStatistics();

    console.log('');
    console.log(`memory of the server (this process), ${commits}-commit repository pushed, ${mix.length * rounds} API requests, ${clones} clones`);
    console.log('');
    printTable([
      ['when', 'RSS', 'heap used', 'heap total', 'external', 'array buffers'],
      ['started', mb(started), '', '', '', ''],
      ['after the push', mb(afterPush), '', '', '', ''],
      ...[['after the mix', afterMix] as const, ['after a full GC', afterGc] as const].map(([when, m]) => [
        when,
        mb(m.rss),
        mb(m.heapUsed),
        mb(m.heapTotal),
        mb(m.external),
        mb(m.arrayBuffers),
      ]),
    ]);
    console.log(`V8: heap size limit ${mb(heap.heap_size_limit)}, malloced ${mb(heap.malloced_memory)} (peak ${mb(heap.peak_malloced_memory)}), ${heap.number_of_native_contexts} native contexts`);
    const caches = fabrique.server.app.gitCache.usage();
    console.log(`git cache: ${caches.repositories} repositories, ${formatBytes(caches.packBytes)} of packs read in, ${caches.memoEntries} memoised reads, ${formatBytes(caches.blobBytes)} of blobs`);
    const packCache = fabrique.server.app.packCache?.stats();
    if (packCache) console.log(`pack cache (on disk): ${packCache.entries} answers, ${formatBytes(packCache.bytes)}`);

    if (!values['no-snapshot']) {
      const file = v8.writeHeapSnapshot(join(scratch.path, 'server.heapsnapshot'));
      const summary = snapshotSummary(file);
      rmSync(file, { force: true });
      console.log('');
      console.log('heap snapshot, self size by constructor (top 15):');
      printTable([['constructor', 'objects', 'bytes'], ...summary.slice(0, 15).map((s) => [s.name, String(s.count), formatBytes(s.bytes)])]);
    }
    const ok = afterMix.rss < GOAL_BYTES;
    console.log('');
    console.log(`RSS after the mix: ${mb(afterMix.rss)} (goal < ${mb(GOAL_BYTES)}): ${ok ? 'goal met' : 'goal NOT met'}`);
    return ok ? 0 : 3;
  } finally {
    await fabrique.close();
    scratch.cleanup();
  }
}

process.exitCode = await main();
