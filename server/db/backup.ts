import type { Db, SqliteDb } from './index.js';

/** Copies the database into `file` with SQLite's online backup API: a consistent snapshot while the server writes. */
export async function backupDatabase(db: Db, file: string): Promise<void> {
  await sqliteOnly(db).native.backup(file);
}

/** The application's tables (SQLite's own excluded), by name. */
async function tableNames(db: Db): Promise<string[]> {
  return await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
}

/** How many rows each table holds: what a backup's manifest records and a restore is compared against. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  // Names come from sqlite_master, never from input; quoted all the same.
  for (const name of await tableNames(db)) counts[name] = await db.prepare(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`).pluck().get() as number;
  return counts;
}

/** The newest migration recorded in the database, or null before the first one. */
export async function lastMigration(db: Db): Promise<string | null> {
  const hasTable = await db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasTable) return null;
  return (await db.prepare('SELECT max(name) FROM schema_migrations').pluck().get() as string | null) ?? null;
}

/**
 * What the database itself finds wrong; empty when it is sound. SQLite: `PRAGMA integrity_check`
 * over the whole file. PostgreSQL checks its pages itself; what can be left wrong there is an
 * index a failed build left invalid, or a constraint added NOT VALID and never validated.
 */
export async function integrityProblems(db: Db): Promise<string[]> {
  if (db.engine === 'postgres') {
    const invalidIndexes = await db.prepare(
      `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready) ORDER BY c.relname`,
    ).pluck().all() as string[];
    const unvalidated = await db.prepare(
      `SELECT t.relname || '.' || k.conname FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND NOT k.convalidated ORDER BY 1`,
    ).pluck().all() as string[];
    return [
      ...invalidIndexes.map((name) => `index ${name} is invalid (a build that failed): REINDEX INDEX ${name}`),
      ...unvalidated.map((name) => `constraint ${name} is not validated: ALTER TABLE … VALIDATE CONSTRAINT`),
    ];
  }
  const rows = sqliteOnly(db).native.pragma('integrity_check') as Array<{ integrity_check: string }>;
  return rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
}

/** The SQLite connection behind `db`: backups of a PostgreSQL database are PostgreSQL's own (pg_dump). */
function sqliteOnly(db: Db): SqliteDb {
  if (db.engine !== 'sqlite') throw new Error('This backup copies a SQLite file; back a PostgreSQL database up with pg_dump');
  return db as SqliteDb;
}
