/**
 * Where a V8 heap goes, from a `.heapsnapshot` file (issue #18).
 *
 *   npx tsx bench/heap-summary.ts FILE.heapsnapshot [--top 15]
 *
 * bench/memory.ts writes the snapshot (the server started with --heapsnapshot-signal=SIGUSR2) and
 * prints this summary. Four views of the same graph:
 * - by kind: self sizes summed by node type (objects, strings, code, arrays…);
 * - by constructor: objects' self sizes summed by constructor name;
 * - by module: the source text V8 keeps for each loaded script, summed by package (node_modules/<name>),
 *   by the project's own folders and by Node's internals: what loading code costs besides its bytecode;
 * - largest retainers: the objects whose retained size (everything that would be freed with them,
 *   from the dominator tree; weak edges do not retain) is largest, each named with the property its
 *   dominator holds it by; of a chain of holders that retain nearly the same bytes, only the head.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** One line of a summary: a name, how many nodes, how many bytes. */
export interface Row {
  name: string;
  count: number;
  bytes: number;
}

/** The four views of a heap snapshot. */
export interface HeapSummary {
  totalBytes: number;
  nodes: number;
  byKind: Row[];
  byConstructor: Row[];
  byModule: Row[];
  retainers: Row[];
}

const sorted = (totals: Map<string, { count: number; bytes: number }>): Row[] =>
  [...totals].map(([name, t]) => ({ name, ...t })).sort((a, b) => b.bytes - a.bytes);

function add(totals: Map<string, { count: number; bytes: number }>, name: string, bytes: number): void {
  const total = totals.get(name) ?? { count: 0, bytes: 0 };
  total.count += 1;
  total.bytes += bytes;
  totals.set(name, total);
}

/** A script's URL or path reduced to what loaded it: a package, a project folder, or Node itself. */
export function moduleOf(script: string): string {
  const path = script.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1];
  if (path.startsWith('node:')) return '(node internals)';
  const own = /\/(dist\/server|dist\/contract|server|contract|bench|test)\//.exec(path);
  if (own) return `(fabrique ${own[1]})`;
  return path === '' ? '(anonymous scripts)' : '(other scripts)';
}

/** Reads a heap snapshot and summarises it; `top` rows per view. */
export function summariseHeap(file: string, top = 15): HeapSummary {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot;
  const meta = raw.snapshot.meta;
  const width = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
  const [edgeTypeAt, edgeNameAt, edgeToAt] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = raw;
  const count = nodes.length / width;
  const kind = (n: number) => nodeTypes[nodes[n * width + typeAt]];
  const nameOf = (n: number) => strings[nodes[n * width + nameAt]];
  const selfSize = (n: number) => nodes[n * width + sizeAt];

  // Each node's first edge (edges are stored node after node).
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0, e = 0; n < count; n++) {
    firstEdge[n] = e;
    e += nodes[n * width + edgeCountAt] * edgeWidth;
    firstEdge[n + 1] = e;
  }
  const edgeName = (e: number) => {
    const type = edgeTypes[edges[e + edgeTypeAt]];
    return type === 'element' || type === 'hidden' ? `[${edges[e + edgeNameAt]}]` : strings[edges[e + edgeNameAt]];
  };
  const isWeak = (e: number) => edgeTypes[edges[e + edgeTypeAt]] === 'weak';

  const byKind = new Map<string, { count: number; bytes: number }>();
  const byConstructor = new Map<string, { count: number; bytes: number }>();
  const byModule = new Map<string, { count: number; bytes: number }>();
  let totalBytes = 0;
  for (let n = 0; n < count; n++) {
    const type = kind(n);
    totalBytes += selfSize(n);
    add(byKind, type, selfSize(n));
    if (type === 'object' || type === 'native') add(byConstructor, nameOf(n), selfSize(n));
    // A loaded script is a code node named by its URL with a `source` edge to its text.
    if (type === 'code') {
      for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += edgeWidth) {
        if (edgeName(e) === 'source' && kind(edges[e + edgeToAt] / width).endsWith('string')) {
          add(byModule, moduleOf(nameOf(n)), selfSize(n) + selfSize(edges[e + edgeToAt] / width));
        }
      }
    }
  }

  // Dominator tree (Cooper, Harvey and Kennedy's iterative algorithm) over the strong edges from the root, node 0.
  const postorder = new Int32Array(count);
  const orderOf = new Int32Array(count).fill(-1);
  const visited = new Uint8Array(count);
  const stack = new Int32Array(count);
  const cursor = new Uint32Array(count);
  let reached = 0;
  let depth = 0;
  stack[depth++] = 0;
  visited[0] = 1;
  cursor[0] = firstEdge[0];
  while (depth > 0) {
    const n = stack[depth - 1];
    let pushed = false;
    while (cursor[n] < firstEdge[n + 1]) {
      const e = cursor[n];
      cursor[n] += edgeWidth;
      const to = edges[e + edgeToAt] / width;
      if (isWeak(e) || visited[to]) continue;
      visited[to] = 1;
      cursor[to] = firstEdge[to];
      stack[depth++] = to;
      pushed = true;
      break;
    }
    if (!pushed) {
      depth--;
      orderOf[n] = reached;
      postorder[reached++] = n;
    }
  }
  // Predecessors of each reached node, as postorder numbers.
  const predCount = new Uint32Array(reached + 1);
  for (let n = 0; n < count; n++) {
    if (orderOf[n] < 0) continue;
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += edgeWidth) {
      const to = edges[e + edgeToAt] / width;
      if (!isWeak(e) && orderOf[to] >= 0) predCount[orderOf[to] + 1]++;
    }
  }
  for (let i = 0; i < reached; i++) predCount[i + 1] += predCount[i];
  const preds = new Int32Array(predCount[reached]);
  const filled = predCount.slice(0, reached);
  for (let n = 0; n < count; n++) {
    if (orderOf[n] < 0) continue;
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += edgeWidth) {
      const to = edges[e + edgeToAt] / width;
      if (!isWeak(e) && orderOf[to] >= 0) preds[filled[orderOf[to]]++] = orderOf[n];
    }
  }
  const root = reached - 1;
  const idom = new Int32Array(reached).fill(-1);
  idom[root] = root;
  for (let changed = true; changed; ) {
    changed = false;
    for (let b = root - 1; b >= 0; b--) {
      let chosen = -1;
      for (let p = predCount[b]; p < predCount[b + 1]; p++) {
        let other = preds[p];
        if (idom[other] < 0) continue;
        if (chosen < 0) {
          chosen = other;
          continue;
        }
        // Intersect: walk both up the tree (higher postorder number = closer to the root).
        let finger = chosen;
        while (finger !== other) {
          while (finger < other) finger = idom[finger];
          while (other < finger) other = idom[other];
        }
        chosen = finger;
      }
      if (chosen >= 0 && idom[b] !== chosen) {
        idom[b] = chosen;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(reached);
  for (let b = 0; b < reached; b++) retained[b] += selfSize(postorder[b]);
  for (let b = 0; b < root; b++) if (idom[b] >= 0) retained[idom[b]] += retained[b];

  // The largest retainers among the program's own values (not V8's roots, code or system objects).
  const candidates: number[] = [];
  for (let b = 0; b < root; b++) {
    const type = kind(postorder[b]);
    if ((type === 'object' || type === 'closure' || type === 'array' || type === 'native') && !nameOf(postorder[b]).startsWith('system /')) candidates.push(b);
  }
  // A chain of single holders (a Map holding its table holding one entry…) retains the same bytes at each
  // step: only its head is listed, so that the top rows are distinct places.
  const isCandidate = new Uint8Array(reached);
  for (const b of candidates) isCandidate[b] = 1;
  const heads = candidates.filter((b) => !(isCandidate[idom[b]] && retained[b] > 0.8 * retained[idom[b]]));
  heads.sort((a, b) => retained[b] - retained[a]);
  const label = (b: number): string => {
    const n = postorder[b];
    const holder = postorder[idom[b]];
    let via = '';
    for (let e = firstEdge[holder]; e < firstEdge[holder + 1]; e += edgeWidth) {
      if (edges[e + edgeToAt] / width === n) {
        via = edgeName(e);
        break;
      }
    }
    const holderName = nameOf(holder).slice(0, 40) || `(${kind(holder)})`;
    return `${nameOf(n).slice(0, 40) || `(${kind(n)})`} ← ${holderName}${via ? `.${via}` : ''}`;
  };
  const retainers = heads.slice(0, top).map((b) => ({ name: label(b), count: 1, bytes: retained[b] }));

  return {
    totalBytes,
    nodes: count,
    byKind: sorted(byKind).slice(0, top),
    byConstructor: sorted(byConstructor).slice(0, top),
    byModule: sorted(byModule).slice(0, top),
    retainers,
  };
}

/** The summary as text tables, for the bench's report. */
export function formatHeapSummary(summary: HeapSummary): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;
  const table = (title: string, head: string, rows: Row[], counts = true) => {
    const lines = rows.map((r) => `  ${mb(r.bytes).padStart(10)}  ${counts ? String(r.count).padStart(8) : ''}  ${r.name}`);
    return [`${title}`, `  ${'bytes'.padStart(10)}  ${counts ? 'count'.padStart(8) : ''}  ${head}`, ...lines].join('\n');
  };
  return [
    `heap snapshot: ${mb(summary.totalBytes)} in ${summary.nodes} nodes`,
    table('by kind (self size):', 'kind', summary.byKind),
    table('by constructor (self size of objects):', 'constructor', summary.byConstructor),
    table('by module (script source text kept in the heap):', 'module (scripts)', summary.byModule),
    table('largest retainers (retained size):', 'object ← holder.property', summary.retainers, false),
  ].join('\n\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '15' } }, allowPositionals: true });
  if (positionals.length !== 1) {
    console.error('usage: npx tsx bench/heap-summary.ts FILE.heapsnapshot [--top 15]');
    process.exit(2);
  }
  console.log(formatHeapSummary(summariseHeap(positionals[0], Number(values.top))));
}
