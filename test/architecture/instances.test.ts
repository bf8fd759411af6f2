import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../server/app.js';
import { repoPath } from '../../server/git/store.js';
import type { PushedEvent } from '../../server/services/push.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { commitFiles, git, gitSync, pushHistory, repoUrl, runGit, tempDir } from '../helpers/git.js';

/** One forge with the same account, repository and pull request as its twin: `metropole/site`, #1 from `feature` into `main`. */
interface Forge {
  server: TestServer;
  token: string;
  path: string;
  /** Every `pushed` event this forge's bus delivered. */
  pushed: PushedEvent[];
}

async function makeForge(): Promise<Forge> {
  // setup
  const server = await startServer();
  const { db } = server.app.forge;
  const owner = await buildUser(db, { username: 'metropole' });
  const repo = await buildRepo(db, server.config.reposDir, owner, { name: 'site' });
  const path = repoPath(server.config.reposDir, 'metropole', 'site');
  pushHistory(path, [
    { message: 'First', files: { 'README.md': '# Site\n' } },
    { message: 'Feature', branch: 'feature', files: { 'NEW.md': 'new\n' } },
  ]);
  gitSync(path, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  await db.prepare('UPDATE repositories SET is_empty = 0 WHERE id = ?').run(repo.id);
  const token = await buildToken(db, owner, ['all']);
  const created = await api(server.url, 'POST', '/repos/metropole/site/pulls', { auth: as(token), body: { head: 'feature', base: 'main', title: 'Feature' } });
  expect(created.status).toBe(201);
  const pushed: PushedEvent[] = [];
  server.app.events.subscribe('pushed', (event) => void pushed.push(event));
  return { server, token, path, pushed };
}

const pull = async (forge: Forge) => (await api(forge.server.url, 'GET', '/repos/metropole/site/pulls/1', { auth: as(forge.token) })).body;

/** The pull request once its background mergeability check has run. */
async function settledPull(forge: Forge): Promise<{ mergeable_state: string; head: { sha: string } }> {
  for (let i = 0; i < 200; i++) {
    const body = await pull(forge);
    if (body.mergeable_state !== 'checking') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('mergeability never settled');
}

/** Pushes one new commit on `feature` with the real git CLI; returns its id. */
async function pushFeature(forge: Forge, file: string): Promise<string> {
  const work = `${tempDir()}/work`;
  const url = repoUrl(forge.server.url, 'metropole', 'site', { user: 'metropole', secret: forge.token });
  await git(['clone', '-q', '-b', 'feature', url, work]);
  const id = await commitFiles(work, { [file]: `${file}\n` }, `Add ${file}`);
  await git(['push', '-q', url, 'feature'], { cwd: work });
  return id;
}

describe('two app instances in one process', () => {
  let a: Forge;
  let b: Forge;
  beforeAll(async () => {
    a = await makeForge();
    b = await makeForge();
  });
  afterAll(async () => {
    await b.server.close();
  });

  it('a push to one reaches only its own listeners and pull requests', async () => {
    // setup
    const before = (await settledPull(b)).head.sha;
    expect((await settledPull(a)).head.sha).toBe(before);
    // test
    const id = await pushFeature(a, 'a.txt');
    expect(a.pushed.map((e) => e.updates.map((u) => u.ref))).toEqual([['refs/heads/feature']]);
    expect(b.pushed).toEqual([]);
    expect((await settledPull(a)).head.sha).toBe(id);
    expect((await settledPull(b)).head.sha).toBe(before);
    expect(gitSync(b.path, ['rev-parse', 'refs/pull/1/head'])).toBe(before);
  });

  it('each owns its git object cache: a push drops the repository from its own cache only, through its own bus', async () => {
    // setup
    const cachedA = a.server.app.gitCache.repo(a.path);
    const cachedB = b.server.app.gitCache.repo(b.path);
    expect(a.server.app.gitCache).not.toBe(b.server.app.gitCache);
    expect(a.server.app.gitCache.repo(a.path)).toBe(cachedA);
    // test
    await pushFeature(a, 'cache.txt');
    expect(a.server.app.gitCache.repo(a.path)).not.toBe(cachedA);
    expect(b.server.app.gitCache.repo(b.path)).toBe(cachedB);
    await b.server.app.events.publish('repo-cache-drop', { repoPath: b.path });
    expect(b.server.app.gitCache.repo(b.path)).not.toBe(cachedB);
  });

  it('closing one leaves the other working: pushes, its listeners, its mergeability checks', async () => {
    // setup
    const deliveredToA = a.pushed.length;
    // test
    await a.server.close();
    const id = await pushFeature(b, 'b.txt');
    expect(b.pushed).toHaveLength(1);
    expect(b.pushed[0].updates[0]).toMatchObject({ ref: 'refs/heads/feature', newId: id });
    const settled = await settledPull(b);
    expect(settled.head.sha).toBe(id);
    expect(settled.mergeable_state).toBe('mergeable');
    const clone = await runGit(['clone', '-q', repoUrl(b.server.url, 'metropole', 'site'), `${tempDir()}/clone`]);
    expect(clone.code).toBe(0);
    // The closed instance's bus delivers nothing any more.
    await a.server.app.events.publish('pushed', b.pushed[0]);
    expect(a.pushed).toHaveLength(deliveredToA);
  });
});

/**
 * Module-level state that may stay, each with why: constants never changed after load, and caches
 * whose entries are pure functions of their keys (see the comment at each).
 */
const ALLOWED: Record<string, string> = {
  'server/auth/oidc.ts:LOOPBACK': 'constant lookup table',
  'server/lib/names.ts:RESERVED_OWNER_NAMES': 'constant lookup table',
  'server/plugins/csrf.ts:SAFE_METHODS': 'constant lookup table',
  'server/auth/credentials.ts:TOKEN_USER_NAMES': 'constant lookup table',
  'server/services/repos.ts:UNWRITABLE_CODES': 'constant lookup table',
  'server/services/licences.ts:index': 'parsed SPDX texts, computed once and never changed',
  'server/services/render.ts:cache': 'rendered output keyed by object ids: never stale, only bounded',
  'server/services/image-proxy.ts:IMAGE_TYPES': 'constant lookup table',
  'server/plugins/metrics.ts:METHODS': 'constant lookup table',
};

/** Top-level `let`/`var`, and top-level containers that can change (`new Map/Set/WeakMap/WeakSet/Lru`), as `name`s. */
function moduleState(source: string): string[] {
  const names: string[] = [];
  for (const line of source.split('\n')) {
    const variable = /^(?:export\s+)?(?:let|var)\s+([A-Za-z_$][\w$]*)/.exec(line);
    const container = /^(?:export\s+)?const\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*new\s+(?:Map|Set|WeakMap|WeakSet|Lru)\b/.exec(line);
    const name = variable?.[1] ?? container?.[1];
    if (name) names.push(name);
  }
  return names;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('no module-level mutable state in server/', () => {
  it('the scan finds top-level let and containers, and only those', () => {
    const sample = [
      'let counter = 0;',
      'export let shared: string | null = null;',
      'const listeners = new Set<() => void>();',
      'const byDb: WeakMap<object, number> = new WeakMap();',
      'const cache = new Lru<string, string>(10);',
      'const LIMIT = 10;',
      '  let inside = 1;',
      'function f() {}',
    ].join('\n');
    expect(moduleState(sample)).toEqual(['counter', 'shared', 'listeners', 'byDb', 'cache']);
  });

  it('every top-level let or container of server/ is on the allow-list, and every entry of the list still exists', () => {
    const found = sourcesUnder(join(PROJECT_ROOT, 'server')).flatMap((file) => {
      const name = relative(PROJECT_ROOT, file).split('\\').join('/');
      return moduleState(readFileSync(file, 'utf8')).map((variable) => `${name}:${variable}`);
    });
    expect(found.filter((entry) => !(entry in ALLOWED))).toEqual([]);
    expect(Object.keys(ALLOWED).filter((entry) => !found.includes(entry))).toEqual([]);
  });
});
