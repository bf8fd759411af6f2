import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildToken } from '../helpers/factories.js';
import { browseFixture, type BrowseFixture } from './setup.js';

let f: BrowseFixture;
let token: string;

// setup
beforeAll(async () => {
  f = await browseFixture();
  token = await buildToken(f.server.app.forge.db, f.owner, ['read:repository']);
});
afterAll(async () => {
  await f?.server.close();
});

const json = async (path: string, init?: RequestInit) => {
  const res = await f.api(path, init);
  return { res, body: await res.json() };
};

/** Every read endpoint, with the ref or path that exists in the fixture. */
const ENDPOINTS = (repo: string, ref = 'main') => [
  `${repo}/contents/src/app.ts?ref=${ref}`,
  `${repo}/contents?ref=${ref}`,
  `${repo}/raw/src/app.ts?ref=${ref}`,
  `${repo}/commits?sha=${ref}`,
  `${repo}/git/commits/${ref}`,
  `${repo}/tree/${ref}`,
  `${repo}/blob/${ref}/src/app.ts`,
  `${repo}/readme/${ref}`,
  `${repo}/commit/${ref}/diff`,
  `${repo}/compare/${ref}...${ref}`,
  `${repo}/archive/${ref}.zip`,
];

describe('access', () => {
  it('answers 404 for a private repository to anonymous visitors, on every endpoint', async () => {
    for (const path of [...ENDPOINTS('secret'), 'secret/branches', 'secret/tags', 'secret/branches/main', 'secret/tags/v1.0']) {
      const { res, body } = await json(path);
      expect(res.status, path).toBe(404);
      expect(body.message, path).toMatch(/does not exist/);
    }
  });

  it('answers 404 with a message for an unknown ref, on every endpoint that takes one', async () => {
    for (const path of ENDPOINTS('projet', 'no-such-ref')) {
      const { res, body } = await json(path);
      expect(res.status, path).toBe(404);
      expect(typeof body.message, path).toBe('string');
    }
    expect((await f.api('projet/branches/nope')).status).toBe(404);
    expect((await f.api('projet/tags/nope')).status).toBe(404);
    expect((await f.api('projet/contents/missing.txt')).status).toBe(404);
    expect((await f.api('projet/blob/main/../../etc/passwd')).status).toBe(404);
  });

  it('lets the owner read the private repository with a token', async () => {
    const res = await f.api('secret/tree/main', { headers: { authorization: `token ${token}` } });
    expect(res.status).toBe(200);
  });
});

describe('refs', () => {
  it('resolves branches, tags, full and abbreviated commit ids', async () => {
    const third = f.commits[2];
    for (const ref of ['main', 'v1.0', 'light', 'feature/x', third, third.slice(0, 7)]) {
      const { res, body } = await json(`projet/git/commits/${encodeURIComponent(ref)}`);
      expect(res.status, ref).toBe(200);
      expect(body.sha).toMatch(/^[0-9a-f]{40}$/);
    }
    expect((await json(`projet/git/commits/v1.0`)).body.sha).toBe(third);
  });

  it('lists branches and tags as Gitea does', async () => {
    const branches = await json('projet/branches');
    expect(branches.res.headers.get('x-total-count')).toBe('2');
    expect(branches.body.map((b: { name: string }) => b.name)).toEqual(['feature/x', 'main']);
    expect(branches.body[1].commit.id).toBe(f.commits[f.commits.length - 2]);
    const one = await json('projet/branches/feature/x');
    expect(one.body.name).toBe('feature/x');
    const tags = await json('projet/tags');
    const v1 = tags.body.find((t: { name: string }) => t.name === 'v1.0');
    expect(v1.commit.sha).toBe(f.commits[2]);
    expect(v1.message).toMatch(/First release/);
    expect(v1.zipball_url).toMatch(/\/archive\/v1\.0\.zip$/);
  });
});

describe('contents and raw', () => {
  it('returns a file with base64 content, and a folder as an array', async () => {
    const file = await json('projet/contents/src/app.ts');
    expect(file.res.status).toBe(200);
    expect(file.body).toMatchObject({ name: 'app.ts', path: 'src/app.ts', type: 'file', encoding: 'base64', size: 55 });
    expect(Buffer.from(file.body.content, 'base64').toString()).toContain('answer = 43');
    expect(file.body.last_commit_sha).toBe(f.commits[1]);
    expect(file.body.download_url).toMatch(/\/projet\/raw\/branch\/main\/src\/app\.ts$/);
    const old = await json('projet/contents/src/app.ts?ref=' + f.commits[0]);
    expect(Buffer.from(old.body.content, 'base64').toString()).toContain('answer = 42');
    const root = await json('projet/contents');
    expect(root.body.map((e: { name: string; type: string }) => `${e.type}:${e.name}`)).toEqual([
      'dir:docs',
      'dir:src',
      'file:README.md',
      'file:counter.txt',
      'file:logo.png',
      'file:page.html',
    ]);
    expect(root.body[0].content).toBeNull();
  });

  it('serves raw bytes with a content type that runs nothing in the forge origin', async () => {
    const html = await f.api('projet/raw/page.html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html.headers.get('content-security-policy')).toMatch(/sandbox/);
    const png = await f.api('projet/raw/logo.png?ref=v1.0');
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).length).toBe(32);
    const byPath = await f.api('projet/raw/feature/x/src/feature.ts');
    expect(await byPath.text()).toContain('feature = true');
    const etag = png.headers.get('etag') as string;
    expect((await f.api('projet/raw/logo.png?ref=v1.0', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves the web raw URLs that download_url and README images point to', async () => {
    const res = await fetch(`${f.server.url}/${f.owner.username}/projet/raw/branch/feature/x/src/feature.ts`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('feature = true');
    expect((await fetch(`${f.server.url}/${f.owner.username}/secret/raw/branch/main/src/app.ts`)).status).toBe(404);
    expect((await fetch(`${f.server.url}/${f.owner.username}/projet/raw/tag/main/src/app.ts`)).status).toBe(404);
  });
});

describe('commits', () => {
  it('paginates with Gitea headers', async () => {
    const total = f.commits.length - 1; // the feature branch's commit is not on main
    const first = await json('projet/commits?limit=10');
    expect(first.res.headers.get('x-total-count')).toBe(String(total));
    expect(first.res.headers.get('x-hasmore')).toBe('true');
    expect(first.res.headers.get('link')).toContain('rel="next"');
    expect(first.body).toHaveLength(10);
    expect(first.body[0].sha).toBe(f.commits[total - 1]);
    const last = await json('projet/commits?limit=10&page=4');
    expect(last.body).toHaveLength(total - 30);
    expect(last.res.headers.get('x-hasmore')).toBe('false');
    expect(last.body[last.body.length - 1].sha).toBe(f.commits[0]);
    expect(last.body[last.body.length - 1].commit.message).toBe('Initial commit\n\nWith a body.\n');
    expect(last.body[last.body.length - 1].parents).toEqual([]);
  });

  it('filters by path and by branch', async () => {
    const app = await json('projet/commits?path=src/app.ts');
    expect(app.body.map((c: { sha: string }) => c.sha)).toEqual([f.commits[1], f.commits[0]]);
    const feature = await json('projet/commits?sha=feature/x&limit=1');
    expect(feature.body[0].commit.message).toBe('Start a feature\n');
    expect(feature.body[0].commit.author).toEqual({ name: 'Ada Lovelace', email: 'ada@example.org', date: expect.stringMatching(/\+01:00$/) });
  });

  it('gives one commit with its files and stats', async () => {
    const { body } = await json(`projet/git/commits/${f.commits[1]}`);
    expect(body.files).toEqual([{ filename: 'src/app.ts', status: 'modified' }]);
    expect(body.stats).toEqual({ total: 3, additions: 2, deletions: 1 });
    expect(body.parents[0].sha).toBe(f.commits[0]);
  });
});

describe('pages API', () => {
  it('lists a folder with each entry’s last commit', async () => {
    const { body } = await json('projet/tree/main');
    const by = Object.fromEntries(body.entries.map((e: { name: string; last_commit: { sha: string } }) => [e.name, e.last_commit.sha]));
    expect(by).toEqual({
      docs: f.commits[2],
      src: f.commits[1],
      'README.md': f.commits[0],
      'counter.txt': f.commits[36],
      'logo.png': f.commits[2],
      'page.html': f.commits[0],
    });
    const src = await json('projet/tree/feature/x/src');
    expect(src.body.ref).toEqual({ name: 'feature/x', kind: 'branch', commit: f.commits[37] });
    expect(src.body.entries.map((e: { name: string }) => e.name)).toEqual(['app.ts', 'feature.ts']);
    expect(src.body.last_commit.sha).toBe(f.commits[37]);
  });

  it('renders a file highlighted, and flags binary files and images', async () => {
    const code = await json('projet/blob/main/src/app.ts');
    expect(code.body).toMatchObject({ binary: false, too_large: false, image: false, language: 'ts' });
    expect(code.body.lines).toHaveLength(2);
    expect(code.body.lines[0]).toContain('<span class="hljs-keyword">export</span>');
    const png = await json('projet/blob/v1.0/logo.png');
    expect(png.body).toMatchObject({ binary: true, image: true, lines: null, markdown: null, size: 32 });
    expect(png.body.raw_url).toMatch(/\/raw\/tag\/v1\.0\/logo\.png$/);
    const md = await json('projet/blob/main/docs/manual.md');
    expect(md.body.markdown).toContain('<p>Guide line 1');
  });

  it('renders the README with nothing executable left and links resolved in the repository', async () => {
    const { res, body } = await json('projet/readme/main');
    expect(res.status).toBe(200);
    const html: string = body.markdown;
    expect(html).toContain('<h1>Projet</h1>');
    expect(html).not.toMatch(/<script|<iframe|onerror|onclick|javascript:|style=/i);
    expect(html).toContain(`href="/${f.owner.username}/projet/src/branch/main/docs/guide.md"`);
    expect(html).toContain(`src="/${f.owner.username}/projet/raw/branch/main/logo.png"`);
    expect(html).toContain('rel="nofollow noopener noreferrer"');
  });

  it('diffs a commit with a rename and a binary change', async () => {
    const { body } = await json(`projet/commit/${f.commits[2]}/diff`);
    expect(body.commit.sha).toBe(f.commits[2]);
    const files = body.diff.files;
    expect(files.map((x: { filename: string; status: string }) => `${x.status}:${x.filename}`)).toEqual([
      'renamed:docs/manual.md',
      'modified:logo.png',
    ]);
    const renamed = files[0];
    expect(renamed.old_filename).toBe('docs/guide.md');
    expect(renamed.similarity).toBeGreaterThan(90);
    expect(renamed.additions).toBe(1);
    expect(renamed.deletions).toBe(1);
    expect(renamed.hunks[0].header).toBe('@@ -1,6 +1,6 @@');
    expect(renamed.hunks[0].lines.filter((l: { type: string }) => l.type !== 'ctx')).toEqual([
      // A text file of no known language is highlighted as itself: the escaped text.
      { type: 'del', old: 3, new: null, content: 'Guide line 3', html: 'Guide line 3' },
      { type: 'add', old: null, new: 3, content: 'Manual line 3', html: 'Manual line 3' },
    ]);
    expect(files[1]).toMatchObject({ binary: true, hunks: [] });
    expect(body.diff).toMatchObject({ total_files: 2, truncated: false, next_offset: null });
  });

  it('cuts a long diff and gives the rest from an offset', async () => {
    const first = await json(`projet/commit/${f.commits[0]}/diff?limit=2`);
    expect(first.body.diff).toMatchObject({ total_files: 5, truncated: true, next_offset: 2, offset: 0 });
    expect(first.body.diff.files.map((x: { filename: string }) => x.filename)).toEqual(['README.md', 'docs/guide.md']);
    const rest = await json(`projet/commit/${f.commits[0]}/diff?offset=2`);
    expect(rest.body.diff.files.map((x: { filename: string; status: string }) => x.status)).toEqual(['added', 'added', 'added']);
    expect(rest.body.diff.truncated).toBe(false);
    const readme = first.body.diff.files[0];
    expect(readme.hunks[0].header).toMatch(/^@@ -0,0 \+1,\d+ @@$/);
  });

  it('compares two refs', async () => {
    const { body } = await json('projet/compare/v1.0...feature/x');
    expect(body.merge_base).toBe(f.commits[2]);
    expect(body.total_commits).toBe(35);
    expect(body.commits[body.commits.length - 1].sha).toBe(f.commits[37]);
    expect(body.diff.files.map((x: { filename: string }) => x.filename)).toEqual(['counter.txt', 'src/feature.ts']);
  });
});

describe('archives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabrique-archive-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a valid zip and a valid tar.gz of a ref', async () => {
    const zip = await f.api('projet/archive/v1.0.zip');
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('content-disposition')).toBe('attachment; filename="projet-v1.0.zip"');
    writeFileSync(join(dir, 'a.zip'), Buffer.from(await zip.arrayBuffer()));
    const zipList = execFileSync('unzip', ['-l', join(dir, 'a.zip')], { encoding: 'utf8' });
    expect(zipList).toContain('projet/docs/manual.md');
    expect(zipList).not.toContain('counter.txt');

    const tgz = await f.api('projet/archive/feature/x.tar.gz');
    expect(tgz.status).toBe(200);
    writeFileSync(join(dir, 'a.tgz'), Buffer.from(await tgz.arrayBuffer()));
    const tarList = execFileSync('tar', ['tzf', join(dir, 'a.tgz')], { encoding: 'utf8' }).split('\n');
    expect(tarList).toContain('projet/src/feature.ts');
  });

  it('refuses other formats', async () => {
    expect((await f.api('projet/archive/main.rar')).status).toBe(404);
  });
});

// Last: it renames the private repository of the fixture.
describe('a renamed repository', () => {
  it('redirects every browse endpoint and web raw URL to the new name for a reader, and stays a 404 for others', async () => {
    // setup
    const ownerToken = await buildToken(f.server.app.forge.db, f.owner, ['read:repository', 'write:repository']);
    const auth = { authorization: `token ${ownerToken}` };
    const renamed = await f.api('secret', {
      method: 'PATCH',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'secret-renamed' }),
    });
    expect(renamed.status).toBe(200);
    // test
    const user = f.owner.username;
    for (const path of [...ENDPOINTS('secret'), 'secret/branches?page=2', 'secret/tags/v1.0']) {
      const moved = await f.api(path, { headers: auth, redirect: 'manual' });
      expect(moved.status, path).toBe(301);
      expect(moved.headers.get('location'), path).toBe(`/api/v1/repos/${user}/secret-renamed/${path.slice('secret/'.length)}`);
      const hidden = await f.api(path, { redirect: 'manual' });
      expect(hidden.status, path).toBe(404);
      expect(hidden.headers.get('location'), path).toBeNull();
    }
    const raw = await fetch(`${f.server.url}/${user}/secret/raw/branch/main/src/app.ts`, { headers: auth, redirect: 'manual' });
    expect(raw.status).toBe(301);
    expect(raw.headers.get('location')).toBe(`/${user}/secret-renamed/raw/branch/main/src/app.ts`);
    const followed = await fetch(`${f.server.url}${raw.headers.get('location')}`, { headers: auth });
    expect(await followed.text()).toContain('answer');
    expect((await fetch(`${f.server.url}/${user}/secret/raw/branch/main/src/app.ts`, { redirect: 'manual' })).status).toBe(404);
  });
});
