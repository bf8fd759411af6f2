import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openPostgres, type Db } from '../../server/db/index.js';
import { insertStatus } from '../../server/db/statuses.js';
import { claimDueDeliveries, insertDeliveries, insertWebhook } from '../../server/db/webhooks.js';
import { assigneesOf, findIssue, replaceAssignees } from '../../server/db/issues.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { tempDir } from '../helpers/git.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { addTeamMember, createOrg, removeMember } from '../../server/services/orgs.js';
import { findTeamByName } from '../../server/db/teams.js';
import { countOrgOwners } from '../../server/db/orgs.js';

// Two replicas are two pools on one database of a real cluster, under PostgreSQL's read committed:
// what SQLite's single writer made atomic must stay so when their statements interleave.
let postgres: TestPostgres;
let a: Db;
let b: Db;
let repoId: number;
let creatorId: number;

beforeAll(async () => {
  postgres = await startPostgres();
  const url = await postgres.createDatabase('concurrency');
  a = await openPostgres(url);
  b = await openPostgres(url);
  await migrate(a, fileURLToPath(new URL('../../migrations', import.meta.url)));
  const owner = await buildUser(a);
  creatorId = owner.id;
  repoId = (await buildRepo(a, tempDir('fabrique-repos-'), owner)).id;
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await postgres?.stop();
});

describe('PostgreSQL: two replicas at once', () => {
  it('claims each due webhook delivery once, however the two pollers interleave', async () => {
    // setup: 60 deliveries due now
    const hook = await insertWebhook(a, { repoId }, { type: 'gitea', url: 'http://127.0.0.1:9/hook', secret: '', contentType: 'json', events: '{"mode":"push_only","events":[]}', branchFilter: '*', active: true });
    await insertDeliveries(a, Array.from({ length: 60 }, () => ({ uuid: randomUUID(), hookId: hook.id, event: 'push', eventType: 'push', payload: '{}', isTest: false })));
    const later = new Date(Date.now() + 60_000).toISOString();
    // act: both replicas poll together until nothing is left to claim
    const claimed: number[] = [];
    for (let round = 0; round < 30; round++) {
      const now = new Date().toISOString();
      const [fromA, fromB] = await Promise.all([claimDueDeliveries(a, now, later, 5), claimDueDeliveries(b, now, later, 5)]);
      if (fromA.length + fromB.length === 0) break;
      claimed.push(...fromA.map((d) => d.id), ...fromB.map((d) => d.id));
    }
    // assert: all 60, none twice
    expect(claimed).toHaveLength(60);
    expect(new Set(claimed).size).toBe(60);
  });

  it('gives twelve statuses posted at once on one commit twelve indexes, none refused', async () => {
    const sha = 'c'.repeat(40);
    const rows = await Promise.all(
      Array.from({ length: 12 }, (_, i) => insertStatus(i % 2 ? a : b, { repoId, sha, context: `ci/${i}`, state: 'pending', targetUrl: '', description: '', creatorId })),
    );
    expect(rows.map((r) => r.idx).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('keeps an owner when both owners of an organisation leave at the same moment', async () => {
    const context = { actor: { kind: 'anonymous' as const }, ip: null };
    for (let round = 0; round < 8; round++) {
      // setup: an organisation with two owners
      const first = await buildUser(a);
      const second = await buildUser(a);
      const org = await createOrg(a, first, { username: `mairie${round}x${Date.now().toString(36)}` }, context);
      await addTeamMember(a, org, (await findTeamByName(a, org.id, 'Owners'))!, second, context);
      // act: each leaves through another replica, at once
      const results = await Promise.allSettled([removeMember(a, org, first, context), removeMember(b, org, second, context)]);
      // assert: one left, the other was refused with the reason (without the lock, most rounds leave none)
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { message: 'An organisation needs at least one owner: add another owner first.' } });
      expect(Number(await countOrgOwners(a, org.id))).toBe(1);
    }
  });

  it('takes two assignee edits of one issue at once in turn, without a 500', async () => {
    const [x, y] = [await buildUser(a), await buildUser(a)];
    await a.prepare("INSERT INTO issues (repo_id, number, poster_id, title) VALUES (?, 1, ?, 'Potholes')").run(repoId, creatorId);
    for (let round = 0; round < 5; round++) {
      await replaceAssignees(a, { repoId, number: 1 }, []);
      const edits = await Promise.allSettled([replaceAssignees(a, { repoId, number: 1 }, [x.id]), replaceAssignees(b, { repoId, number: 1 }, [x.id, y.id])]);
      expect(edits.map((e) => e.status)).toEqual(['fulfilled', 'fulfilled']);
      expect([[x.id], [x.id, y.id]]).toContainEqual((await assigneesOf(a, repoId, [1])).get(1));
    }
  });

  it('refuses a number past its 32-bit columns with a 422 that says why, where SQLite finds nothing', async () => {
    const refused = await findIssue(a, repoId, 3_000_000_000).then(
      () => null,
      (err: { statusCode?: number; message: string }) => err,
    );
    expect(refused).toMatchObject({ statusCode: 422, message: 'A number in the request is out of range (the largest is 2147483647).' });
  });
});
