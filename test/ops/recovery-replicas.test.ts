import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinReplicas } from '../../server/db/replicas.js';
import { insertPushIntent, listPushIntents } from '../../server/db/ref-updates.js';
import type { RepoRow } from '../../server/db/repos.js';
import type { UserRow } from '../../server/db/users.js';
import { repoPath } from '../../server/git/store.js';
import { recover, type RecoveryOptions } from '../../server/services/recovery.js';
import { ReplicaPresence } from '../../server/services/replicas.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';

/*
 * Several replicas share the repositories folder, the data folder and the database. A replica
 * that starts (a rolling upgrade, a restart after kill -9) must clear what a dead process left
 * without touching what the live ones are writing: their push quarantines, lock files, uploads and
 * push intents.
 */
describe('start-up recovery beside live replicas', () => {
  let server: TestServer;
  let owner: UserRow;
  let repo: RepoRow;
  let gitdir: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await buildUser(server.app.forge.db);
    repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
    gitdir = repoPath(server.config.reposDir, owner.username, repo.name);
  });
  afterAll(() => server.close());

  const options = (otherReplicas: string[]): RecoveryOptions => ({
    db: server.app.forge.db,
    reposDir: server.config.reposDir,
    dataDir: server.config.dataDir,
    policy: server.app.policy,
    baseUrl: server.url,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    // As if this process started just now: everything below was written before it.
    startedAt: Date.now() + 1000,
    otherReplicas,
    checker: server.app.mergeability,
    events: server.app.events,
    gitCache: server.app.gitCache,
  });

  /** What a push, an upload and a ref update of some replica leave on disk while they run; `ageMs` back in time. */
  function workInProgress(ageMs: number) {
    const at = new Date(Date.now() - ageMs);
    const quarantine = join(gitdir, 'objects', `tmp_objdir-incoming-${randomUUID().slice(0, 6)}`);
    mkdirSync(join(quarantine, 'pack'), { recursive: true });
    const lock = join(gitdir, 'refs', 'heads', `topic-${randomUUID().slice(0, 6)}.lock`);
    writeFileSync(lock, '');
    const upload = join(server.config.dataDir, 'attachments', '.tmp', randomUUID());
    mkdirSync(join(server.config.dataDir, 'attachments', '.tmp'), { recursive: true });
    writeFileSync(upload, 'half an upload');
    const attachment = join(server.config.dataDir, 'attachments', randomUUID());
    writeFileSync(attachment, 'a file whose row is not committed yet');
    for (const path of [quarantine, lock, upload, attachment]) utimesSync(path, at, at);
    return [quarantine, lock, upload, attachment];
  }

  it('leaves the live replicas their work in progress and clears what is over an hour old and the intents of replicas that stopped', async () => {
    // setup: fresh work in progress, old leftovers, and a push intent of a live replica and of a dead one
    const fresh = workInProgress(60_000);
    const old = workInProgress(2 * 3600_000);
    const { db } = server.app.forge;
    const intent = (replica: string) => ({ token: randomUUID(), repoId: repo.id, actorId: owner.id, updates: [], replica });
    const live = intent('replica-live');
    const dead = intent('replica-dead');
    await insertPushIntent(db, live);
    await insertPushIntent(db, dead);

    // act: recovery while replica-live serves
    const report = await recover(options(['replica-live']));

    // assert
    for (const path of fresh) expect(existsSync(path), path).toBe(true);
    for (const path of old) expect(existsSync(path), path).toBe(false);
    expect((await listPushIntents(db)).map((i) => i.token)).toEqual([live.token]);
    expect(report.pushesWithoutEffect).toBe(1);

    // and alone, as a single process restarting after a crash, everything older than its start goes
    await recover(options([]));
    for (const path of fresh) expect(existsSync(path), path).toBe(false);
    expect(await listPushIntents(db)).toEqual([]);
  });

  it('counts as alive the replicas heard from lately, not those silent or whose process on this machine is gone', async () => {
    // setup: this process's presence, and rows of others
    const { db } = server.app.forge;
    const presence = await ReplicaPresence.start(db, (err) => {
      throw err;
    });
    const sleeper = spawn('sleep', ['30']);
    try {
      const now = new Date().toISOString();
      const minuteAgo = new Date(Date.now() - 60_000).toISOString();
      const row = (id: string, host: string, pid: number, seen: string) => ({ id, host, pid, started_at: seen, seen_at: seen });
      await joinReplicas(db, row('elsewhere', 'other-machine', 12, now), minuteAgo);
      await joinReplicas(db, row('silent', 'other-machine', 13, minuteAgo), minuteAgo);
      await joinReplicas(db, row('beside', hostname(), sleeper.pid as number, now), minuteAgo);
      await joinReplicas(db, row('killed', hostname(), 2 ** 22 + 1, now), minuteAgo);
      await joinReplicas(db, row('earlier-life', hostname(), process.pid, now), minuteAgo);
      // test
      expect((await presence.others()).map((r) => r.id).sort()).toEqual(['beside', 'elsewhere']);
      // a replica that stops takes its row with it
      const second = await ReplicaPresence.start(db, () => undefined);
      expect(Number(await db.prepare('SELECT count(*) FROM replicas WHERE id = ?').pluck().get(second.id))).toBe(1);
      await second.close();
      expect(Number(await db.prepare('SELECT count(*) FROM replicas WHERE id = ?').pluck().get(second.id))).toBe(0);
    } finally {
      sleeper.kill();
      await presence.close();
    }
  });
});
