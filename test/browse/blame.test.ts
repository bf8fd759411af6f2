import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Blame } from '../../contract/browse.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory, type FixtureCommit } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';

/** A poem whose lines each come from a known commit, renamed on the way. */
const HISTORY: FixtureCommit[] = [
  { message: 'First verse', files: { 'poem.txt': 'A\nB\nC\nD\n' } },
  { message: 'Mend the second line', files: { 'poem.txt': 'A\nB mended\nC\nD\n' }, tag: { name: 'v1' } },
  { message: 'Two more lines <b>bold</b>', files: { 'poem.txt': 'A\nB mended\nC\nD\n<script>alert(1)</script>\nF\n' } },
  { message: 'Rename and end', renames: { 'poem.txt': 'verse.txt' }, files: { 'verse.txt': 'A\nB mended\nC\nD\n<script>alert(1)</script>\nF final\n' } },
  { message: 'Elsewhere', branch: 'topic/x', files: { 'other.txt': 'x\n' } },
];

let server: TestServer;
let commits: string[];
let stranger: string;
const owner = { name: '' };

// setup
beforeAll(async () => {
  server = await startServer();
  const { db } = server.app.forge;
  const user = await buildUser(db);
  owner.name = user.username;
  const repo = await buildRepo(db, server.config.reposDir, user, { name: 'poems' });
  const secret = await buildRepo(db, server.config.reposDir, user, { name: 'secret', isPrivate: true });
  commits = pushHistory(repoPath(server.config.reposDir, user.username, repo.name), HISTORY);
  pushHistory(repoPath(server.config.reposDir, user.username, secret.name), HISTORY);
  await touchRepo(db, repo.id, { isEmpty: false });
  await touchRepo(db, secret.id, { isEmpty: false });
  stranger = await buildToken(db, await buildUser(db), ['read:repository']);
});
afterAll(async () => {
  await server?.close();
});

const api = (path: string, token?: string) =>
  fetch(`${server.url}/api/v1/repos/${owner.name}/${path}`, { headers: token ? { authorization: `token ${token}` } : {} });

/** The commit id each line of a blame is attributed to, in file order. */
function lineCommits(blame: Blame): string[] {
  const byLine: string[] = [];
  for (const range of blame.ranges) for (let i = 0; i < range.count; i++) byLine[range.start - 1 + i] = range.sha;
  return byLine;
}

describe('GET /repos/{owner}/{repo}/blame/{ref}/{path}', () => {
  it('attributes every line to the commit that last changed it, across a rename', async () => {
    // test
    const res = await api('poems/blame/main/verse.txt');
    expect(res.status).toBe(200);
    const blame = (await res.json()) as Blame;
    expect(blame.ref).toEqual({ name: 'main', kind: 'branch', commit: commits[3] });
    expect(lineCommits(blame)).toEqual([commits[0], commits[1], commits[0], commits[0], commits[2], commits[3]]);
    expect(blame.lines).toHaveLength(6);
    // Lines unchanged since before the rename keep the old path.
    expect(blame.ranges.find((r) => r.sha === commits[0])?.orig_path).toBe('poem.txt');
    const third = blame.commits.find((c) => c.sha === commits[2]);
    expect(third).toMatchObject({ summary: 'Two more lines <b>bold</b>', author_name: 'Ada Lovelace', author_email: 'ada@example.org' });
    expect(third?.date).toMatch(/^2024-01-15T1\d:00:00\+01:00$/);
    expect(new Set(blame.commits.map((c) => c.sha))).toEqual(new Set([commits[0], commits[1], commits[2], commits[3]]));
  });

  it('escapes the file text it returns', async () => {
    const blame = (await (await api('poems/blame/main/verse.txt')).json()) as Blame;
    expect(blame.lines?.[4]).not.toContain('<script>');
    expect(blame.lines?.[4]).toContain('&lt;script&gt;');
  });

  it('blames at a tag, a commit id and a branch with a slash', async () => {
    const atTag = (await (await api('poems/blame/v1/poem.txt')).json()) as Blame;
    expect(atTag.ref.kind).toBe('tag');
    expect(lineCommits(atTag)).toEqual([commits[0], commits[1], commits[0], commits[0]]);
    const atCommit = (await (await api(`poems/blame/${commits[2]}/poem.txt`)).json()) as Blame;
    expect(lineCommits(atCommit)).toEqual([commits[0], commits[1], commits[0], commits[0], commits[2], commits[2]]);
    const onTopic = (await (await api('poems/blame/topic/x/other.txt')).json()) as Blame;
    expect(onTopic.ref).toMatchObject({ name: 'topic/x', kind: 'branch' });
    expect(lineCommits(onTopic)).toEqual([commits[4]]);
  });

  it('answers 404 with a message for a missing path, a folder, an unknown ref', async () => {
    for (const path of ['poems/blame/main/missing.txt', 'poems/blame/main/poem.txt', 'poems/blame/nope/verse.txt', 'poems/blame/main']) {
      const res = await api(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { message: string }).message, path).toMatch(/does not exist/);
    }
  });

  it('answers 404 for a private repository to a stranger and to anonymous visitors', async () => {
    for (const token of [stranger, undefined]) {
      const res = await api('secret/blame/main/verse.txt', token);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { message: string }).message).toMatch(/does not exist/);
    }
  });
});

describe("GitLab's GET /projects/:id/repository/files/:file_path/blame", () => {
  const gitlab = (project: string, rest: string) => fetch(`${server.url}/api/v4/projects/${encodeURIComponent(`${owner.name}/${project}`)}/${rest}`);

  it('groups the lines of the file by the commit that last changed them', async () => {
    const res = await gitlab('poems', 'repository/files/verse.txt/blame?ref=main');
    expect(res.status).toBe(200);
    const blocks = (await res.json()) as Array<{ commit: { id: string; message: string; parent_ids: string[] }; lines: string[] }>;
    expect(blocks.map((b) => [b.commit.id, b.lines])).toEqual([
      [commits[0], ['A']],
      [commits[1], ['B mended']],
      [commits[0], ['C', 'D']],
      [commits[2], ['<script>alert(1)</script>']],
      [commits[3], ['F final']],
    ]);
    expect(blocks[1].commit).toMatchObject({ message: 'Mend the second line\n', parent_ids: [commits[0]] });
  });

  it("answers GitLab's 404 for a missing file and a private project", async () => {
    const missing = await gitlab('poems', 'repository/files/missing.txt/blame?ref=main');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe('404 File Not Found');
    expect((await gitlab('secret', 'repository/files/verse.txt/blame?ref=main')).status).toBe(404);
  });
});
