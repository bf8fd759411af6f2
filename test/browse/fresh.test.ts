import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { pushHistory, type FixtureCommit } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;

// setup
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('after a push', () => {
  it('shows the new commits at once: refs are read on every request, cached results are keyed by object ids', async () => {
    const { db } = server.app.forge;
    const owner = await buildUser(db);
    const repo = await buildRepo(db, server.config.reposDir, owner);
    const path = repoPath(server.config.reposDir, owner.username, repo.name);
    const first: FixtureCommit[] = [{ message: 'One', files: { 'a.txt': 'a\n' } }];
    pushHistory(path, first);
    await touchRepo(db, repo.id, { isEmpty: false });
    const api = (p: string) => fetch(`${server.url}/api/v1/repos/${owner.username}/${repo.name}/${p}`).then((r) => r.json());

    expect((await api('tree/main')).entries.map((e: { name: string }) => e.name)).toEqual(['a.txt']);
    expect(await api('commits')).toHaveLength(1);

    // test: the same first commit (fixed dates) plus one more is a fast-forward push
    const ids = pushHistory(path, [...first, { message: 'Two', files: { 'b.txt': 'b\n' } }]);
    const tree = await api('tree/main');
    expect(tree.entries.map((e: { name: string }) => e.name)).toEqual(['a.txt', 'b.txt']);
    expect(tree.entries[1].last_commit.sha).toBe(ids[1]);
    expect((await api('commits')).map((c: { sha: string }) => c.sha)).toEqual([ids[1], ids[0]]);
  });
});
