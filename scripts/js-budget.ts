/**
 * The JavaScript budget of a file page: what a browser downloads to show
 * `/{owner}/{repo}/src/branch/{branch}/{file}` on a first visit (the entry chunk, the tree page's
 * chunk and every chunk they import statically), gzipped. Run after `vite build`: prints the figure
 * and exits 1 above the budget, which fails `npm run build` (and `npm run budget`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET = 40 * 1024;
const WEB = fileURLToPath(new URL('../dist/web', import.meta.url));
/** The modules a file page loads on its own, beside the entry (web/src/routes.ts `tree` view). */
const FILE_PAGE = ['src/pages/fab-repo-tree-page.ts'];

interface Chunk {
  file: string;
  imports?: string[];
}

const manifest = JSON.parse(readFileSync(join(WEB, '.vite', 'manifest.json'), 'utf8')) as Record<string, Chunk>;
// The entry is the script index.html loads: when the entry's modules are grouped into a named chunk
// (vite.config.ts), the manifest no longer marks it `isEntry`.
const script = /<script type="module"[^>]* src="\/([^"]+)"/.exec(readFileSync(join(WEB, 'index.html'), 'utf8'))?.[1];
const entry = Object.keys(manifest).find((key) => manifest[key].file === script);
if (!entry) throw new Error(`index.html's script ${script ?? '(none)'} is not in the Vite manifest: is build.manifest on?`);

/** Every chunk `key` needs before it runs: itself and its static imports, transitively. */
function closure(key: string, seen: Set<string>): void {
  if (seen.has(key)) return;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`${key} is not in the Vite manifest`);
  seen.add(key);
  for (const imported of chunk.imports ?? []) closure(imported, seen);
}

const keys = new Set<string>();
for (const key of [entry, ...FILE_PAGE]) closure(key, keys);
let total = 0;
for (const key of keys) {
  const size = gzipSync(readFileSync(join(WEB, manifest[key].file)), { level: 9 }).length;
  total += size;
  console.log(`  ${(size / 1024).toFixed(1).padStart(6)} kB  ${manifest[key].file}`);
}
const verdict = total <= BUDGET ? 'within' : 'OVER';
console.log(`file page JavaScript: ${(total / 1024).toFixed(1)} kB gzipped, ${verdict} the budget of ${BUDGET / 1024} kB`);
if (total > BUDGET) process.exit(1);
