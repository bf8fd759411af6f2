import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTeamMember, createOrg, createTeam } from '../../server/services/orgs.js';
import { RefMovedError, updateRef, updateRefs, writeCommit, ZERO_OID } from '../../server/git/write.js';
import { forkPath, makeWorld, type PullWorld } from './setup.js';
import { api, as } from '../helpers/http.js';
import { allRefs, refOf } from '../helpers/git.js';

describe('in-process writes and forks into organisations', () => {
  let w: PullWorld;
  beforeAll(async () => {
    w = await makeWorld();
  });
  afterAll(() => w.server.close());

  it('moves a ref only from the value the writer saw; several refs all or none', async () => {
    // setup
    const main = refOf(w.path, 'refs/heads/main');
    const feature = refOf(w.path, 'refs/heads/feature');
    const commit = await writeCommit({
      gitdir: w.path,
      objects: w.server.app.gitCache,
      parent: main,
      changes: [{ path: 'a/b/c.txt', content: new TextEncoder().encode('c\n') }, { path: 'README.md', content: null }],
      message: 'In-process',
      author: { name: 'Ada', email: 'ada@example.org' },
    });
    const refs = allRefs(w.path);
    // test: a stale old value is refused, nothing moves
    await expect(updateRef(w.path, 'refs/heads/main', commit, feature)).rejects.toBeInstanceOf(RefMovedError);
    await expect(updateRef(w.path, 'refs/heads/feature', commit, ZERO_OID)).rejects.toBeInstanceOf(RefMovedError);
    await expect(
      updateRefs(w.path, [
        { ref: 'refs/heads/main', newId: commit, oldId: main },
        { ref: 'refs/heads/feature', newId: commit, oldId: main },
      ]),
    ).rejects.toBeInstanceOf(RefMovedError);
    expect(allRefs(w.path)).toBe(refs);
    await updateRef(w.path, 'refs/heads/main', commit, main);
    expect(refOf(w.path, 'refs/heads/main')).toBe(commit);
    expect(refOf(w.path, 'main:a/b/c.txt')).not.toBe('');
    expect(refOf(w.path, 'main:README.md')).toBe('');
  });

  it('forks into an organisation only for those who may create repositories there', async () => {
    // setup
    const { db } = w.server.app.forge;
    const context = { actor: { kind: 'anonymous' as const }, ip: null };
    const org = await createOrg(db, w.maintainer, { username: 'ville' }, context);
    const team = await createTeam(db, org, { name: 'readers', permission: 'read', canCreateOrgRepo: false }, context);
    await addTeamMember(db, org, team, w.contributor, context);
    const creators = await createTeam(db, org, { name: 'creators', permission: 'write', canCreateOrgRepo: true }, context);
    await addTeamMember(db, org, creators, w.outsider, context);
    const count = async () => await db.prepare('SELECT count(*) FROM repositories').pluck().get();
    const before = await count();
    // test
    const refused = await api(w.server.url, 'POST', `/repos/${w.maintainer.username}/site/forks`, { auth: as(w.tokens.contributor), body: { organization: 'ville' } });
    expect(refused.status).toBe(403);
    expect(await count()).toBe(before);
    const made = await api(w.server.url, 'POST', `/repos/${w.maintainer.username}/site/forks`, { auth: as(w.tokens.outsider), body: { organization: 'ville', name: 'site-ville' } });
    expect(made.status).toBe(202);
    expect(made.body).toMatchObject({ full_name: 'ville/site-ville', owner: { login: 'ville' }, fork: true });
    expect(refOf(forkPath(w, 'ville', 'site-ville'), 'refs/heads/main')).toBe(refOf(w.path, 'refs/heads/main'));
  });
});
