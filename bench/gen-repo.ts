/**
 * Deterministic generator of a realistic git repository for benchmarks.
 *
 * The same {commits, seed} always gives the same commits (same object ids): a seeded PRNG drives
 * every choice, names and dates are fixed, and the history is written as one `git fast-import`
 * stream (dates are in the stream, so GIT_AUTHOR_DATE / GIT_COMMITTER_DATE are pinned too for the
 * few git commands run afterwards). Hundreds of text files in several languages across nested
 * folders, edits, renames, deletions, a few binary files, feature branches merged back, release
 * branches and annotated plus lightweight tags.
 *
 *   npx tsx bench/gen-repo.ts [--commits 3000] [--seed 1] [--dir bench/.work/repo-1-3000]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { git, gitEnv } from './lib.js';

export interface GenerateOptions {
  /** Directory of the new (non-bare) repository; must not exist or be empty. */
  dir: string;
  /** Number of commits, merges included (default 3000). */
  commits?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Files in the first commit (default 350). */
  initialFiles?: number;
}

/** Written into .git once generation succeeded: tells a cache that the repository is complete. */
export const MARKER = 'fabrique-bench.json';

const BASE_TIME = 1_577_869_200; // 2020-01-01T09:00:00Z
const TZ = '+0100';

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32 seeded through splitmix32: small, fast, good enough, and identical on every platform. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    let z = (seed >>> 0) + 0x9e3779b9;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    this.state = (z ^ (z >>> 16)) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  bytes(n: number): Buffer {
    const buf = Buffer.allocUnsafe(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) buf.writeUInt32LE(this.uint32(), i);
    for (; i < n; i++) buf[i] = this.uint32() & 0xff;
    return buf;
  }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary and content

const WORDS = [
  'account', 'agenda', 'archive', 'asset', 'audit', 'badge', 'batch', 'blob', 'branch', 'budget', 'bus', 'cache',
  'calendar', 'canton', 'census', 'citizen', 'city', 'commit', 'config', 'contract', 'council', 'cycle', 'data',
  'deed', 'delta', 'district', 'diff', 'draft', 'event', 'export', 'fee', 'field', 'file', 'filter', 'form', 'grant',
  'graph', 'grid', 'index', 'invoice', 'item', 'job', 'key', 'layer', 'ledger', 'line', 'link', 'log', 'map', 'meter',
  'mirror', 'node', 'notice', 'office', 'order', 'pack', 'page', 'park', 'parcel', 'path', 'permit', 'plan', 'policy',
  'pool', 'query', 'queue', 'record', 'ref', 'region', 'report', 'request', 'road', 'route', 'schema', 'school',
  'score', 'sector', 'session', 'signal', 'site', 'slot', 'source', 'stop', 'store', 'street', 'survey', 'tag', 'task',
  'tax', 'ticket', 'token', 'tram', 'tree', 'user', 'value', 'vote', 'ward', 'waste', 'water', 'zone',
] as const;
const VERBS = [
  'add', 'apply', 'build', 'check', 'clean', 'compute', 'convert', 'count', 'create', 'decode', 'encode', 'fetch',
  'filter', 'find', 'format', 'group', 'load', 'merge', 'normalize', 'parse', 'print', 'read', 'render', 'resolve',
  'save', 'scan', 'sort', 'split', 'sync', 'update', 'validate', 'write',
] as const;
const FR = [
  'la', 'le', 'les', 'des', 'une', 'un', 'et', 'pour', 'avec', 'dans', 'sur', 'métropole', 'données', 'commune',
  'réseau', 'habitants', 'service', 'public', 'déchets', 'voirie', 'écoles', 'transports', 'délibération', 'budget',
  'conseil', 'quartier', 'électricité', 'marché', 'accès', 'procédure', 'demande', 'délai', 'échéance', 'région',
  'été', 'hiver', 'première', 'année', 'équipe', 'élus', 'agents', 'usagers', 'numérique', 'ouvert', 'libre',
] as const;
const EN = [
  'the', 'a', 'of', 'to', 'and', 'for', 'with', 'when', 'each', 'every', 'this', 'that', 'is', 'are', 'must', 'can',
  'should', 'not', 'only', 'once', 'user', 'request', 'file', 'record', 'value', 'server', 'client', 'page', 'list',
] as const;

const AUTHORS = [
  { name: 'Amélie Durand', email: 'amelie.durand@example.org' },
  { name: 'Karim Benali', email: 'karim.benali@example.org' },
  { name: 'Sophie Martin', email: 'sophie.martin@example.org' },
  { name: 'Lucas Moreau', email: 'lucas.moreau@example.org' },
  { name: 'Nguyễn Thị Lan', email: 'lan.nguyen@example.org' },
  { name: 'Jean-Baptiste Lefèvre', email: 'jb.lefevre@example.org' },
  { name: 'Chloé Petit', email: 'chloe.petit@example.org' },
  { name: 'Ops Bot', email: 'ops-bot@example.org' },
] as const;
const MAINTAINER = AUTHORS[1];

type Lang = 'ts' | 'py' | 'go' | 'rs' | 'c' | 'h' | 'md' | 'json' | 'yaml' | 'sh' | 'css' | 'sql';

/** Preferred languages per top-level folder; everything else draws from ANY. */
const TOP: Record<string, readonly Lang[]> = {
  server: ['ts', 'ts', 'ts', 'json', 'sql'],
  web: ['ts', 'ts', 'css', 'json', 'md'],
  tools: ['py', 'py', 'sh', 'yaml'],
  agent: ['go', 'go', 'go', 'md'],
  core: ['rs', 'rs', 'rs', 'md'],
  native: ['c', 'h', 'c', 'sh'],
  docs: ['md', 'md', 'md', 'yaml'],
  deploy: ['yaml', 'yaml', 'sh', 'json'],
  migrations: ['sql'],
  tests: ['ts', 'py', 'go', 'json'],
};
const ANY: readonly Lang[] = ['ts', 'py', 'go', 'rs', 'c', 'md', 'json', 'yaml', 'sh', 'css', 'sql'];
const BINARY_EXT = ['png', 'woff2', 'pdf', 'sqlite', 'gz'] as const;

const camel = (parts: string[]) => parts[0] + parts.slice(1).map((p) => p[0].toUpperCase() + p.slice(1)).join('');
const snake = (parts: string[]) => parts.join('_');
const pascal = (parts: string[]) => parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('');

function sentence(rng: Rng, pool: readonly string[], min = 6, max = 16): string {
  const n = rng.int(min, max);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.chance(0.25) ? rng.pick(WORDS) : rng.pick(pool));
  const s = words.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}

function ident(rng: Rng): string[] {
  return rng.chance(0.5) ? [rng.pick(VERBS), rng.pick(WORDS)] : [rng.pick(VERBS), rng.pick(WORDS), rng.pick(WORDS)];
}

function expr(rng: Rng): string {
  const a = rng.pick(WORDS);
  switch (rng.int(0, 4)) {
    case 0: return `${a}.length * ${rng.int(2, 97)}`;
    case 1: return `${a} + ${rng.int(1, 1000)}`;
    case 2: return `(${a} ^ 0x${rng.uint32().toString(16)}) >>> ${rng.int(1, 16)}`;
    case 3: return `${a} % ${rng.int(3, 61)}`;
    default: return `${rng.pick(WORDS)}Count - ${rng.int(1, 9)}`;
  }
}

/** One self-contained unit of a file in the given language: a function, a section, an entry. */
function unit(rng: Rng, lang: Lang): string[] {
  const id = ident(rng);
  const arg = rng.pick(WORDS);
  const body = rng.int(2, 9);
  const lines: string[] = [];
  switch (lang) {
    case 'ts':
      lines.push(`/** ${sentence(rng, EN)} */`, `export function ${camel(id)}(${arg}: ${rng.pick(['string', 'number', 'Item[]', 'Record<string, number>'])}): number {`);
      for (let i = 0; i < body; i++) lines.push(`  const ${rng.pick(WORDS)}${i} = ${expr(rng)};`);
      lines.push(`  return ${rng.pick(WORDS)}0;`, '}', '');
      break;
    case 'py':
      lines.push(`def ${snake(id)}(${arg}, *, limit=${rng.int(1, 500)}):`, `    """${sentence(rng, EN)}"""`);
      for (let i = 0; i < body; i++) lines.push(`    ${rng.pick(WORDS)}_${i} = ${expr(rng).replace('>>>', '>>').replace('.length', '.count')}`);
      lines.push(`    return ${rng.pick(WORDS)}_0`, '', '');
      break;
    case 'go':
      lines.push(`// ${pascal(id)} ${sentence(rng, EN).toLowerCase()}`, `func ${pascal(id)}(${arg} int) int {`);
      for (let i = 0; i < body; i++) lines.push(`\t${rng.pick(WORDS)}${i} := ${arg} * ${rng.int(2, 999)}`);
      lines.push(`\treturn ${arg}`, '}', '');
      break;
    case 'rs':
      lines.push(`/// ${sentence(rng, EN)}`, `pub fn ${snake(id)}(${arg}: u64) -> u64 {`);
      for (let i = 0; i < body; i++) lines.push(`    let ${rng.pick(WORDS)}_${i} = ${arg}.wrapping_mul(${rng.int(2, 9999)});`);
      lines.push(`    ${arg}`, '}', '');
      break;
    case 'c':
      lines.push(`/* ${sentence(rng, EN)} */`, `int ${snake(id)}(int ${arg})`, '{');
      for (let i = 0; i < body; i++) lines.push(`\tint ${rng.pick(WORDS)}_${i} = ${arg} * ${rng.int(2, 999)};`);
      lines.push(`\treturn ${arg};`, '}', '');
      break;
    case 'h':
      lines.push(`int ${snake(id)}(int ${arg}); /* ${rng.pick(EN)} ${rng.pick(WORDS)} */`);
      break;
    case 'md': {
      const pool = rng.chance(0.5) ? FR : EN;
      lines.push(`## ${sentence(rng, pool, 2, 5).slice(0, -1)}`, '');
      for (let i = 0; i < rng.int(1, 3); i++) lines.push(sentence(rng, pool, 8, 20) + ' ' + sentence(rng, pool, 6, 14));
      if (rng.chance(0.3)) lines.push('', `- ${sentence(rng, pool, 3, 7)}`, `- ${sentence(rng, pool, 3, 7)}`);
      lines.push('');
      break;
    }
    case 'json':
      lines.push(`  "${camel(id)}": { "enabled": ${rng.chance(0.5)}, "limit": ${rng.int(0, 10000)}, "label": "${rng.pick(FR)} ${rng.pick(WORDS)}" },`);
      break;
    case 'yaml':
      lines.push(`${snake(id)}:`, `  enabled: ${rng.chance(0.5)}`, `  replicas: ${rng.int(1, 12)}`, `  description: "${sentence(rng, FR, 3, 8)}"`);
      break;
    case 'sh':
      lines.push(`${snake(id)}() {`, `  # ${sentence(rng, EN)}`);
      for (let i = 0; i < rng.int(1, 5); i++) lines.push(`  ${rng.pick(['echo', 'test -f', 'mkdir -p', 'rm -f'])} "$${arg.toUpperCase()}_${i}"`);
      lines.push('}', '');
      break;
    case 'css':
      lines.push(`.${rng.pick(WORDS)}-${rng.pick(WORDS)} {`, `  margin: ${rng.int(0, 32)}px ${rng.int(0, 32)}px;`, `  color: #${(rng.uint32() & 0xffffff).toString(16).padStart(6, '0')};`, '}', '');
      break;
    case 'sql':
      lines.push(`CREATE TABLE IF NOT EXISTS ${snake([rng.pick(WORDS), rng.pick(WORDS)])} (`, '  id INTEGER PRIMARY KEY,');
      for (let i = 0; i < rng.int(1, 5); i++) lines.push(`  ${rng.pick(WORDS)}_${i} ${rng.pick(['TEXT', 'INTEGER', 'REAL'])} NOT NULL,`);
      lines.push(`  created_at TEXT NOT NULL`, ');', '');
      break;
  }
  return lines;
}

function header(rng: Rng, lang: Lang, path: string): string[] {
  switch (lang) {
    case 'ts': return [`// SPDX-License-Identifier: EUPL-1.2`, `import type { Item } from './${rng.pick(WORDS)}.js';`, ''];
    case 'py': return ['# SPDX-License-Identifier: EUPL-1.2', `"""${path}: ${sentence(rng, EN, 3, 8)}"""`, 'import os', ''];
    case 'go': return ['// SPDX-License-Identifier: EUPL-1.2', `package ${rng.pick(WORDS)}`, ''];
    case 'rs': return ['// SPDX-License-Identifier: EUPL-1.2', `//! ${sentence(rng, EN, 3, 8)}`, ''];
    case 'c': return ['/* SPDX-License-Identifier: EUPL-1.2 */', '#include <stdio.h>', ''];
    case 'h': return ['#pragma once', ''];
    case 'md': return [`# ${sentence(rng, rng.chance(0.5) ? FR : EN, 2, 5).slice(0, -1)}`, ''];
    case 'json': return ['{'];
    case 'yaml': return [`# ${path}`, 'version: 1'];
    case 'sh': return ['#!/bin/sh', 'set -eu', ''];
    case 'css': return [`/* ${path} */`, ''];
    case 'sql': return [`-- ${path}`, ''];
  }
}

const HEADER_LINES: Record<Lang, number> = { ts: 3, py: 4, go: 3, rs: 3, c: 3, h: 2, md: 2, json: 1, yaml: 2, sh: 3, css: 2, sql: 2 };
const COMMENT: Record<Lang, string> = { ts: '// ', py: '# ', go: '// ', rs: '// ', c: '// ', h: '// ', md: '', json: '', yaml: '# ', sh: '# ', css: '/**/ ', sql: '-- ' };

function footer(lang: Lang): string[] {
  return lang === 'json' ? ['  "end": null', '}'] : [];
}

// ---------------------------------------------------------------------------------------------
// Repository state

type Content = { kind: 'text'; lang: Lang; lines: string[] } | { kind: 'bin'; data: Buffer };
type Tree = Map<string, Content>;

type FileOp = { op: 'M'; path: string; content: Content } | { op: 'D'; path: string } | { op: 'R'; from: string; to: string };

interface Branch {
  name: string;
  tree: Tree;
  /** Mark of the tip commit, 0 before the first commit. */
  tip: number;
  /** Whether fast-import already knows this branch (else the next commit needs `from`). */
  started: boolean;
  /** Feature branches: paths touched since the fork, and how many commits before the merge. */
  touched?: Set<string>;
  budget?: number;
  /** Release branches: the mark they were cut from. */
  cutFrom?: number;
}

function langOf(path: string): Lang | null {
  const ext = path.slice(path.lastIndexOf('.') + 1);
  return (ANY as readonly string[]).includes(ext) || ext === 'h' ? (ext as Lang) : null;
}

function newTextFile(rng: Rng, lang: Lang, path: string): Content {
  const lines = [...header(rng, lang, path)];
  const units = lang === 'json' || lang === 'h' ? rng.int(5, 40) : rng.int(3, 14);
  for (let i = 0; i < units; i++) lines.push(...unit(rng, lang));
  lines.push(...footer(lang));
  return { kind: 'text', lang, lines };
}

/** One edit of a text file: replace, insert or delete a few lines, or touch a single line. */
function editText(rng: Rng, c: Extract<Content, { kind: 'text' }>): Content {
  const lines = [...c.lines];
  const first = Math.min(HEADER_LINES[c.lang], lines.length);
  const at = rng.int(first, Math.max(first, lines.length - 1 - footer(c.lang).length));
  const r = rng.next();
  if (r < 0.35) {
    lines.splice(at, rng.int(1, 6), ...unit(rng, c.lang));
  } else if (r < 0.65) {
    lines.splice(at, 0, ...unit(rng, c.lang));
  } else if (r < 0.8 && lines.length > 30) {
    lines.splice(at, rng.int(1, 8));
  } else {
    const i = Math.min(at, lines.length - 1);
    if (c.lang === 'json') lines.splice(i, 0, ...unit(rng, 'json'));
    else lines[i] = (lines[i] ?? '') + ` ${COMMENT[c.lang]}${rng.pick(c.lang === 'md' ? FR : WORDS)}`;
  }
  return { kind: 'text', lang: c.lang, lines };
}

class Generator {
  readonly rng: Rng;
  readonly dirs: string[] = [];
  private out: Buffer[] = [];
  private outBytes = 0;
  private mark = 0;
  private clock = BASE_TIME;
  commitCount = 0;
  readonly sink: (chunk: Buffer) => Promise<void>;

  constructor(seed: number, sink: (chunk: Buffer) => Promise<void>) {
    this.rng = new Rng(seed);
    this.sink = sink;
  }

  // --- stream writing ---------------------------------------------------------------------------
  private write(s: string | Buffer): void {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    this.out.push(b);
    this.outBytes += b.length;
  }
  private data(b: Buffer): void {
    this.write(`data ${b.length}\n`);
    this.write(b);
    this.write('\n');
  }
  async flush(force = false): Promise<void> {
    if (this.outBytes === 0 || (!force && this.outBytes < 1 << 20)) return;
    const chunk = Buffer.concat(this.out);
    this.out = [];
    this.outBytes = 0;
    await this.sink(chunk);
  }

  // --- naming ---------------------------------------------------------------------------------
  makeDirs(count: number): void {
    const tops = Object.keys(TOP);
    this.dirs.push(...tops);
    while (this.dirs.length < count) {
      const parent = this.rng.pick(this.dirs);
      if (parent.split('/').length >= 6) continue;
      const name = this.rng.chance(0.15) ? `${this.rng.pick(FR).normalize('NFC')}` : this.rng.pick(WORDS);
      const dir = `${parent}/${name}`;
      if (!this.dirs.includes(dir)) this.dirs.push(dir);
    }
    this.dirs.push('docs/guide utilisateur'); // a space in a path
  }

  newPath(tree: Tree, lang?: Lang): { path: string; lang: Lang } {
    for (;;) {
      const dir = this.rng.pick(this.dirs);
      const l = lang ?? this.rng.pick(TOP[dir.split('/')[0]] ?? ANY);
      const sep = l === 'py' || l === 'rs' || l === 'c' || l === 'h' || l === 'sql' ? '_' : '-';
      const base = this.rng.chance(0.5) ? this.rng.pick(WORDS) : `${this.rng.pick(WORDS)}${sep}${this.rng.pick(WORDS)}`;
      const path = l === 'md' && this.rng.chance(0.05) ? `${dir}/Référence ${base}.md` : `${dir}/${base}.${l}`;
      if (!tree.has(path)) return { path, lang: l };
    }
  }

  // --- history --------------------------------------------------------------------------------
  private tick(): number {
    this.clock += this.rng.int(600, 4 * 3600);
    return this.clock;
  }

  commit(branch: Branch, message: string, ops: FileOp[], options: { merge?: number; author?: (typeof AUTHORS)[number] } = {}): number {
    const author = options.author ?? this.rng.pick(AUTHORS);
    const committer = options.merge !== undefined || this.rng.chance(0.15) ? MAINTAINER : author;
    const when = this.tick();
    const mark = ++this.mark;
    this.write(`commit refs/heads/${branch.name}\nmark :${mark}\n`);
    this.write(`author ${author.name} <${author.email}> ${when} ${TZ}\n`);
    this.write(`committer ${committer.name} <${committer.email}> ${when + (committer === author ? 0 : this.rng.int(60, 7200))} ${TZ}\n`);
    this.data(Buffer.from(message, 'utf8'));
    if (!branch.started && branch.tip !== 0) this.write(`from :${branch.tip}\n`);
    if (options.merge !== undefined) this.write(`merge :${options.merge}\n`);
    for (const op of ops) {
      if (op.op === 'D') {
        this.write(`D ${quote(op.path)}\n`);
        branch.tree.delete(op.path);
      } else if (op.op === 'R') {
        this.write(`R ${quote(op.from)} ${quote(op.to)}\n`);
        const c = branch.tree.get(op.from);
        if (c === undefined) throw new Error(`rename of a missing file ${op.from}`);
        branch.tree.delete(op.from);
        branch.tree.set(op.to, c);
      } else {
        const bytes = op.content.kind === 'bin' ? op.content.data : Buffer.from(op.content.lines.join('\n') + '\n', 'utf8');
        const mode = op.content.kind === 'text' && op.content.lang === 'sh' ? '100755' : '100644';
        this.write(`M ${mode} inline ${quote(op.path)}\n`);
        this.data(bytes);
        branch.tree.set(op.path, op.content);
      }
      if (branch.touched) {
        if (op.op === 'R') branch.touched.add(op.from).add(op.to);
        else branch.touched.add(op.path);
      }
    }
    this.write('\n');
    branch.tip = mark;
    branch.started = true;
    this.commitCount++;
    return mark;
  }

  annotatedTag(name: string, mark: number, message: string): void {
    this.write(`tag ${name}\nfrom :${mark}\n`);
    this.write(`tagger ${MAINTAINER.name} <${MAINTAINER.email}> ${this.clock + 60} ${TZ}\n`);
    this.data(Buffer.from(message, 'utf8')); // no LF after a tag: the grammar has none
  }

  reset(ref: string, mark: number): void {
    this.write(`reset ${ref}\nfrom :${mark}\n\n`);
  }

  done(): void {
    this.write('done\n');
  }

  /** Random changes for one ordinary commit; returns the operations and a message. */
  changes(branch: Branch): { ops: FileOp[]; message: string } {
    const rng = this.rng;
    const tree = new Map(branch.tree); // scratch copy to keep ops consistent within the commit
    const ops: FileOp[] = [];
    const textPaths = () => [...tree.keys()].filter((p) => tree.get(p)!.kind === 'text');
    const subjects: string[] = [];
    const n = rng.chance(0.7) ? 1 : rng.int(2, 3);
    for (let k = 0; k < n; k++) {
      const r = rng.next();
      if (r < 0.78) {
        const files = rng.int(1, rng.chance(0.8) ? 2 : 6);
        const paths = textPaths();
        for (let f = 0; f < files; f++) {
          const path = rng.pick(paths);
          const content = editText(rng, tree.get(path) as Extract<Content, { kind: 'text' }>);
          tree.set(path, content);
          ops.push({ op: 'M', path, content });
          if (f === 0) subjects.push(`${rng.pick(['Fix', 'Update', 'Refactor', 'Improve', 'Corrige', 'Simplifie'])} ${rng.pick(VERBS)} ${rng.pick(WORDS)} in ${basename(path)}`);
        }
      } else if (r < 0.88) {
        const { path, lang } = this.newPath(tree);
        const content = newTextFile(rng, lang, path);
        tree.set(path, content);
        ops.push({ op: 'M', path, content });
        subjects.push(`Add ${basename(path)}`);
      } else if (r < 0.93) {
        const paths = textPaths();
        if (paths.length < 120) continue;
        const path = rng.pick(paths);
        tree.delete(path);
        ops.push({ op: 'D', path });
        subjects.push(`Remove ${basename(path)}`);
      } else if (r < 0.98) {
        const from = rng.pick(textPaths());
        const lang = langOf(from) ?? 'md';
        const to = rng.chance(0.5)
          ? this.newPath(tree, lang).path
          : `${from.slice(0, from.lastIndexOf('/'))}/${rng.pick(WORDS)}${lang === 'md' ? '-notes' : ''}.${lang}`;
        if (tree.has(to)) continue;
        const c = tree.get(from)!;
        tree.delete(from);
        tree.set(to, c);
        ops.push({ op: 'R', from, to });
        subjects.push(`Move ${basename(from)} to ${to.slice(0, to.lastIndexOf('/'))}`);
        if (rng.chance(0.5) && c.kind === 'text') {
          const content = editText(rng, c);
          tree.set(to, content);
          ops.push({ op: 'M', path: to, content });
        }
      } else {
        const bins = [...tree.keys()].filter((p) => tree.get(p)!.kind === 'bin');
        const path = bins.length > 0 && rng.chance(0.7) ? rng.pick(bins) : `assets/${rng.pick(WORDS)}-${rng.int(1, 99)}.${rng.pick(BINARY_EXT)}`;
        const content: Content = { kind: 'bin', data: rng.bytes(rng.int(10, 80) * 1024) };
        tree.set(path, content);
        ops.push({ op: 'M', path, content });
        subjects.push(`Update ${basename(path)}`);
      }
    }
    if (ops.length === 0) return this.changes(branch);
    let message = subjects.join(', ');
    if (rng.chance(0.35)) message += '\n\n' + sentence(rng, rng.chance(0.5) ? FR : EN, 10, 30) + '\n' + sentence(rng, EN, 6, 20);
    return { ops, message: message + '\n' };
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** fast-import path quoting: always C-style quoted (safe for spaces and non-ASCII). */
function quote(path: string): string {
  return '"' + path.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

// ---------------------------------------------------------------------------------------------

/** Generates the repository and returns its path (the working tree, checked out on main). */
export async function generateRepo(options: GenerateOptions): Promise<string> {
  const dir = resolve(options.dir);
  const total = options.commits ?? 3000;
  const seed = options.seed ?? 1;
  const initialFiles = options.initialFiles ?? 350;
  if (!Number.isInteger(total) || total < 1) throw new Error('commits must be a positive integer');
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} exists and is not empty`);
  mkdirSync(dir, { recursive: true });

  const env = gitEnv({
    GIT_AUTHOR_NAME: MAINTAINER.name,
    GIT_AUTHOR_EMAIL: MAINTAINER.email,
    GIT_COMMITTER_NAME: MAINTAINER.name,
    GIT_COMMITTER_EMAIL: MAINTAINER.email,
    GIT_AUTHOR_DATE: `${BASE_TIME} ${TZ}`,
    GIT_COMMITTER_DATE: `${BASE_TIME} ${TZ}`,
  });
  await git(['init', '--quiet', '--initial-branch=main', dir], { env });

  const child = spawn('git', ['fast-import', '--quiet', '--done', '--date-format=raw', '--active-branches=16'], {
    cwd: dir,
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  child.stdin.on('error', () => undefined); // EPIPE if fast-import dies: its exit code and stderr tell why
  const stderr: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  const exited = new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res(code));
  });
  const sink = async (chunk: Buffer) => {
    if (!child.stdin.write(chunk)) await Promise.race([once(child.stdin, 'drain'), exited]);
  };

  const g = new Generator(seed, sink);
  const rng = g.rng;
  g.makeDirs(70);

  // Root commit: hundreds of files, and a few binaries of some tens of KB.
  const main: Branch = { name: 'main', tree: new Map(), tip: 0, started: false };
  const rootOps: FileOp[] = [];
  const scratch: Tree = new Map();
  for (let i = 0; i < initialFiles; i++) {
    const { path, lang } = g.newPath(scratch);
    const content = newTextFile(rng, lang, path);
    scratch.set(path, content);
    rootOps.push({ op: 'M', path, content });
  }
  for (const [i, ext] of BINARY_EXT.entries()) {
    const path = `assets/${['logo', 'font', 'charte', 'sample', 'archive'][i]}.${ext}`;
    rootOps.push({ op: 'M', path, content: { kind: 'bin', data: rng.bytes(rng.int(10, 80) * 1024) } });
  }
  rootOps.push({ op: 'M', path: 'README.md', content: newTextFile(rng, 'md', 'README.md') });
  g.commit(main, 'Initial import\n', rootOps, { author: MAINTAINER });

  const features: Branch[] = [];
  const merged: string[] = [];
  const releases: Branch[] = [];
  const tagEvery = Math.max(2, Math.floor(total / 10));
  let featureNo = 0;
  let minor = 0;

  while (g.commitCount < total) {
    const left = total - g.commitCount;
    // Merge a feature whose budget is spent (a merge is a commit, so only when one is left).
    const ready = features.find((f) => f.budget! <= 0);
    if (ready) {
      const ops: FileOp[] = [];
      for (const p of [...ready.touched!].sort()) {
        const theirs = ready.tree.get(p);
        if (theirs !== undefined) {
          if (main.tree.get(p) !== theirs) ops.push({ op: 'M', path: p, content: theirs });
        } else if (main.tree.has(p)) ops.push({ op: 'D', path: p });
      }
      g.commit(main, `Merge branch '${ready.name}'\n`, ops, { merge: ready.tip });
      features.splice(features.indexOf(ready), 1);
      merged.push(ready.name);
    } else if (left > 12 && features.length < 3 && rng.chance(0.04)) {
      const name = `feature/${++featureNo}-${rng.pick(VERBS)}-${rng.pick(WORDS)}`;
      const f: Branch = { name, tree: new Map(main.tree), tip: main.tip, started: false, touched: new Set(), budget: Math.min(rng.int(3, 40), left - 2) };
      features.push(f);
      const { ops, message } = g.changes(f);
      g.commit(f, message, ops);
      f.budget!--;
    } else {
      const r = rng.next();
      let target: Branch = main;
      if (features.length > 0 && r < 0.35) target = rng.pick(features);
      else if (releases.length > 0 && r < 0.38) target = releases[releases.length - 1];
      const { ops, message } = g.changes(target);
      g.commit(target, message, ops);
      if (target.budget !== undefined) target.budget--;
      // Features never outlive the history: spend their budgets so they merge before the end.
      if (total - g.commitCount <= features.length) for (const f of features) f.budget = 0;
      if (target === main && g.commitCount % tagEvery === 0 && g.commitCount < total) {
        minor++;
        g.annotatedTag(`v0.${minor}.0`, main.tip, `Version 0.${minor}.0\n\n${sentence(rng, FR, 8, 20)}\n`);
        const rel: Branch = { name: `release/0.${minor}`, tree: new Map(main.tree), tip: main.tip, started: true, cutFrom: main.tip };
        g.reset(`refs/heads/${rel.name}`, main.tip);
        releases.push(rel);
      }
    }
    if (g.commitCount % 500 === 0) g.reset(`refs/tags/nightly-${g.commitCount}`, main.tip);
    await g.flush();
  }
  // Release branches got fixes: tag the last fix of each as a patch release.
  for (const rel of releases) {
    if (rel.tip !== rel.cutFrom) g.annotatedTag(`v${rel.name.slice('release/'.length)}.1`, rel.tip, `Patch release ${rel.name}\n`);
  }
  g.done();
  await g.flush(true);
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import exited with ${code}\n${Buffer.concat(stderr).toString('utf8')}`);

  // Merged feature branches are deleted, as after a pull request; the last three stay.
  const gone = merged.slice(0, Math.max(0, merged.length - 3));
  if (gone.length > 0) await git(['update-ref', '--stdin'], { cwd: dir, env, input: gone.map((b) => `delete refs/heads/${b}\n`).join('') });
  await git(['checkout', '--quiet', '--force', 'main'], { cwd: dir, env });
  // fast-import writes loosely deltified packs; repack once like any long-lived clone would be.
  await git(['repack', '-a', '-d', '-f', '-q'], { cwd: dir, env });
  writeFileSync(resolve(dir, '.git', MARKER), JSON.stringify({ commits: total, seed, initialFiles, generator: 1 }) + '\n');
  return dir;
}

/** bench/.work/repo-<seed>-<commits>: generated once, reused afterwards. */
export async function cachedRepo(commits: number, seed: number, workDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '.work')): Promise<string> {
  const dir = resolve(workDir, `repo-${seed}-${commits}`);
  if (existsSync(resolve(dir, '.git', MARKER))) return dir;
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true }); // an interrupted generation
  return generateRepo({ dir, commits, seed });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      commits: { type: 'string', default: '3000' },
      seed: { type: 'string', default: '1' },
      dir: { type: 'string' },
    },
  });
  const commits = Number(values.commits);
  const seed = Number(values.seed);
  const started = process.hrtime.bigint();
  const path = values.dir ? await generateRepo({ dir: values.dir, commits, seed }) : await cachedRepo(commits, seed);
  console.error(`generated in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  console.log(path);
}
