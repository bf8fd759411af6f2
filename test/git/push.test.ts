import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { repoPath } from '../../server/git/store.js';
import { findRepo } from '../../server/db/repos.js';
import { listRefUpdates } from '../../server/db/ref-updates.js';
import type { PushedEvent } from '../../server/services/push.js';
import type { UserRow } from '../../server/db/users.js';
import { commitFiles, git, hasObject, makeWorkTree, repoUrl, runGit, tempDir } from '../helpers/git.js';

let server: TestServer;
let owner: UserRow;
let token: string;

beforeAll(async () => {
  server = await startServer();
  owner = await buildUser(server.app.forge.db);
  token = await buildToken(server.app.forge.db, owner);
});
afterAll(() => server.close());

const urlOf = (name: string) => repoUrl(server.url, owner.username, name, { user: owner.username, secret: token });

describe('push', () => {
  it('accepts the first push into an empty repository, records it and sets the default branch', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner);
    const work = await makeWorkTree(2, 'trunk');
    const events: PushedEvent[] = [];
    const stop = server.app.events.subscribe('pushed', (event) => void events.push(event));
    // test
    const emptyClone = await runGit(['clone', urlOf(repo.name), `${tempDir()}/c`]);
    expect(emptyClone.code).toBe(0);
    expect(emptyClone.stderr).toContain('empty repository');
    await git(['push', urlOf(repo.name), 'trunk', 'trunk:feature'], { cwd: work });
    const row = (await findRepo(db, owner.username, repo.name))!;
    expect(row.is_empty).toBe(0);
    expect(row.default_branch).toBe('trunk');
    expect(row.size_kb).toBeGreaterThan(0);
    const bare = repoPath(server.config.reposDir, owner.username, repo.name);
    expect((await git(['symbolic-ref', 'HEAD'], { cwd: bare })).trim()).toBe('refs/heads/trunk');
    const updates = await listRefUpdates(db, repo.id);
    expect(updates.map((u) => u.ref).sort()).toEqual(['refs/heads/feature', 'refs/heads/trunk']);
    expect(updates[0].actor_id).toBe(owner.id);
    expect(updates[0].old_id).toMatch(/^0{40}$/);
    stop();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ pusher: { id: owner.id }, repo: { id: repo.id, default_branch: 'trunk' } });
    expect(events[0].updates.map((u) => u.ref).sort()).toEqual(['refs/heads/feature', 'refs/heads/trunk']);
  });

  it('pushes branches and tags, deletes a branch, force-pushes an unprotected branch', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner);
    const work = await makeWorkTree(2);
    const bare = repoPath(server.config.reposDir, owner.username, repo.name);
    await git(['push', urlOf(repo.name), 'main'], { cwd: work });
    // test
    await git(['tag', '-a', 'v1.0', '-m', 'first release'], { cwd: work });
    await git(['push', urlOf(repo.name), 'main:topic', 'v1.0'], { cwd: work });
    expect(await git(['for-each-ref', '--format=%(refname)'], { cwd: bare })).toBe('refs/heads/main\nrefs/heads/topic\nrefs/tags/v1.0\n');
    await git(['push', urlOf(repo.name), ':topic'], { cwd: work });
    expect(await git(['for-each-ref', '--format=%(refname)', 'refs/heads'], { cwd: bare })).toBe('refs/heads/main\n');
    await git(['reset', '-q', '--hard', 'HEAD~1'], { cwd: work });
    const rewritten = await commitFiles(work, { 'other.txt': 'other\n' }, 'rewrite');
    const refused = await runGit(['push', urlOf(repo.name), 'main'], { cwd: work });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('non-fast-forward');
    await git(['push', '--force', urlOf(repo.name), 'main'], { cwd: work });
    expect((await git(['rev-parse', 'main'], { cwd: bare })).trim()).toBe(rewritten);
    expect((await listRefUpdates(db, repo.id))[0]).toMatchObject({ ref: 'refs/heads/main', new_id: rewritten });
  });

  it('refuses to delete the default branch', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner);
    const work = await makeWorkTree(1);
    await git(['push', urlOf(repo.name), 'main', 'main:other'], { cwd: work });
    // test
    const result = await runGit(['push', urlOf(repo.name), ':main'], { cwd: work });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('remote: Fabrique: refused refs/heads/main: the default branch "main" cannot be deleted.');
  });

  it('refuses refs other than branches and tags (refs/pull/* belongs to the forge)', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner);
    const work = await makeWorkTree(1);
    // test
    const result = await runGit(['push', urlOf(repo.name), 'main', 'main:refs/pull/1/head'], { cwd: work });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('remote: Fabrique: refused refs/pull/1/head: only branches (refs/heads/) and tags (refs/tags/) can be pushed.');
    const bare = repoPath(server.config.reposDir, owner.username, repo.name);
    expect(await git(['for-each-ref'], { cwd: bare })).toBe('');
  });

  it('lets one of two concurrent pushes to the same branch win and tells the other to fetch first', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner);
    const base = await makeWorkTree(1);
    await git(['push', urlOf(repo.name), 'main'], { cwd: base });
    const a = tempDir();
    const b = tempDir();
    await git(['clone', '-q', urlOf(repo.name), a]);
    await git(['clone', '-q', urlOf(repo.name), b]);
    const ida = await commitFiles(a, { 'a.txt': 'a\n'.repeat(5000) }, 'from a');
    const idb = await commitFiles(b, { 'b.txt': 'b\n'.repeat(5000) }, 'from b');
    // test
    const [ra, rb] = await Promise.all([runGit(['push', 'origin', 'main'], { cwd: a }), runGit(['push', 'origin', 'main'], { cwd: b })]);
    const codes = [ra.code, rb.code].sort();
    expect(codes[0]).toBe(0);
    expect(codes[1]).not.toBe(0);
    const loser = ra.code === 0 ? rb : ra;
    expect(loser.stderr).toMatch(/fetch first|failed to update ref|cannot lock ref|stale info/);
    const bare = repoPath(server.config.reposDir, owner.username, repo.name);
    const head = (await git(['rev-parse', 'main'], { cwd: bare })).trim();
    expect(head).toBe(ra.code === 0 ? ida : idb);
    await git(['fsck', '--no-progress'], { cwd: bare });
  });

  it('refuses a push larger than FORGE_MAX_PUSH_BYTES and stores nothing', async () => {
    // setup
    const small = await startServer({ env: { FORGE_MAX_PUSH_BYTES: '20000' } });
    try {
      const { db } = small.app.forge;
      const user = await buildUser(db);
      const secret = await buildToken(db, user);
      const repo = await buildRepo(db, small.config.reposDir, user);
      const work = await makeWorkTree(1);
      const big = await commitFiles(work, { 'random.bin': randomBytes(60000) }, 'big');
      // test
      const result = await runGit(['push', repoUrl(small.url, user.username, repo.name, { user: user.username, secret }), 'main'], { cwd: work });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('pack exceeds maximum allowed size');
      expect(hasObject(repoPath(small.config.reposDir, user.username, repo.name), big)).toBe(false);
    } finally {
      await small.close();
    }
  });

  it('refuses malformed objects (receive.fsckObjects)', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner);
    const work = await makeWorkTree(1);
    const tree = (await git(['rev-parse', 'HEAD^{tree}'], { cwd: work })).trim();
    const raw = `tree ${tree}\nauthor no-email-here 1 +0000\ncommitter x <x@example.org> 1 +0000\n\nbroken\n`;
    writeFileSync(`${work}/.git/bad-commit`, raw);
    const id = (await git(['hash-object', '-t', 'commit', '-w', '--literally', '.git/bad-commit'], { cwd: work })).trim();
    await git(['update-ref', 'refs/heads/bad', id], { cwd: work });
    // test
    const result = await runGit(['push', urlOf(repo.name), 'bad'], { cwd: work });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('author');
    expect(hasObject(repoPath(server.config.reposDir, owner.username, repo.name), id)).toBe(false);
  });
});
