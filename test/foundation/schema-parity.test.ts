import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';
import { MigrationError, NewerDatabaseError } from '../../server/db/index.js';
import { migratePostgres } from '../../server/db/postgres-migrate.js';
import { startPostgres, testClient, testPool, type TestPostgres } from '../helpers/postgres.js';

const SQLITE_DIR = join(PROJECT_ROOT, 'migrations');
const PG_DIR = join(PROJECT_ROOT, 'migrations', 'postgres');
const NUMBERED = /^\d{3}-[a-z0-9-]+\.sql$/;

/**
 * What differs between the engines on purpose. SQLite's full-text search is FTS5 virtual tables
 * (and their shadow tables); PostgreSQL's is plain tables (rowid, document tsvector) kept by
 * triggers, with a GIN index. Both engines have the two
 * tables and the six triggers under the same names; their insides are not compared.
 */
const SEARCH_TABLES = ['issue_search', 'pull_search'];
const isSearchTable = (name: string) => SEARCH_TABLES.some((t) => name === t || name.startsWith(`${t}_`));

interface Column { type: string; notNull: boolean; hasDefault: boolean; pk: number }
/** One engine's schema in a shape both engines can fill. Column order is not compared: PostgreSQL adds columns in place where SQLite rebuilds a table. */
interface Schema {
  tables: Record<string, Record<string, Column>>;
  /** Named indexes: table, columns ('<expr>' for an expression), unique, partial. */
  indexes: Record<string, string>;
  /** UNIQUE constraints and primary keys: table(columns). */
  uniques: string[];
  /** table(columns) -> target(columns) on delete ACTION */
  foreignKeys: string[];
  views: Record<string, string[]>;
  triggers: string[];
}

/** INTEGER and bigint are one SQLite type (64-bit); PostgreSQL needs bigint where values pass 2^31. */
function normaliseType(type: string): string {
  const t = type.toLowerCase();
  if (t === 'bigint' || t === 'integer') return 'integer';
  return t;
}

function sqliteSchema(file: string): Schema {
  const db = new Database(file, { readonly: true });
  try {
    const objects = db.prepare("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ type: string; name: string; tbl_name: string }>;
    const schema: Schema = { tables: {}, indexes: {}, uniques: [], foreignKeys: [], views: {}, triggers: [] };
    for (const o of objects) {
      if (o.type === 'trigger') schema.triggers.push(o.name);
      if (o.type === 'view') schema.views[o.name] = (db.pragma(`table_info("${o.name}")`) as Array<{ name: string }>).map((c) => c.name);
      if (o.type !== 'table' || isSearchTable(o.name)) continue;
      const columns = db.pragma(`table_info("${o.name}")`) as Array<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>;
      schema.tables[o.name] = Object.fromEntries(
        columns.map((c) => [c.name, { type: normaliseType(c.type), notNull: c.notnull === 1 || c.pk > 0, hasDefault: c.dflt_value !== null, pk: c.pk }]),
      );
      const pk = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      if (pk.length > 0) schema.uniques.push(`${o.name}(${pk.join(', ')}) primary`);
      for (const index of db.pragma(`index_list("${o.name}")`) as Array<{ name: string; unique: number; origin: string; partial: number }>) {
        const cols = (db.pragma(`index_xinfo("${index.name}")`) as Array<{ name: string | null; key: number; cid: number }>)
          .filter((c) => c.key === 1).map((c) => (c.cid === -2 ? '<expr>' : c.name));
        if (index.origin === 'u') schema.uniques.push(`${o.name}(${cols.join(', ')})`);
        else if (index.origin === 'c') schema.indexes[index.name] = `${o.name}(${cols.join(', ')})${index.unique ? ' unique' : ''}${index.partial ? ' partial' : ''}`;
      }
      const fks = db.pragma(`foreign_key_list("${o.name}")`) as Array<{ id: number; table: string; from: string; to: string; on_delete: string }>;
      for (const id of new Set(fks.map((f) => f.id))) {
        const parts = fks.filter((f) => f.id === id);
        schema.foreignKeys.push(`${o.name}(${parts.map((p) => p.from).join(', ')}) -> ${parts[0]!.table}(${parts.map((p) => p.to).join(', ')}) on delete ${parts[0]!.on_delete}`);
      }
    }
    schema.uniques.sort();
    schema.foreignKeys.sort();
    schema.triggers.sort();
    return schema;
  } finally {
    db.close();
  }
}

const PG_DELETE_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

async function postgresSchema(client: pg.Client): Promise<Schema> {
  const schema: Schema = { tables: {}, indexes: {}, uniques: [], foreignKeys: [], views: {}, triggers: [] };
  const columns = await client.query<{ table: string; name: string; type: string; notnull: boolean; hasdefault: boolean; pk: number }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            a.atthasdef AS hasdefault, coalesce(array_position(p.conkey, a.attnum), 0) AS pk
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_constraint p ON p.conrelid = c.oid AND p.contype = 'p'
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname, a.attnum`,
  );
  for (const c of columns.rows) {
    if (isSearchTable(c.table)) continue;
    (schema.tables[c.table] ??= {})[c.name] = { type: normaliseType(c.type), notNull: c.notnull, hasDefault: c.hasdefault, pk: c.pk };
  }
  const indexes = await client.query<{ table: string; name: string; unique: boolean; partial: boolean; constraint: string | null; cols: string[] }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indpred IS NOT NULL AS partial, con.contype::text AS constraint,
            array(SELECT CASE WHEN k.attnum = 0 THEN '<expr>' ELSE (SELECT attname FROM pg_attribute WHERE attrelid = t.oid AND attnum = k.attnum) END
                    FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k (attnum, n) ORDER BY k.n)::text[] AS cols
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u')
      WHERE n.nspname = 'public' ORDER BY i.relname`,
  );
  for (const i of indexes.rows) {
    if (isSearchTable(i.table)) continue;
    if (i.constraint === 'p') schema.uniques.push(`${i.table}(${i.cols.join(', ')}) primary`);
    else if (i.constraint === 'u') schema.uniques.push(`${i.table}(${i.cols.join(', ')})`);
    else schema.indexes[i.name] = `${i.table}(${i.cols.join(', ')})${i.unique ? ' unique' : ''}${i.partial ? ' partial' : ''}`;
  }
  const fks = await client.query<{ table: string; cols: string[]; target: string; targetcols: string[]; action: string }>(
    `SELECT t.relname AS table, f.relname AS target, con.confdeltype AS action,
            array(SELECT attname FROM unnest(con.conkey) WITH ORDINALITY k (n, o) JOIN pg_attribute ON attrelid = t.oid AND attnum = k.n ORDER BY k.o)::text[] AS cols,
            array(SELECT attname FROM unnest(con.confkey) WITH ORDINALITY k (n, o) JOIN pg_attribute ON attrelid = f.oid AND attnum = k.n ORDER BY k.o)::text[] AS targetcols
       FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class f ON f.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`,
  );
  for (const f of fks.rows) {
    if (isSearchTable(f.table)) continue;
    schema.foreignKeys.push(`${f.table}(${f.cols.join(', ')}) -> ${f.target}(${f.targetcols.join(', ')}) on delete ${PG_DELETE_ACTIONS[f.action]}`);
  }
  const views = await client.query<{ name: string; cols: string[] }>(
    `SELECT c.relname AS name, array(SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 ORDER BY attnum)::text[] AS cols
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'v'`,
  );
  for (const v of views.rows) schema.views[v.name] = v.cols;
  const triggers = await client.query<{ name: string }>(
    "SELECT tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT tgisinternal AND n.nspname = 'public'",
  );
  schema.triggers = triggers.rows.map((t) => t.name);
  schema.uniques.sort();
  schema.foreignKeys.sort();
  schema.triggers.sort();
  return schema;
}

/** SQLite's migrations applied as server/db/index.ts migrate applies them, to a fresh file. */
function sqliteFromMigrations(dir: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fabrique-parity-')), 'fabrique.db');
  const db = new Database(file);
  try {
    db.pragma('foreign_keys = ON');
    db.exec("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))");
    for (const name of readdirSync(dir).filter((f) => NUMBERED.test(f)).sort()) {
      db.transaction(() => {
        db.exec(readFileSync(join(dir, name), 'utf8'));
        db.prepare('INSERT INTO schema_migrations (name) VALUES (?)').run(name);
      })();
    }
  } finally {
    db.close();
  }
  return file;
}

async function postgresFromMigrations(cluster: TestPostgres, dir: string): Promise<Schema> {
  const url = await cluster.createDatabase('parity');
  const pool = testPool(url);
  await migratePostgres(pool, dir);
  await pool.end();
  const client = testClient(url);
  await client.connect();
  try {
    return await postgresSchema(client);
  } finally {
    await client.end();
  }
}

/** Every difference between the two schemas, as sentences naming the object; empty when they match. */
function schemaDifferences(sqlite: Schema, postgres: Schema): string[] {
  const out: string[] = [];
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const table of keys(sqlite.tables, postgres.tables)) {
    const s = sqlite.tables[table];
    const p = postgres.tables[table];
    if (!s || !p) {
      out.push(`table ${table} only in ${s ? 'SQLite' : 'PostgreSQL'}`);
      continue;
    }
    for (const column of keys(s, p)) {
      if (JSON.stringify(s[column]) !== JSON.stringify(p[column])) {
        out.push(`column ${table}.${column}: SQLite ${JSON.stringify(s[column])}, PostgreSQL ${JSON.stringify(p[column])}`);
      }
    }
  }
  for (const index of keys(sqlite.indexes, postgres.indexes)) {
    if (sqlite.indexes[index] !== postgres.indexes[index]) out.push(`index ${index}: SQLite ${sqlite.indexes[index]}, PostgreSQL ${postgres.indexes[index]}`);
  }
  const listDiff = (what: string, a: string[], b: string[]) => {
    for (const x of a) if (!b.includes(x)) out.push(`${what} ${x} only in SQLite`);
    for (const x of b) if (!a.includes(x)) out.push(`${what} ${x} only in PostgreSQL`);
  };
  listDiff('unique', sqlite.uniques, postgres.uniques);
  listDiff('foreign key', sqlite.foreignKeys, postgres.foreignKeys);
  listDiff('trigger', sqlite.triggers, postgres.triggers);
  for (const view of keys(sqlite.views, postgres.views)) {
    if (JSON.stringify(sqlite.views[view]) !== JSON.stringify(postgres.views[view])) {
      out.push(`view ${view}: SQLite ${JSON.stringify(sqlite.views[view])}, PostgreSQL ${JSON.stringify(postgres.views[view])}`);
    }
  }
  return out;
}

/** Migration files of one engine without a twin of the same name in the other. */
function missingTwins(sqliteDir: string, pgDir: string): string[] {
  const names = (dir: string) => readdirSync(dir).filter((f) => NUMBERED.test(f)).sort();
  const s = names(sqliteDir);
  const p = names(pgDir);
  return [...s.filter((n) => !p.includes(n)).map((n) => `${n} only in SQLite`), ...p.filter((n) => !s.includes(n)).map((n) => `${n} only in PostgreSQL`)];
}

/** A copy of migrations/postgres that a test may change. */
function pgMigrationsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fabrique-pg-migrations-'));
  cpSync(PG_DIR, dir, { recursive: true });
  return dir;
}

describe('PostgreSQL schema parity', { timeout: 120_000 }, () => {
  let cluster: TestPostgres;
  let sqlite: Schema;
  const temporary: string[] = [];

  beforeAll(async () => {
    cluster = await startPostgres();
    sqlite = sqliteSchema(sqliteFromMigrations(SQLITE_DIR));
  });
  afterAll(async () => {
    await cluster?.stop();
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });

  it('every SQLite migration has a PostgreSQL twin of the same name, and no other', () => {
    expect(readdirSync(PG_DIR).filter((f) => NUMBERED.test(f)).length).toBeGreaterThan(20);
    expect(missingTwins(SQLITE_DIR, PG_DIR)).toEqual([]);
  });

  it('both engines end with the same tables, columns, keys, indexes, views and triggers', async () => {
    // test
    const postgres = await postgresFromMigrations(cluster, PG_DIR);
    expect(Object.keys(sqlite.tables).length).toBeGreaterThan(40);
    expect(sqlite.foreignKeys.length).toBeGreaterThan(80);
    expect(sqlite.indexes.users_email).toBe('users(<expr>) unique partial');
    expect(schemaDifferences(sqlite, postgres)).toEqual([]);
    // The search tables exist on both engines (their insides differ, see SEARCH_TABLES).
    expect(sqlite.triggers).toContain('issues_search_update');
    expect(postgres.triggers).toContain('pulls_search_insert');
  });

  it('names a column that differs and an index that one engine lacks', async () => {
    // setup: a PostgreSQL twin that drifted from its SQLite migration
    const dir = pgMigrationsCopy();
    temporary.push(dir);
    appendFileSync(join(dir, '025-remote-pulls.sql'), `
ALTER TABLE remote_pull_sources ALTER COLUMN last_error DROP NOT NULL;
ALTER TABLE cron_tasks ADD COLUMN extra integer;
DROP INDEX sessions_expires;
`);
    // test
    const differences = schemaDifferences(sqlite, await postgresFromMigrations(cluster, dir));
    expect(differences).toEqual([
      'column cron_tasks.extra: SQLite undefined, PostgreSQL {"type":"integer","notNull":false,"hasDefault":false,"pk":0}',
      'column remote_pull_sources.last_error: SQLite {"type":"text","notNull":true,"hasDefault":true,"pk":0}, PostgreSQL {"type":"text","notNull":false,"hasDefault":true,"pk":0}',
      'index sessions_expires: SQLite sessions(expires_at), PostgreSQL undefined',
    ]);
  });

  it('a SQLite migration without its PostgreSQL twin stops the comparison', () => {
    // setup
    const dir = pgMigrationsCopy();
    temporary.push(dir);
    rmSync(join(dir, '024-cron-tasks.sql'));
    // test
    expect(missingTwins(SQLITE_DIR, dir)).toEqual(['024-cron-tasks.sql only in SQLite']);
  });
});

describe('migratePostgres', { timeout: 120_000 }, () => {
  let cluster: TestPostgres;
  const temporary: string[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });

  it('two replicas starting together apply each file once, and compat.sql again at every start', async () => {
    // setup
    const url = await cluster.createDatabase('replicas');
    const pools = [testPool(url), testPool(url)];
    try {
      // test
      const [first, second] = await Promise.all(pools.map((pool) => migratePostgres(pool, PG_DIR)));
      const all = readdirSync(PG_DIR).filter((f) => NUMBERED.test(f)).sort();
      expect([...first!, ...second!].sort()).toEqual(all);
      const recorded = await pools[0]!.query('SELECT name FROM schema_migrations ORDER BY name');
      expect(recorded.rows.map((r) => r.name)).toEqual(all);
      await pools[0]!.query('DROP FUNCTION instr(text, text)');
      expect(await migratePostgres(pools[1]!, PG_DIR)).toEqual([]);
      expect((await pools[0]!.query("SELECT instr('abc', 'c') AS i")).rows).toEqual([{ i: 3 }]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('a broken migration leaves the database as it was and names the file; a newer database is refused', async () => {
    // setup
    const dir = pgMigrationsCopy();
    temporary.push(dir);
    writeFileSync(join(dir, '999-broken.sql'), 'CREATE TABLE half_written (id integer);\nTHIS IS NOT SQL;\n');
    const url = await cluster.createDatabase('broken');
    const pool = testPool(url);
    try {
      // test
      const failure = await migratePostgres(pool, dir).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(MigrationError);
      expect((failure as Error).message).toMatch(/^migration 999-broken\.sql failed: syntax error at or near "THIS"/);
      expect((await pool.query("SELECT to_regclass('half_written') AS t")).rows).toEqual([{ t: null }]);
      expect((await pool.query("SELECT count(*)::int AS n FROM schema_migrations WHERE name = '999-broken.sql'")).rows).toEqual([{ n: 0 }]);
      await pool.query("INSERT INTO schema_migrations (name) VALUES ('999-from-a-newer-fabrique.sql')");
      await expect(migratePostgres(pool, PG_DIR)).rejects.toThrow(NewerDatabaseError);
    } finally {
      await pool.end();
    }
  });

  it("the search tables follow their rows: an issue's title is found, found again when changed, gone when deleted", async () => {
    // setup
    const pool = testPool(await cluster.createDatabase('search'));
    try {
      await migratePostgres(pool, PG_DIR);
      const user = (await pool.query("INSERT INTO users (username, lower_name) VALUES ('Camille', 'camille') RETURNING id")).rows[0].id;
      const repo = (await pool.query("INSERT INTO repositories (owner_id, name, lower_name) VALUES ($1, 'voirie', 'voirie') RETURNING id", [user])).rows[0].id;
      const issue = (await pool.query("INSERT INTO issues (repo_id, number, poster_id, title, body) VALUES ($1, 1, $2, 'Éclairage défaillant', 'Rue Pasteur') RETURNING id", [repo, user])).rows[0].id;
      const found = async (match: string) => (await pool.query('SELECT rowid FROM issue_search WHERE fts_match(document, $1)', [match])).rows.map((r) => r.rowid);
      // test
      expect(await found('"eclairage"* "past"*')).toEqual([issue]);
      await pool.query("UPDATE issues SET title = 'Trottoir abîmé' WHERE id = $1", [issue]);
      expect(await found('"eclairage"*')).toEqual([]);
      expect(await found('"abime"*')).toEqual([issue]);
      await pool.query('DELETE FROM issues WHERE id = $1', [issue]);
      expect((await pool.query('SELECT count(*)::int AS n FROM issue_search')).rows).toEqual([{ n: 0 }]);
    } finally {
      await pool.end();
    }
  });
});
