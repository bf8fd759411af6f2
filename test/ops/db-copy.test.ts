import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';
import { migratePostgres } from '../../server/db/postgres-migrate.js';
import { tempDir } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { startPostgres, testClient, testPool, type TestPostgres } from '../helpers/postgres.js';
import { makeWorld, settledPull } from '../pulls/setup.js';
import { runProgram } from './cli.js';

/** A server, a PostgreSQL cluster and CLI processes: tens of seconds on a loaded machine. */
const TIMEOUT = 300_000;

/** Tables holding rows in the filled instance: what the copy must carry, at the least. */
const FILLED = ['users', 'repositories', 'access_tokens', 'teams', 'team_members', 'labels', 'milestones', 'issues', 'issue_comments',
  'issue_labels', 'issue_milestones', 'pull_requests', 'issue_numbers', 'timeline_events', 'notifications', 'audit_events'];

describe('db copy --from sqlite: --to postgres://', () => {
  let cluster: TestPostgres;
  let sqliteFile: string;
  const folders = { dataDir: tempDir('fabrique-copy-data-'), reposDir: tempDir('fabrique-copy-repos-') };

  beforeAll(async () => {
    cluster = await startPostgres();
    // setup: an instance filled through its API, then closed
    const world = await makeWorld();
    const { url } = world.server;
    const owner = world.maintainer.username;
    const auth = as(world.tokens.maintainer);
    const ok = async (method: string, path: string, body: unknown, who = auth) => {
      const answer = await api(url, method, path, { auth: who, body });
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
      return answer.body;
    };
    await ok('POST', '/orgs', { username: 'metropole', full_name: 'Métropole' });
    await ok('POST', '/orgs/metropole/teams', { name: 'voirie', permission: 'write', units: ['repo.code'] });
    const bug = await ok('POST', `/repos/${owner}/site/labels`, { name: 'bug', color: '#ee0701' });
    const milestone = await ok('POST', `/repos/${owner}/site/milestones`, { title: 'v1.0' });
    for (let i = 1; i <= 30; i++) {
      const issue = await ok('POST', `/repos/${owner}/site/issues`, { title: `Résoudre le problème ${i}`, body: `Détails ${i}`, labels: [bug.id], milestone: milestone.id });
      await ok('POST', `/repos/${owner}/site/issues/${issue.number}/comments`, { body: `Un commentaire sur ${i}, @${owner}` }, as(world.tokens.contributor));
    }
    const pull = await ok('POST', `/repos/${owner}/site/pulls`, { head: 'feature', base: 'main', title: 'Ajouter la fonctionnalité' });
    await settledPull(world, owner, 'site', pull.number);
    await ok('POST', `/repos/${owner}/site/issues/${pull.number}/comments`, { body: 'Relu.' });
    // The server's database, checkpointed and closed by the app's close, copied before its folder goes.
    await world.server.app.close();
    sqliteFile = join(tempDir('fabrique-copy-source-'), 'fabrique.db');
    copyFileSync(join(world.server.config.dataDir, 'fabrique.db'), sqliteFile);
    rmSync(world.server.root, { recursive: true, force: true });
  }, TIMEOUT);

  afterAll(async () => {
    await cluster?.stop();
  });

  async function count(client: pg.Client, table: string): Promise<number> {
    return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  }

  it('copies every table, verifies counts and sampled rows, and the target works as a forge database', async () => {
    // setup
    const target = await cluster.createDatabase('copy');
    // test
    const run = await runProgram('cli', ['db', 'copy', '--from', `sqlite:${sqliteFile}`, '--to', target], folders);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^table\s+sqlite\s+postgres\s+sampled\s+result$/m);
    expect(run.stdout).toMatch(/^issues\s+30\s+30\s+25\s+ok$/m);
    expect(run.stdout).toMatch(/^issue_comments\s+31\s+31\s+25\s+ok$/m);
    expect(run.stdout).toMatch(/counts and sampled rows match\.$/m);
    expect(run.stdout).not.toMatch(/MISMATCH/);
    const source = new Database(sqliteFile, { readonly: true });
    const client = testClient(target);
    await client.connect();
    try {
      const tables = source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%search%' AND name != 'schema_migrations'").pluck().all() as string[];
      expect(tables.length).toBeGreaterThan(40);
      for (const table of tables) {
        expect({ table, rows: await count(client, table) }).toEqual({ table, rows: Number(source.prepare(`SELECT count(*) FROM ${table}`).pluck().get()) });
      }
      for (const table of FILLED) expect({ table, filled: (await count(client, table)) > 0 }).toEqual({ table, filled: true });
      // The search tables are the target's own, filled by its triggers while the rows went in.
      expect(await count(client, 'issue_search')).toBe(30);
      const found = await client.query("SELECT rowid FROM issue_search WHERE fts_match(document, '\"resoudre\"* \"probleme\"* \"17\"*')");
      expect(found.rows).toEqual([{ rowid: Number(source.prepare("SELECT id FROM issues WHERE title = 'Résoudre le problème 17'").pluck().get()) }]);
      // Ids continue after the copied ones: a new row takes the next id, not one already used.
      const maxId = Number(source.prepare('SELECT max(id) FROM issue_comments').pluck().get());
      const issueId = Number(source.prepare('SELECT min(id) FROM issues').pluck().get());
      const posterId = Number(source.prepare('SELECT min(id) FROM users').pluck().get());
      const inserted = await client.query('INSERT INTO issue_comments (issue_id, poster_id, body) VALUES ($1, $2, $3) RETURNING id, created_at', [issueId, posterId, 'after the copy']);
      expect(inserted.rows[0].id).toBe(maxId + 1);
      expect(inserted.rows[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // A copied row is the same, column by column (the text of its dates too).
      const sqliteUser = source.prepare('SELECT * FROM users ORDER BY id LIMIT 1').get() as Record<string, unknown>;
      const pgUser = (await client.query('SELECT * FROM users ORDER BY id LIMIT 1')).rows[0] as Record<string, unknown>;
      expect(Object.fromEntries(Object.entries(pgUser).map(([k, v]) => [k, v === null ? null : String(v)])))
        .toEqual(Object.fromEntries(Object.entries(sqliteUser).map(([k, v]) => [k, v === null ? null : String(v)])));
    } finally {
      await client.end();
      source.close();
    }
  }, TIMEOUT);

  it('refuses a target that already holds rows (exit 2) and leaves it as it was', async () => {
    // setup: a target that already serves a forge (migrated, with an account and an issue)
    const target = await cluster.createDatabase('filled');
    const pool = testPool(target);
    await migratePostgres(pool, join(PROJECT_ROOT, 'migrations', 'postgres'));
    await pool.end();
    const client = testClient(target);
    await client.connect();
    try {
      const user = (await client.query("INSERT INTO users (username, lower_name) VALUES ('Camille', 'camille') RETURNING id")).rows[0].id;
      const repo = (await client.query("INSERT INTO repositories (owner_id, name, lower_name) VALUES ($1, 'voirie', 'voirie') RETURNING id", [user])).rows[0].id;
      await client.query("INSERT INTO issues (repo_id, number, poster_id, title) VALUES ($1, 1, $2, 'Already here')", [repo, user]);
      const before = { users: await count(client, 'users'), issues: await count(client, 'issues'), comments: await count(client, 'issue_comments') };
      // test
      const run = await runProgram('cli', ['db', 'copy', '--from', `sqlite:${sqliteFile}`, '--to', target], folders);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^Refused: The target database already holds rows \(users: 1, .*issues: 1.*\): db copy fills an empty database only; nothing was changed\.$/m);
      expect(run.stdout).toBe('');
      expect({ users: await count(client, 'users'), issues: await count(client, 'issues'), comments: await count(client, 'issue_comments') }).toEqual(before);
      expect((await client.query('SELECT title FROM issues')).rows).toEqual([{ title: 'Already here' }]);
    } finally {
      await client.end();
    }
  }, TIMEOUT);

  it('a copy that does not give back what SQLite holds is named and exits 1', async () => {
    // setup: a target migrated ahead, where a trigger alters one issue's title as it goes in
    const target = await cluster.createDatabase('altered');
    const pool = testPool(target);
    await migratePostgres(pool, join(PROJECT_ROOT, 'migrations', 'postgres'));
    await pool.query(`CREATE FUNCTION alter_title() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.number = 1 THEN NEW.title := 'altered'; END IF; RETURN NEW; END $$`);
    await pool.query('CREATE TRIGGER alter_title BEFORE INSERT ON issues FOR EACH ROW EXECUTE FUNCTION alter_title()');
    await pool.end();
    // test
    const run = await runProgram('cli', ['db', 'copy', '--from', `sqlite:${sqliteFile}`, '--to', target], folders);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^issues\s+30\s+30\s+25\s+MISMATCH$/m);
    expect(run.stdout).toMatch(/^1 problem\(s\):\n {2}issues \(id\) = \(\d+\): title differ$/m);
  }, TIMEOUT);

  it('refuses a source that is not a Fabrique database, and bad arguments', async () => {
    const target = await cluster.createDatabase('unused');
    const missing = await runProgram('cli', ['db', 'copy', '--from', `sqlite:${join(folders.dataDir, 'none.db')}`, '--to', target], folders);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Refused: Cannot open the SQLite database/);
    const usage = await runProgram('cli', ['db', 'copy', '--from', sqliteFile, '--to', target], folders);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/db copy needs --from sqlite:FILE and --to postgres:\/\//);
  }, TIMEOUT);
});
