import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giteaApi, type Api } from 'gitea-js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildToken, buildUser } from '../helpers/factories.js';
import { allObjects, allRefs, gitSync, refOf } from '../helpers/git.js';
import { repoPath } from '../../server/git/store.js';

/** The status and message of a call that gitea-js rejects (it throws the response). */
async function refusal(call: Promise<unknown>): Promise<{ status: number; message: unknown }> {
  try {
    await call;
  } catch (err) {
    const response = err as { status: number; error: { message?: unknown } };
    return { status: response.status, message: response.error?.message };
  }
  throw new Error('expected the call to be refused');
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

let server: TestServer;
let owner: string;
let ownerToken: string;
let client: Api<unknown>;
let reader: Api<unknown>;
let gitdir: string;

// setup: a public repository with a first commit, its owner, and a signed-in reader who may not write
beforeAll(async () => {
  server = await startServer();
  const { db } = server.app.forge;
  const user = await buildUser(db);
  owner = user.username;
  ownerToken = await buildToken(db, user, ['all']);
  client = giteaApi(server.url, { token: ownerToken });
  reader = giteaApi(server.url, { token: await buildToken(db, await buildUser(db), ['all']) });
  expect((await client.user.createCurrentUserRepo({ name: 'depot', auto_init: true })).status).toBe(201);
  gitdir = repoPath(server.config.reposDir, owner, 'depot');
});
afterAll(async () => server?.close());

describe("Gitea's ChangeFiles: POST /repos/{owner}/{repo}/contents", () => {
  it('commits several files in one commit on the branch', async () => {
    // test
    const before = refOf(gitdir, 'refs/heads/main');
    const response = await client.repos.repoChangeFiles(owner, 'depot', {
      branch: 'main',
      message: 'Add the plan and the budget',
      files: [
        { operation: 'create', path: 'docs/plan.md', content: b64('# Plan\n') },
        { operation: 'create', path: 'budget.csv', content: b64('poste;montant\n') },
      ],
    });
    expect(response.status).toBe(201);
    const sha = response.data.commit?.sha ?? '';
    expect(refOf(gitdir, 'refs/heads/main')).toBe(sha);
    expect(response.data.commit?.parents?.map((p) => p.sha)).toEqual([before]);
    expect(response.data.files?.map((f) => f?.path)).toEqual(['docs/plan.md', 'budget.csv']);
    expect(gitSync(gitdir, ['diff-tree', '--no-commit-id', '--name-only', '-r', sha]).split('\n').sort()).toEqual(['budget.csv', 'docs/plan.md']);
    expect(gitSync(gitdir, ['show', `${sha}:docs/plan.md`])).toBe('# Plan');
    expect(gitSync(gitdir, ['log', '-1', '--format=%s', sha])).toBe('Add the plan and the budget');
  });

  it('updates, moves and deletes in one commit, with the blob ids it replaces', async () => {
    const plan = gitSync(gitdir, ['rev-parse', 'main:docs/plan.md']);
    const budget = gitSync(gitdir, ['rev-parse', 'main:budget.csv']);
    const response = await client.repos.repoChangeFiles(owner, 'depot', {
      files: [
        { operation: 'update', path: 'docs/plan-2027.md', from_path: 'docs/plan.md', sha: plan, content: b64('# Plan 2027\n') },
        { operation: 'delete', path: 'budget.csv', sha: budget },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.data.files?.[1]).toBeNull();
    expect(gitSync(gitdir, ['ls-tree', '-r', '--name-only', 'main']).split('\n').sort()).toEqual(['README.md', 'docs/plan-2027.md']);
  });

  it('refuses a protected branch with the gate\'s reason, and stores nothing', async () => {
    expect((await client.repos.repoCreateBranchProtection(owner, 'depot', { rule_name: 'main', enable_push: false })).status).toBe(201);
    const [objects, refs] = [allObjects(gitdir), allRefs(gitdir)];
    const refused = await refusal(client.repos.repoChangeFiles(owner, 'depot', { files: [{ operation: 'create', path: 'secret.txt', content: b64('never stored\n') }] }));
    expect(refused.status).toBe(403);
    expect(refused.message).toMatch(/protected/);
    expect(allObjects(gitdir)).toBe(objects);
    expect(allRefs(gitdir)).toBe(refs);
    // The same files to a new branch go through: that is what the upload page offers then.
    const onBranch = await client.repos.repoChangeFiles(owner, 'depot', { branch: 'main', new_branch: 'upload-1', files: [{ operation: 'create', path: 'secret.txt', content: b64('on a branch\n') }] });
    expect(onBranch.status).toBe(201);
    expect(refOf(gitdir, 'refs/heads/upload-1')).toBe(onBranch.data.commit?.sha);
    await client.repos.repoDeleteBranchProtection(owner, 'depot', 'main');
  });

  it('refuses bad input with a 4xx and a message, storing nothing', async () => {
    const [objects, refs] = [allObjects(gitdir), allRefs(gitdir)];
    const readme = gitSync(gitdir, ['rev-parse', 'main:README.md']);
    const cases: Array<[Parameters<typeof client.repos.repoChangeFiles>[2], number, RegExp]> = [
      [{ files: [{ operation: 'create', path: 'README.md', content: b64('x') }] }, 422, /already exists/],
      [{ files: [{ operation: 'update', path: 'README.md', sha: '0'.repeat(40), content: b64('x') }] }, 409, /changed since/],
      [{ files: [{ operation: 'delete', path: 'missing.txt', sha: readme }] }, 404, /does not exist/],
      [{ files: [{ operation: 'create', path: 'a.txt', content: '%%%' }] }, 422, /base64/],
      [{ files: [{ operation: 'create', path: 'a.txt', content: b64('1') }, { operation: 'create', path: 'a.txt', content: b64('2') }] }, 422, /twice/],
      [{ files: [{ operation: 'create', path: '../escape.txt', content: b64('x') }] }, 422, /not a valid file path/],
      [{ files: [] }, 422, /files/],
      [{ branch: 'nope', files: [{ operation: 'create', path: 'a.txt', content: b64('x') }] }, 404, /branch "nope"/],
    ];
    for (const [body, status, message] of cases) {
      const refused = await refusal(client.repos.repoChangeFiles(owner, 'depot', body));
      expect(refused, JSON.stringify(body)).toMatchObject({ status, message: expect.stringMatching(message) });
    }
    expect(allObjects(gitdir)).toBe(objects);
    expect(allRefs(gitdir)).toBe(refs);
  });

  it('refuses a body over the size limit with a 413 and a message, storing nothing', async () => {
    const [objects, refs] = [allObjects(gitdir), allRefs(gitdir)];
    const big = Buffer.alloc(8 * 1024 * 1024, 7).toString('base64');
    const response = await fetch(`${server.url}/api/v1/repos/${owner}/depot/contents`, {
      method: 'POST',
      headers: { authorization: `token ${ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ files: [{ operation: 'create', path: 'big.bin', content: big }] }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toMatch(/too large/i);
    expect(allObjects(gitdir)).toBe(objects);
    expect(allRefs(gitdir)).toBe(refs);
  });

  it('refuses a reader who may not write (403) and an anonymous caller (401)', async () => {
    const files = [{ operation: 'create' as const, path: 'intrus.txt', content: b64('x') }];
    expect(await refusal(reader.repos.repoChangeFiles(owner, 'depot', { files }))).toMatchObject({ status: 403, message: expect.any(String) });
    expect(await refusal(giteaApi(server.url).repos.repoChangeFiles(owner, 'depot', { files }))).toMatchObject({ status: 401 });
    expect(gitSync(gitdir, ['ls-tree', '-r', '--name-only', 'main'])).not.toContain('intrus.txt');
  });
});
