import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { allRefs, refOf } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { forkPath, makeWorld, type PullWorld } from './setup.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Whether a bare repository holds a commit. */
const holds = (gitdir: string, oid: string) => {
  try {
    execFileSync('git', ['cat-file', '-e', `${oid}^{commit}`], { cwd: gitdir, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('cross-repository compare, as Gitea: {base}...{user}:{branch}', () => {
  let w: PullWorld;
  let o: string;
  let c: string;
  let topicSha: string;

  beforeAll(async () => {
    // setup: the contributor forks, commits on a new branch of the fork; then upstream moves on
    w = await makeWorld();
    o = w.maintainer.username;
    c = w.contributor.username;
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.contributor), body: {} })).status).toBe(202);
    const made = await api(w.server.url, 'POST', `/repos/${c}/site/contents/docs/guide.md`, {
      auth: as(w.tokens.contributor),
      body: { content: b64('# Guide\n'), branch: 'main', new_branch: 'topic', message: 'Add a guide' },
    });
    expect(made.status).toBe(201);
    topicSha = refOf(forkPath(w, c, 'site'), 'refs/heads/topic');
    const readme = await api(w.server.url, 'GET', `/repos/${o}/site/contents/README.md`, {});
    const upstream = await api(w.server.url, 'PUT', `/repos/${o}/site/contents/README.md`, {
      auth: as(w.tokens.maintainer),
      body: { content: b64('# Upstream moved on\n'), sha: readme.body.sha, message: 'Upstream change' },
    });
    expect(upstream.status).toBe(200);
  });
  afterAll(() => w.server.close());

  it("shows a fork branch's commits and changes against the parent, and copies nothing into either", async () => {
    // setup
    const before = { base: allRefs(w.path), fork: allRefs(forkPath(w, c, 'site')) };
    const forkMain = refOf(forkPath(w, c, 'site'), 'refs/heads/main');
    // test
    for (const head of [`${c}:topic`, `${c}/site:topic`]) {
      const res = await api(w.server.url, 'GET', `/repos/${o}/site/compare/main...${head}`, {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        base: { name: 'main', kind: 'branch', commit: refOf(w.path, 'refs/heads/main') },
        head: { name: 'topic', kind: 'branch', commit: topicSha },
        head_repository: { owner: c, name: 'site', full_name: `${c}/site` },
        merge_base: forkMain,
        total_commits: 1,
      });
      expect(res.body.commits.map((commit: { sha: string }) => commit.sha)).toEqual([topicSha]);
      // only the fork's change: upstream's newer README is not shown as undone
      expect(res.body.diff.files.map((f: { filename: string }) => f.filename)).toEqual(['docs/guide.md']);
    }
    expect(holds(w.path, topicSha)).toBe(false);
    expect(allRefs(w.path)).toBe(before.base);
    expect(allRefs(forkPath(w, c, 'site'))).toBe(before.fork);
  });

  it('compares the other way, from the fork against the parent', async () => {
    const res = await api(w.server.url, 'GET', `/repos/${c}/site/compare/topic...${o}:main`, {});
    expect(res.status).toBe(200);
    expect(res.body.total_commits).toBe(1);
    expect(res.body.commits[0].commit.message).toContain('Upstream change');
    expect(res.body.diff.files.map((f: { filename: string }) => f.filename)).toEqual(['README.md']);
  });

  it('answers 404 with a message for what it cannot see or does not exist', async () => {
    // setup: a private fork of the outsider, and a repository of the contributor outside the network
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.outsider), body: {} })).status).toBe(202);
    expect((await api(w.server.url, 'PATCH', `/repos/${w.outsider.username}/site`, { auth: as(w.tokens.outsider), body: { private: true } })).status).toBe(200);
    expect((await api(w.server.url, 'POST', '/user/repos', { auth: as(w.tokens.contributor), body: { name: 'other', auto_init: true } })).status).toBe(201);
    // test
    for (const spec of [`main...nobody:topic`, `main...${c}:nope`, `nope...${c}:topic`, `main...${c}/other:main`, `main...${w.outsider.username}:main`, `main...${c}:bad..name`]) {
      const res = await api(w.server.url, 'GET', `/repos/${o}/site/compare/${spec}`, {});
      expect(res.status, spec).toBe(404);
      expect(res.body.message, spec).toMatch(/\S/);
    }
    // the owner of the private fork reads it
    const own = await api(w.server.url, 'GET', `/repos/${o}/site/compare/main...${w.outsider.username}:main`, { auth: as(w.tokens.outsider) });
    expect(own.status).toBe(200);
  });
});
