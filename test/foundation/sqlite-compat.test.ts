import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';
import { ftsQuery } from '../../server/db/issues.js';
import { migratePostgres } from '../../server/db/postgres-migrate.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

// migrations/postgres/compat.sql gives PostgreSQL the SQLite functions the app's SQL calls: each
// SELECT below runs, as one text, on SQLite and on PostgreSQL, and both must answer the same.

type Value = string | number | bigint | boolean | null;

/** One engine's answer in a comparable form: PostgreSQL's text and booleans as SQLite's numbers would print. */
function normalise(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

describe('SQLite functions on PostgreSQL (compat.sql)', () => {
  let cluster: TestPostgres;
  let client: pg.Client;
  const sqlite = new Database(':memory:');

  beforeAll(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase('compat');
    // The whole schema: compat.sql, and 015's search functions (fts_match) for the search test.
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    await migratePostgres(pool, join(PROJECT_ROOT, 'migrations', 'postgres'));
    await pool.end();
    client = new pg.Client({ connectionString: url });
    await client.connect();
    sqlite.exec(`CREATE VIRTUAL TABLE search USING fts5(title, body, tokenize = "unicode61 remove_diacritics 2")`);
  });
  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
    sqlite.close();
  });

  /** The rows of one SELECT (with ? parameters) on both engines, each column normalised. */
  async function both(sql: string, params: Value[] = []): Promise<{ sqlite: Array<Array<string | null>>; postgres: Array<Array<string | null>> }> {
    let n = 0;
    const pgSql = sql.replace(/\?/g, () => `$${++n}`);
    const s = sqlite.prepare(sql).raw().all(...params.map((p) => (typeof p === 'boolean' ? Number(p) : p))) as unknown[][];
    const p = await client.query({ text: pgSql, values: params, rowMode: 'array' });
    return { sqlite: s.map((row) => row.map(normalise)), postgres: (p.rows as unknown[][]).map((row) => row.map(normalise)) };
  }

  async function same(sql: string, params: Value[] = []): Promise<void> {
    const { sqlite: s, postgres: p } = await both(sql, params);
    expect({ sql, params, answer: p }).toEqual({ sql, params, answer: s });
  }

  const MODIFIERS = ['+1 day', '-60 seconds', '-30 days', '+2 hours', '+15 minutes', '-90 minutes', '+1 month', '-1 month', '+13 months',
    '+1 year', '-1 year', 'start of day', 'start of month', 'start of year', 'weekday 0', 'weekday 3', '+1.5 hours', '-0.25 days', '+86400 seconds'];
  const FORMATS = ['%Y-%m-%dT%H:%M:%fZ', '%Y-%m-%d %H:%M:%S', '%s', '%j %w %W', '%d/%m/%Y %% %H', '%M:%S.%f'];
  const instant = fc.date({ min: new Date('1901-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true });
  /** A time string in one of the forms SQLite reads. */
  const timeString = fc.tuple(instant, fc.integer({ min: 0, max: 5 })).map(([d, form]) => {
    const iso = d.toISOString();
    return [iso, iso.slice(0, 10), iso.slice(0, 16).replace('T', ' '), iso.slice(0, 19), iso.slice(0, 23), `${iso.slice(0, 19)}+02:30`][form]!;
  });

  it('strftime: formats, time strings and modifiers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FORMATS), timeString, fc.array(fc.constantFrom(...MODIFIERS), { maxLength: 3 }), async (format, time, modifiers) => {
        const args = modifiers.map(() => ', ?').join('');
        await same(`SELECT strftime(?, ?${args})`, [format, time, ...modifiers]);
      }),
      { numRuns: 300 },
    );
  });

  it('strftime: what SQLite does not read gives NULL; impossible days carry over; Julian days and unixepoch', async () => {
    for (const time of ['garbage', '', '2023-13-01', '2023-02-31', '2024-01-31 25:00', '12:34', '12:34:56.789', '2460000.5', '2451545', '2023-01-31T10:00:00Z']) {
      await same("SELECT strftime('%Y-%m-%d %H:%M:%f', ?)", [time]);
      await same("SELECT strftime('%Y-%m-%d %H:%M:%f', ?, '+1 month')", [time]);
    }
    for (const seconds of ['0', '1700000000', '1700000000.5', '-86400']) await same("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ?, 'unixepoch')", [seconds]);
    await same("SELECT strftime('%Y', '2024-01-01', 'no such modifier'), strftime('%Y', '2024-01-01', '+1 day', 'unixepoch'), strftime(?, '2024-01-01')", ['%Q']);
  });

  it("strftime('now') reads the statement's clock in SQLite's text form", async () => {
    const { postgres } = await both("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 seconds'), strftime('%s', 'now')");
    const [now, before, epoch] = postgres[0]!;
    expect(now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(now!) - Date.parse(before!)).toBe(60_000);
    expect(Math.floor(Date.parse(now!) / 1000)).toBe(Number(epoch));
  });

  it('datetime, date and unixepoch', async () => {
    await fc.assert(
      fc.asyncProperty(timeString, fc.constantFrom(...MODIFIERS), async (time, modifier) => {
        await same('SELECT datetime(?), datetime(?, ?), date(?), date(?, ?), unixepoch(?), unixepoch(?, ?)', [time, time, modifier, time, time, modifier, time, time, modifier]);
      }),
      { numRuns: 100 },
    );
  });

  const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\0'));
  const scalar = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const member = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 3 }));
  const document = fc.oneof(fc.array(member, { maxLength: 6 }), fc.dictionary(text, member, { maxKeys: 6 }), scalar);

  it('json_each: arrays, objects and scalars, every column', async () => {
    await fc.assert(
      fc.asyncProperty(document, async (doc) => {
        await same('SELECT key, value, type, atom, fullkey, path FROM json_each(?) ORDER BY id', [JSON.stringify(doc)]);
      }),
      { numRuns: 300 },
    );
  });

  it('json_each as the app uses it: IN (SELECT value ...) of ids and of names, a column of text', async () => {
    // server/db/issues.ts: milestones given by title or by id, as strings.
    await same('SELECT x FROM (SELECT 3 AS x UNION ALL SELECT 4 UNION ALL SELECT 7) t WHERE CAST(x AS TEXT) IN (SELECT value FROM json_each(?)) ORDER BY x', ['["3","v1.0","7"]']);
    await same('SELECT x FROM (SELECT 3 AS x UNION ALL SELECT 4 UNION ALL SELECT 7) t WHERE x IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY x', ['[3,7,9]']);
    await same("SELECT x FROM (SELECT 'unread' AS x UNION ALL SELECT 'read' UNION ALL SELECT 'pinned') t WHERE x IN (SELECT value FROM json_each(?)) ORDER BY x", ['["read","pinned"]']);
    await same("SELECT lower(c.value) FROM (SELECT CAST(? AS TEXT) AS categories) f, json_each(f.categories) c ORDER BY c.id", ['["Cloud","IT-Security"]']);
  });

  it('json_extract, json_array_length and json_valid', async () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, member, { maxKeys: 5 }), key, async (doc, missing) => {
        const json = JSON.stringify(doc);
        for (const k of [...Object.keys(doc), missing]) {
          await same('SELECT json_extract(?, ?), json_array_length(?, ?)', [json, `$.${k}`, json, `$.${k}`]);
        }
        await same('SELECT json_array_length(?), json_valid(?)', [json, json]);
      }),
      { numRuns: 150 },
    );
    await same("SELECT json_extract(?, '$.a.b[1]'), json_extract(?, '$[0]'), json_array_length('[1,2,3]'), json_array_length('\"x\"')", ['{"a":{"b":[1,"two"]}}', '[[1,2]]']);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), document.map((d) => JSON.stringify(d))), async (candidate) => {
        await same('SELECT json_valid(?)', [candidate]);
      }),
      { numRuns: 200 },
    );
  });

  it('json_set: the same JSON value (PostgreSQL writes it through jsonb: another spacing and member order)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), scalar, { maxKeys: 4 }), fc.constantFrom('$.user', '$.a', '$.new.nested'), text, async (doc, path, value) => {
        const { sqlite: s, postgres: p } = await both('SELECT json_set(?, ?, ?)', [JSON.stringify(doc), path, value]);
        expect(JSON.parse(p[0]![0]!)).toEqual(JSON.parse(s[0]![0]!));
      }),
      { numRuns: 150 },
    );
    // As server/db/account-data.ts uses it: in a WHERE with json_valid.
    await same("SELECT json_extract(json_set(?, '$.user', ?), '$.user') WHERE json_valid(?)", ['{"user":"alice","n":1}', 'ghost', '{"user":"alice","n":1}']);
  });

  it('scalar max and min (NULL wins), ifnull, iif and instr', async () => {
    const int = fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null });
    await fc.assert(
      fc.asyncProperty(int, int, int, text, text, async (a, b, c, hay, needle) => {
        await same('SELECT max(CAST(? AS INTEGER), CAST(? AS INTEGER)), min(CAST(? AS INTEGER), CAST(? AS INTEGER)), max(CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER))', [a, b, a, b, a, b, c]);
        await same('SELECT ifnull(CAST(? AS INTEGER), CAST(? AS INTEGER)), iif(CAST(? AS INTEGER) > CAST(? AS INTEGER), ?, ?), instr(?, ?)', [a, b, a, b, hay, needle, hay, needle]);
      }),
      { numRuns: 150 },
    );
    // As server/db/login-attempts.ts uses it, and the aggregates keep working beside it.
    await same('SELECT max(n - 1, 0), (SELECT max(n) FROM (SELECT 1 AS n UNION ALL SELECT 5) x) FROM (SELECT 0 AS n UNION ALL SELECT 3) t ORDER BY n');
  });

  it("full-text search: fts_match(document, @match) finds what FTS5's MATCH finds, for the query text ftsQuery builds", async () => {
    const WORDS = ['résoudre', 'Resoudre', 'bug', 'bugfix', 'Débogage', 'café', 'naïve', 'foo_bar', 'x86', 'ÉTÉ', 'übung', 'straße', 'crème-brûlée', 'l’école'];
    const docs = fc.array(fc.tuple(fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }), fc.array(fc.constantFrom(...WORDS), { maxLength: 6 })), { minLength: 1, maxLength: 8 });
    const query = fc.array(fc.constantFrom(...WORDS, 'res', 'BUG', 'deb', 'e', 'ecole', 'foo', 'bar', 'cafe'), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
    await fc.assert(
      fc.asyncProperty(docs, query, async (rows, q) => {
        const match = ftsQuery(q)!;
        sqlite.exec('DELETE FROM search');
        const insert = sqlite.prepare('INSERT INTO search (rowid, title, body) VALUES (?, ?, ?)');
        rows.forEach(([title, body], i) => insert.run(i + 1, title.join(' '), body.join(' ')));
        const expected = sqlite.prepare('SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid').pluck().all(match);
        const values = rows.map((_, i) => `($${i * 3 + 2}::int, $${i * 3 + 3}::text, $${i * 3 + 4}::text)`).join(', ');
        const found = await client.query<{ rowid: number }>(
          `SELECT rowid FROM (VALUES ${values}) AS d (rowid, title, body) WHERE fts_match(fts_document(title, body), $1) ORDER BY rowid`,
          [match, ...rows.flatMap(([title, body], i) => [i + 1, title.join(' '), body.join(' ')])],
        );
        expect({ match, rows, found: found.rows.map((r) => r.rowid) }).toEqual({ match, rows, found: expected });
      }),
      { numRuns: 150 },
    );
  });
});
