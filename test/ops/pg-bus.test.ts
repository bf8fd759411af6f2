import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, testClient, type TestPostgres } from '../helpers/postgres.js';
import { PgEventBus, type BusLog } from '../../server/services/pg-events.js';
import { PgJobLock } from '../../server/services/pg-jobs.js';
import { JobLockClosedError } from '../../server/services/jobs.js';
import type { RepoCacheDropEvent } from '../../server/services/events.js';
import type { PushedEvent } from '../../server/services/push.js';
import { SiteCron } from '../../server/services/admin.js';
import { MirrorService } from '../../server/services/mirrors.js';
import { startServer } from '../helpers/server.js';

// The bus and the lock of two replicas are two instances on two connections to one real cluster.
let postgres: TestPostgres;
let url: string;
const warnings: string[] = [];
const log: BusLog = { warn: (_obj, msg) => void warnings.push(msg), info: () => undefined };
const failOnError = (err: unknown) => {
  throw err;
};

beforeAll(async () => {
  postgres = await startPostgres();
  url = await postgres.createDatabase('bus');
});
afterAll(async () => {
  await postgres?.stop();
});

/** Ends every connection an application name holds, as a restarted or cut-off database would. */
async function terminate(applicationName: string): Promise<number> {
  const admin = testClient(url);
  await admin.connect();
  try {
    const { rows } = await admin.query<{ done: boolean }>(
      'SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

describe('PgEventBus: events across replicas through LISTEN/NOTIFY', () => {
  it('runs every subscriber where the event happened, and only the every-replica ones on the other replica', async () => {
    const channel = 'bus_delivery';
    const a = await PgEventBus.start({ url, channel, onError: failOnError, log });
    const b = await PgEventBus.start({ url, channel, onError: failOnError, log });
    try {
      const seen: string[] = [];
      for (const [bus, name] of [[a, 'A'], [b, 'B']] as const) {
        bus.subscribe('repo-cache-drop', ({ repoPath }) => void seen.push(`${name} drop ${repoPath}`), { delivery: 'every-replica' });
        bus.subscribe('repo-cache-drop', ({ repoPath }) => void seen.push(`${name} once ${repoPath}`));
      }
      await a.publish('repo-cache-drop', { repoPath: '/repos/alice/one.git' });
      // A's subscribers ran before publish resolved; B's come through PostgreSQL.
      expect(seen.filter((s) => s.startsWith('A'))).toEqual(['A drop /repos/alice/one.git', 'A once /repos/alice/one.git']);
      await expect.poll(() => seen.filter((s) => s.startsWith('B'))).toEqual(['B drop /repos/alice/one.git']);
      // A does not hear its own notification back: still two lines of A.
      await b.publish('repo-cache-drop', { repoPath: '/repos/bob/two.git' });
      await expect.poll(() => seen.filter((s) => s.startsWith('A')).length).toBe(3);
      expect(seen).toContain('A drop /repos/bob/two.git');
      expect(seen).not.toContain('A once /repos/bob/two.git');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('carries a payload far over NOTIFY\u2019s 8000 bytes intact, multi-byte characters included', async () => {
    const channel = 'bus_large';
    const a = await PgEventBus.start({ url, channel, onError: failOnError, log });
    const b = await PgEventBus.start({ url, channel, onError: failOnError, log });
    try {
      const received: PushedEvent[] = [];
      b.subscribe('pushed', (event) => void received.push(event), { delivery: 'every-replica' });
      // 600 ref updates with accented and astral names: about 90 kB of JSON, cut into many notifications.
      const updates = Array.from({ length: 600 }, (_, i) => ({ ref: `refs/heads/branche-é-😀-${i}`, oldId: '0'.repeat(40), newId: i.toString(16).padStart(40, 'a') }));
      const event = { repo: { id: 7, name: 'grand' }, repoPath: '/repos/alice/grand.git', pusher: { id: 1, username: 'alice' }, updates } as unknown as PushedEvent;
      expect(Buffer.byteLength(JSON.stringify(event))).toBeGreaterThan(40_000);
      await a.publish('pushed', event);
      await a.publish('pushed', { ...event, repoPath: '/repos/alice/small.git', updates: [] });
      await expect.poll(() => received.length).toBe(2);
      expect(received[0]).toEqual(event);
      expect(received[1]?.repoPath).toBe('/repos/alice/small.git');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('reconnects after its connection is cut, says so, and sends what was published meanwhile', async () => {
    const channel = 'bus_reconnect';
    let reconnects = 0;
    // A waits half a second before reconnecting: long enough to be seen cut, and to publish while cut
    // (with 20 ms, a loaded machine polled past the window and saw it connected again).
    const a = await PgEventBus.start({ url, channel, onError: failOnError, log, backoff: { minMs: 500, maxMs: 1000 } });
    const b = await PgEventBus.start({ url, channel, onError: failOnError, log, backoff: { minMs: 20, maxMs: 200 }, onReconnect: () => void (reconnects += 1) });
    try {
      const onB: string[] = [];
      b.subscribe('repo-cache-drop', ({ repoPath }: RepoCacheDropEvent) => void onB.push(repoPath), { delivery: 'every-replica' });
      // Both buses' connections are cut (same application name); A publishes before it is back.
      expect(await terminate('fabrique-events')).toBeGreaterThanOrEqual(2);
      await expect.poll(() => a.connected).toBe(false);
      await a.publish('repo-cache-drop', { repoPath: '/repos/while-cut.git' });
      await expect.poll(() => b.connected && a.connected).toBe(true);
      expect(reconnects).toBe(1);
      await a.publish('repo-cache-drop', { repoPath: '/repos/after.git' });
      // The event queued while A was cut goes once A is back; B listens again by then or not, so
      // what is asserted is that the later one arrives, and nothing arrives twice.
      await expect.poll(() => onB.includes('/repos/after.git')).toBe(true);
      expect(new Set(onB).size).toBe(onB.length);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('delivers nothing after close, on either side', async () => {
    const channel = 'bus_close';
    const a = await PgEventBus.start({ url, channel, onError: failOnError, log });
    const b = await PgEventBus.start({ url, channel, onError: failOnError, log });
    const onB: string[] = [];
    b.subscribe('repo-cache-drop', ({ repoPath }) => void onB.push(repoPath), { delivery: 'every-replica' });
    await b.close();
    await a.publish('repo-cache-drop', { repoPath: '/repos/x.git' });
    await a.close();
    await a.publish('repo-cache-drop', { repoPath: '/repos/y.git' });
    expect(onB).toEqual([]);
  });

  it('refuses to start against a database it cannot reach, with the driver\u2019s reason', async () => {
    await expect(PgEventBus.start({ url: `postgres://postgres@127.0.0.1:${postgres.port}/no_such_database`, onError: failOnError, log })).rejects.toThrow(/no_such_database/);
  });
});

describe('PgJobLock: background jobs once across replicas, through advisory locks', () => {
  it('never runs one name on two replicas at once, and runs different names side by side', async () => {
    const a = new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } });
    const b = new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } });
    try {
      let inside = 0;
      let most = 0;
      const order: string[] = [];
      const job = (who: string) => async () => {
        inside += 1;
        most = Math.max(most, inside);
        order.push(`${who} start`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${who} end`);
        inside -= 1;
        return who;
      };
      const runs = [a, b, a, b, a, b].map((lock, i) => lock.run('maintenance:/repos/alice/one.git', job(`${i % 2 ? 'B' : 'A'}${i}`)));
      expect(await Promise.all(runs)).toEqual(['A0', 'B1', 'A2', 'B3', 'A4', 'B5']);
      expect(most).toBe(1);
      // Each start is followed by its own end: no run began inside another.
      for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]?.replace('start', 'end'));

      // Two names: A's run of one does not keep B from running the other.
      let release!: () => void;
      const held = a.run('mirror-sync:1', () => new Promise<void>((r) => (release = r)));
      await expect.poll(() => release !== undefined).toBe(true);
      expect(await b.run('mirror-sync:2', async () => 'other name')).toBe('other name');
      let bRan = false;
      const waiting = b.run('mirror-sync:1', async () => void (bRan = true));
      await new Promise((r) => setTimeout(r, 150));
      expect(bRan).toBe(false);
      release();
      await held;
      await waiting;
      expect(bRan).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('releases a lock when its run fails, and passes the error on', async () => {
    const a = new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } });
    const b = new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } });
    try {
      await expect(a.run('cron:update_mirrors', async () => Promise.reject(new Error('fetch refused')))).rejects.toThrow('fetch refused');
      expect(await b.run('cron:update_mirrors', async () => 'taken')).toBe('taken');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a replica that dies (its connection gone) leaves its locks to the others', async () => {
    const a = new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } });
    const b = new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } });
    try {
      let started!: () => void;
      const aStarted = new Promise<void>((r) => (started = r));
      void a.run('maintenance:/repos/dead.git', () => {
        started();
        return new Promise(() => undefined);
      });
      await aStarted;
      // Only A holds a connection of that name yet: B connects when it first runs.
      expect(await terminate('fabrique-jobs')).toBeGreaterThanOrEqual(1);
      expect(await b.run('maintenance:/repos/dead.git', async () => 'taken over')).toBe('taken over');
    } finally {
      await b.close();
    }
  });

  it('gives up waiting for another replica\u2019s lock when closing', async () => {
    const a = new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } });
    const b = new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } });
    let release!: () => void;
    const held = a.run('cron:git_gc_repos', () => new Promise<void>((r) => (release = r)));
    await expect.poll(() => release !== undefined).toBe(true);
    let ran = false;
    const waiting = b.run('cron:git_gc_repos', async () => void (ran = true));
    await new Promise((r) => setTimeout(r, 50));
    await b.close();
    await expect(waiting).rejects.toBeInstanceOf(JobLockClosedError);
    expect(ran).toBe(false);
    await expect(b.run('cron:git_gc_repos', async () => undefined)).rejects.toBeInstanceOf(JobLockClosedError);
    release();
    await held;
    await a.close();
  });
});

describe('scheduled work across replicas: due-ness read from the database under the lock', () => {
  it('a cron task both replicas\u2019 timers find due runs once, and again only a period later', async () => {
    // Two replicas' schedulers on one database (the app's own, migrated), each with its own PostgreSQL lock.
    const server = await startServer({ listen: false });
    const { db, config } = server.app.forge;
    const locks = [new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } }), new PgJobLock({ url, log, poll: { minMs: 5, maxMs: 40 } })];
    const crons = locks.map((jobs) => {
      const workers = { jobs, events: server.app.events };
      const mirrors = new MirrorService({ db, config, ...workers, onSynced: () => undefined, onError: failOnError });
      return new SiteCron({ db, config, workers, mirrors, deliveryRetentionMs: 1000, onError: failOnError });
    });
    const execTimes = async () => await db.prepare("SELECT exec_times FROM cron_tasks WHERE name = 'cleanup_hook_task_table'").pluck().get() as number | undefined;
    try {
      await Promise.all(crons.map((cron) => cron.runNow('cleanup_hook_task_table', { scheduled: true })));
      expect(await execTimes()).toBe(1);
      // The next ticks, before a period passed: nothing runs.
      await Promise.all(crons.map((cron) => cron.runNow('cleanup_hook_task_table', { scheduled: true })));
      expect(await execTimes()).toBe(1);
      // A run asked for by an administrator always runs.
      await crons[1]?.runNow('cleanup_hook_task_table');
      expect(await execTimes()).toBe(2);
      // A day later (the last run recorded then), the timers' runs are due again: once.
      await db.prepare("UPDATE cron_tasks SET prev_at = '2000-01-01T00:00:00.000Z' WHERE name = 'cleanup_hook_task_table'").run();
      await Promise.all(crons.map((cron) => cron.runNow('cleanup_hook_task_table', { scheduled: true })));
      expect(await execTimes()).toBe(3);
    } finally {
      for (const cron of crons) await cron.close();
      for (const lock of locks) await lock.close();
      await server.close();
    }
  });
});
