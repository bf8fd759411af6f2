import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkPath, makeWorld, type PullWorld } from '../pulls/setup.js';
import { api, as } from '../helpers/http.js';
import { allRefs, gitSync, allObjects, refOf } from '../helpers/git.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** How many loose objects a bare repository holds: a refused write adds none. */

/** `git fsck` of a bare repository: throws (failing the test) when any object is malformed. */
const fsck = (gitdir: string) => gitSync(gitdir, ['fsck', '--no-dangling', '--no-progress']);

describe('commits are written only with identities and messages git accepts', () => {
  let w: PullWorld;
  let o: string;
  const call = (method: string, path: string, token: string, body?: unknown) => api(w.server.url, method, `/repos/${o}/site${path}`, { auth: as(token), body });

  beforeAll(async () => {
    w = await makeWorld();
    o = w.maintainer.username;
  });
  afterAll(() => w.server.close());

  it('refuses header injection through the contents API author and committer with a 422, storing nothing', async () => {
    // setup
    const before = allRefs(w.path);
    const objects = allObjects(w.path);
    const write = (extra: Record<string, unknown>) => call('POST', '/contents/new.txt', w.tokens.maintainer, { content: b64('new\n'), ...extra });
    // test
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ author: { name: `x>\nparent ${'0'.repeat(40)}`, email: 'a@b.org' } }, 'The author name must not contain "<", ">", a line break or a NUL character.'],
      [{ author: { name: 'Ada', email: 'a>b' } }, 'The author e-mail address must not contain "<", ">", a line break or a NUL character.'],
      [{ committer: { name: 'Ada\0', email: 'a@b.org' } }, 'The committer name must not contain "<", ">", a line break or a NUL character.'],
      [{ author: { name: '   ', email: 'a@b.org' } }, 'The author name must not be empty.'],
      [{ message: 'Add\0file' }, 'The commit message must not contain a NUL character.'],
    ];
    for (const [extra, message] of cases) {
      const refused = await write(extra);
      expect(refused.status).toBe(422);
      expect(refused.body.message).toBe(message);
    }
    expect(allRefs(w.path)).toBe(before);
    expect(allObjects(w.path)).toBe(objects);
    // spaces around a valid identity are trimmed, as git trims them
    const written = await write({ author: { name: '  Ada Lovelace ', email: ' ada@example.org ' } });
    expect(written.status).toBe(201);
    expect(written.body.commit.author).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.org' });
    fsck(w.path);
  });

  it('refuses a malformed identity when a stranger proposes a change through a fork', async () => {
    // setup: the outsider's fork exists, with its branches
    expect((await call('POST', '/forks', w.tokens.outsider, {})).status).toBe(202);
    const fork = forkPath(w, w.outsider.username, 'site');
    const before = allRefs(fork);
    // test
    const proposed = await call('POST', '/contents-propose/README.md', w.tokens.outsider, {
      content: b64('# Site!\n'),
      sha: refOf(w.path, 'main:README.md'),
      author: { name: 'Eve', email: 'eve@x.org>\ncommitter Mallory' },
    });
    expect(proposed.status).toBe(422);
    expect(proposed.body.message).toBe('The author e-mail address must not contain "<", ">", a line break or a NUL character.');
    expect(allRefs(fork)).toBe(before);
  });

  it('writes commits for an account whose profile name holds "<", ">" or a line break as git would: cleaned', async () => {
    // setup: a profile name that, written as is, would inject a header line
    await w.server.app.forge.db.prepare('UPDATE users SET full_name = ? WHERE id = ?').run(`Mal <lory>\nparent ${'0'.repeat(40)}`, w.maintainer.id);
    // test
    const written = await call('PUT', '/contents/README.md', w.tokens.maintainer, { content: b64('# Clean\n'), sha: refOf(w.path, 'main:README.md') });
    expect(written.status).toBe(200);
    expect(written.body.commit.author.name).toBe(`Mal loryparent ${'0'.repeat(40)}`);
    fsck(w.path);
  });

  it('answers a NUL in a history path with a 4xx, not a 500', async () => {
    const history = await api(w.server.url, 'GET', `/repos/${o}/site/commits?path=%00`, {});
    expect(history.status).toBe(422);
    expect(history.body.message).toBe('A name or path contains a NUL character.');
  });

  it('refuses a NUL in a pull request title, a merge title or a squash message', async () => {
    // setup
    const before = allRefs(w.path);
    // test
    const opened = await call('POST', '/pulls', w.tokens.maintainer, { head: 'feature', base: 'main', title: 'Bad\0title' });
    expect(opened.status).toBe(422);
    expect(opened.body.message).toBe('The title must not contain a NUL character.');
    expect(allRefs(w.path)).toBe(before);
    const n = (await call('POST', '/pulls', w.tokens.maintainer, { head: 'feature', base: 'main', title: 'Feature' })).body.number;
    expect((await call('PATCH', `/pulls/${n}`, w.tokens.maintainer, { title: 'Now\0bad' })).body.message).toBe('The title must not contain a NUL character.');
    const main = refOf(w.path, 'refs/heads/main');
    const squashed = await call('POST', `/pulls/${n}/merge`, w.tokens.maintainer, { Do: 'squash', MergeMessageField: 'Body\0' });
    expect(squashed.status).toBe(422);
    expect(squashed.body.message).toBe('The commit message must not contain a NUL character.');
    const titled = await call('POST', `/pulls/${n}/merge`, w.tokens.maintainer, { Do: 'merge', MergeTitleField: 'Merge\0' });
    expect(titled.status).toBe(422);
    expect(refOf(w.path, 'refs/heads/main')).toBe(main);
    expect((await call('POST', `/pulls/${n}/merge`, w.tokens.maintainer, { Do: 'squash', MergeMessageField: 'Body' })).status).toBe(200);
    fsck(w.path);
  });
});
