import Database from 'better-sqlite3';
import { migrationFiles } from './index.js';
import type pg from 'pg';
import { migratePostgres } from './postgres-migrate.js';

/** The copy was not started: the target or the source is not what a copy needs. Nothing was written to the data. */
export class CopyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyRefusedError';
  }
}

/** One table of a copy: rows on each side after the copy, and the sampled rows that differed. */
export interface CopiedTable {
  name: string;
  source: number;
  target: number;
  sampled: number;
  mismatched: number;
}

/** What `db copy` did and what its verification found. */
export interface CopyReport {
  tables: CopiedTable[];
  /** One sentence per difference found by the verification; empty when the copy is faithful. */
  problems: string[];
}

export interface CopyOptions {
  /** The SQLite file of the instance (it is only read). */
  sqliteFile: string;
  pool: pg.Pool;
  /** migrations/postgres */
  migrationsDir: string;
  /** Rows compared column by column per table, spread over its primary keys. */
  samplePerTable?: number;
}

/** Bound parameters per INSERT: PostgreSQL takes 65,535 at most. */
const PARAMETERS_PER_INSERT = 30_000;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A value as both engines' drivers give it, in one comparable form. */
function comparable(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

interface SourceTable {
  name: string;
  columns: string[];
  /** Primary key columns, in key order; the rowid for a table without one. */
  key: string[];
  /** Tables this one references (not itself). */
  references: string[];
}

/** The SQLite tables to copy: every table but SQLite's own, the search index (FTS5 and its shadow tables, which the target derives itself by trigger) and schema_migrations (the target's own). */
function sourceTables(db: Database.Database): SourceTable[] {
  const all = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string; sql: string }>;
  const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  const derived = (name: string) => virtual.some((v) => name === v || name.startsWith(`${v}_`));
  return all
    .filter((t) => t.name !== 'schema_migrations' && !derived(t.name))
    .map(({ name }) => {
      const info = db.pragma(`table_info(${quote(name)})`) as Array<{ name: string; pk: number }>;
      const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      const fks = db.pragma(`foreign_key_list(${quote(name)})`) as Array<{ table: string }>;
      return {
        name,
        columns: info.map((c) => c.name),
        key: key.length > 0 ? key : ['rowid'],
        references: [...new Set(fks.map((f) => f.table).filter((t) => t !== name))],
      };
    });
}

/** Tables ordered so that each comes after the tables it references (a row's parent is copied first). */
function foreignKeyOrder(tables: SourceTable[]): SourceTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: SourceTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: SourceTable) => {
    if (state.get(table.name) === 'done') return;
    if (state.get(table.name) === 'visiting') throw new Error(`foreign keys form a cycle through ${table.name}`);
    state.set(table.name, 'visiting');
    for (const name of table.references) {
      const parent = byName.get(name);
      if (parent) visit(parent);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered;
}

/** The target's tables that hold rows, with their counts: a copy fills an empty database only. */
async function targetRows(client: pg.PoolClient, tables: SourceTable[]): Promise<string[]> {
  const filled: string[] = [];
  for (const table of tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
    if (Number(rows[0]!.n) > 0) filled.push(`${table.name}: ${rows[0]!.n}`);
  }
  return filled;
}

/** The rows whose keys are spread evenly over a table (first, last and between), `count` at most. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!);
}

/**
 * Copies a SQLite instance's database into an empty PostgreSQL database: migrates the target,
 * refuses one that already holds rows, copies every table in foreign-key order, in batches, in one
 * transaction (a failure leaves the target empty), resets the identity sequences, then verifies:
 * row counts per table and a spread sample of rows compared column by column.
 */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
  const sample = options.samplePerTable ?? 25;
  let source: Database.Database;
  try {
    source = new Database(options.sqliteFile, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CopyRefusedError(`Cannot open the SQLite database ${options.sqliteFile}: ${(err as Error).message}`);
  }
  try {
    const expected = migrationFiles(options.migrationsDir);
    const hasMigrations = source.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    const applied = hasMigrations ? (source.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all() as string[]) : [];
    if (applied.join('\n') !== expected.join('\n')) {
      throw new CopyRefusedError(
        `The SQLite database is at migration ${applied.at(-1) ?? '(none)'} and this Fabrique at ${expected.at(-1)}: ` +
        'start this version of Fabrique on the SQLite database once (it migrates it), stop it, then copy.',
      );
    }
    await migratePostgres(options.pool, options.migrationsDir);
    const tables = foreignKeyOrder(sourceTables(source));
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        // Nobody else may write while the copy runs; a second copy waits here, then finds rows and stops.
        for (const table of tables) await client.query(`LOCK TABLE ${quote(table.name)} IN EXCLUSIVE MODE`);
        const filled = await targetRows(client, tables);
        if (filled.length > 0) {
          throw new CopyRefusedError(`The target database already holds rows (${filled.join(', ')}): db copy fills an empty database only; nothing was changed.`);
        }
        for (const table of tables) await copyTable(source, client, table);
        await resetSequences(client);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      return await verify(source, client, tables, sample);
    } finally {
      client.release();
    }
  } finally {
    source.close();
  }
}

async function copyTable(source: Database.Database, client: pg.PoolClient, table: SourceTable): Promise<void> {
  const columns = table.columns.map(quote).join(', ');
  const perBatch = Math.max(1, Math.floor(PARAMETERS_PER_INSERT / table.columns.length));
  // In key order: a row referring to an earlier row of its own table (a reply's thread, a fork's parent) comes after it.
  // Integers as bigint: a 64-bit value reaches PostgreSQL exactly (pg sends a bigint as its text).
  const rows = source.prepare(`SELECT ${columns} FROM ${quote(table.name)} ORDER BY ${table.key.map(quote).join(', ')}`).safeIntegers(true).raw().iterate() as IterableIterator<unknown[]>;
  let batch: unknown[][] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const width = table.columns.length;
    const tuples = batch.map((_, r) => `(${table.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO ${quote(table.name)} (${columns}) VALUES ${tuples}`, batch.flat());
    batch = [];
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
}

/** Every identity column's sequence continues after the largest copied id (a copy gives ids explicitly). */
async function resetSequences(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'",
  );
  for (const { table_name: table, column_name: column } of rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${quote(column)}), 0) + 1, false) FROM ${quote(table)}`,
      [quote(table), column],
    );
  }
}

async function verify(source: Database.Database, client: pg.PoolClient, tables: SourceTable[], sample: number): Promise<CopyReport> {
  const report: CopyReport = { tables: [], problems: [] };
  for (const table of tables) {
    const sourceCount = Number(source.prepare(`SELECT count(*) FROM ${quote(table.name)}`).pluck().get());
    const { rows: counted } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
    const targetCount = Number(counted[0]!.n);
    if (sourceCount !== targetCount) report.problems.push(`${table.name}: ${sourceCount} rows in SQLite, ${targetCount} in PostgreSQL`);
    // A table without a primary key is sampled by SQLite's rowid, which PostgreSQL lacks: its rows are matched by all their columns.
    const keyColumns = table.key[0] === 'rowid' ? table.columns : table.key;
    const keys = source.prepare(`SELECT ${keyColumns.map(quote).join(', ')} FROM ${quote(table.name)} ORDER BY ${table.key.map(quote).join(', ')}`).safeIntegers(true).raw().all() as unknown[][];
    let mismatched = 0;
    const picked = spread(keys, sample);
    for (const key of picked) {
      const where = keyColumns.map((c, i) => `${quote(c)} IS NOT DISTINCT FROM $${i + 1}`).join(' AND ');
      const wanted = source.prepare(`SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(table.name)} WHERE ${keyColumns.map((c) => `${quote(c)} IS ?`).join(' AND ')}`).safeIntegers(true).raw().get(...key) as unknown[];
      const { rows: found } = await client.query({
        text: `SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(table.name)} WHERE ${where} LIMIT 1`,
        values: key.map((v) => (v === null ? null : String(v))),
        rowMode: 'array',
      });
      const got = found[0] as unknown[] | undefined;
      const differing = table.columns.filter((_, i) => !got || comparable(wanted[i]) !== comparable(got[i]));
      if (differing.length > 0) {
        mismatched++;
        report.problems.push(`${table.name} (${keyColumns.join(', ')}) = (${key.map(String).join(', ')}): ${got ? `${differing.join(', ')} differ` : 'missing in PostgreSQL'}`);
      }
    }
    report.tables.push({ name: table.name, source: sourceCount, target: targetCount, sampled: picked.length, mismatched });
  }
  return report;
}

/** The report as a table of counts, one line per table, and the problems found. */
export function formatCopyReport(report: CopyReport): string {
  const width = Math.max(5, ...report.tables.map((t) => t.name.length));
  const lines = [`${'table'.padEnd(width)}  ${'sqlite'.padStart(8)}  ${'postgres'.padStart(8)}  ${'sampled'.padStart(7)}  result`];
  for (const t of report.tables) {
    const ok = t.source === t.target && t.mismatched === 0;
    lines.push(`${t.name.padEnd(width)}  ${String(t.source).padStart(8)}  ${String(t.target).padStart(8)}  ${String(t.sampled).padStart(7)}  ${ok ? 'ok' : 'MISMATCH'}`);
  }
  const rows = report.tables.reduce((sum, t) => sum + t.source, 0);
  lines.push(report.problems.length === 0
    ? `Copied ${rows} rows of ${report.tables.length} tables; counts and sampled rows match.`
    : `${report.problems.length} problem(s):\n${report.problems.map((p) => `  ${p}`).join('\n')}`);
  return lines.join('\n');
}
