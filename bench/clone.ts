/**
 * Clone and push over HTTP: Fabrique against the anchor (lighttpd + git http-backend).
 *
 *   npx tsx bench/clone.ts [--commits 3000] [--runs 5] [--seed 1] [--anchor-only] [--direct-maintenance]
 *
 * The same generated repository (bench/.work, cached by seed and size) is pushed with
 * `git push --mirror` into a fresh empty repository on each side, --runs times, then cloned with
 * `git clone --bare` --runs times (the two sides interleaved, after one unmeasured warm-up clone
 * each). Prints the medians and the Fabrique/anchor ratios; the goal is ≤ 1.15 for both. Then the
 * forge's maintenance (runMaintenanceNow, see findMaintenance in fabrique.ts) is run and the clones
 * are measured again: the goal there is faster than the anchor (ratio < 1).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAnchor, type Anchor } from './anchor.js';
import { startFabrique, type Fabrique } from './fabrique.js';
import { cachedRepo } from './gen-repo.js';
import { formatBytes, formatMs, git, median, printTable, repoStats, tempDir, timedClone, timedPush } from './lib.js';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '3000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    'anchor-only': { type: 'boolean', default: false },
    'direct-maintenance': { type: 'boolean', default: false },
  },
});
const commits = Number(values.commits);
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(commits) || commits < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: npx tsx bench/clone.ts [--commits N] [--runs K] [--seed S] [--anchor-only] [--direct-maintenance]');
  process.exit(2);
}

interface Side {
  name: string;
  /** Creates an empty repository and returns where to push and clone it. */
  create(i: number): Promise<{ pushUrl: string; cloneUrl: string }>;
  pushes: number[];
  clones: number[];
  cloneUrl?: string;
  failed?: Error;
}

const log = (s: string) => console.error(s);

const refsOf = async (gitDir: string) =>
  (await git(['--git-dir', gitDir, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags'])).stdout;

async function main(): Promise<number> {
  log(`repository: ${commits} commits, seed ${seed}`);
  const source = await cachedRepo(commits, seed);
  const sourceGit = join(source, '.git');
  const stats = await repoStats(sourceGit);
  const sourceRefs = await refsOf(sourceGit);
  log(`  ${source}: ${stats.objects} objects, pack ${formatBytes(stats.packBytes)}, ${sourceRefs.trim().split('\n').length} refs`);

  const scratch = tempDir('fabrique-bench-');
  const anchorRoot = join(scratch.path, 'anchor');
  const clonesDir = join(scratch.path, 'clones');
  mkdirSync(clonesDir, { recursive: true });
  let anchor: Anchor | undefined;
  let fabrique: Fabrique | undefined;
  const sides: Side[] = [];
  let exitCode = 0;
  try {
    anchor = await startAnchor({ projectRoot: anchorRoot });
    const anchorUrl = anchor.url;
    sides.push({
      name: 'anchor (http-backend)',
      async create(i) {
        const name = i === 0 ? 'bench' : `bench-${i + 1}`;
        const gitDir = join(anchorRoot, `${name}.git`);
        await git(['init', '--bare', '--quiet', '--initial-branch=main', gitDir]);
        // Same object checks on push as Fabrique's repositories (receive.fsckObjects costs ~20% of a push):
        // the comparison is about serving git over HTTP, not about skipping the checks.
        await git(['--git-dir', gitDir, 'config', 'receive.fsckObjects', 'true']);
        return { pushUrl: `${anchorUrl}/${name}.git`, cloneUrl: `${anchorUrl}/${name}.git` };
      },
      pushes: [],
      clones: [],
    });
    if (!values['anchor-only']) {
      try {
        fabrique = await startFabrique({ directMaintenance: values['direct-maintenance'] });
        const f = fabrique;
        sides.push({
          name: 'Fabrique',
          async create(i) {
            const repo = await f.createRepo(i === 0 ? 'bench' : `bench-${i + 1}`);
            return { pushUrl: repo.pushUrl, cloneUrl: repo.cloneUrl };
          },
          pushes: [],
          clones: [],
        });
      } catch (err) {
        log(`Fabrique could not be prepared: ${(err as Error).message}`);
        exitCode = 1;
      }
    }
    const live = () => sides.filter((s) => !s.failed);
    const attempt = async (side: Side, what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        side.failed = err as Error;
        log(`${side.name}: ${what} failed: ${(err as Error).message}`);
        if (side.name.startsWith('anchor')) throw err;
        exitCode = 1;
      }
    };

    // Pushes: into a fresh empty repository each time; the first one is then cloned.
    for (let i = 0; i < runs; i++) {
      for (const side of live()) {
        await attempt(side, 'push', async () => {
          const target = await side.create(i);
          side.pushes.push(await timedPush(source, target.pushUrl));
          if (i === 0) side.cloneUrl = target.cloneUrl;
        });
      }
    }

    let n = 0;
    /** One unmeasured warm-up clone per side (checked against the source's refs), then runs measured ones, interleaved. */
    const cloneRound = async (label: string, among: Side[]): Promise<Map<Side, number[]>> => {
      const results = new Map<Side, number[]>();
      const active = () => among.filter((s) => !s.failed);
      for (const side of active()) {
        await attempt(side, `${label}: warm-up clone`, async () => {
          const dest = join(clonesDir, `${++n}.git`);
          await timedClone(side.cloneUrl!, dest);
          if ((await refsOf(dest)) !== sourceRefs) throw new Error('the clone has other branches or tags than the source');
          rmSync(dest, { recursive: true, force: true });
        });
      }
      for (let i = 0; i < runs; i++) {
        for (const side of active()) {
          await attempt(side, `${label}: clone`, async () => {
            const dest = join(clonesDir, `${++n}.git`);
            const ms = await timedClone(side.cloneUrl!, dest);
            results.set(side, [...(results.get(side) ?? []), ms]);
            rmSync(dest, { recursive: true, force: true });
          });
        }
      }
      return results;
    };
    for (const [side, ms] of await cloneRound('clone', live())) side.clones = ms;

    // Only Fabrique is measured again after its maintenance: the anchor has none, its figures stand.
    let afterMaintenance: number[] | undefined;
    const fab = sides.find((s) => s.name === 'Fabrique' && !s.failed);
    if (fabrique && fab) {
      const f = fabrique;
      log(`maintenance: ${f.maintenanceSource}`);
      await attempt(fab, 'maintenance', () => f.maintain('bench'));
      if (!fab.failed) afterMaintenance = (await cloneRound('after maintenance', [fab])).get(fab);
    }

    // Report.
    console.log('');
    console.log(`git clone --bare / git push --mirror over HTTP, ${commits} commits (seed ${seed}), ${stats.objects} objects, pack ${formatBytes(stats.packBytes)}; median of ${runs}`);
    console.log('both sides check pushed objects (receive.fsckObjects)');
    console.log('');
    const rows = [['server', 'push', 'clone', 'clone (min–max)']];
    for (const s of sides) {
      const range = s.clones.length > 0 ? `${formatMs(Math.min(...s.clones))}–${formatMs(Math.max(...s.clones))}` : '—';
      rows.push([s.name + (s.failed ? ' (failed)' : ''), formatMs(median(s.pushes)), formatMs(median(s.clones)), range]);
    }
    if (afterMaintenance) {
      rows.push(['Fabrique after maintenance', '—', formatMs(median(afterMaintenance)), `${formatMs(Math.min(...afterMaintenance))}–${formatMs(Math.max(...afterMaintenance))}`]);
    }
    printTable(rows);
    const a = sides[0];
    if (fab && !fab.failed && fab.clones.length > 0) {
      const ratio = (x: number, y: number) => (x / y).toFixed(2) + '×';
      const pushRatio = median(fab.pushes) / median(a.pushes);
      const cloneRatio = median(fab.clones) / median(a.clones);
      console.log('');
      console.log(`Fabrique / anchor: push ${ratio(median(fab.pushes), median(a.pushes))}, clone ${ratio(median(fab.clones), median(a.clones))}  (goal ≤ 1.15×)`);
      let ok = pushRatio <= 1.15 && cloneRatio <= 1.15;
      if (afterMaintenance) {
        const m = median(afterMaintenance) / median(a.clones);
        console.log(`after maintenance: clone ${ratio(median(afterMaintenance), median(a.clones))}  (goal < 1×)`);
        ok &&= m < 1;
      }
      console.log(ok ? 'goal met' : 'goal NOT met');
      if (!ok && exitCode === 0) exitCode = 3;
    } else if (!values['anchor-only']) {
      console.log('');
      console.log(`Fabrique: no figures${fab?.failed ? ` (${fab.failed.message.split('\n')[0]})` : ''}`);
      exitCode ||= 1;
    }
  } finally {
    await fabrique?.close().catch(() => undefined);
    await anchor?.stop().catch(() => undefined);
    scratch.cleanup();
  }
  return exitCode;
}

process.exitCode = await main();
