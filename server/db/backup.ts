import type { Db } from './index.js';

/** Copies the database into `file` with SQLite's online backup API: a consistent snapshot while the server writes. */
export async function backupDatabase(db: Db, file: string): Promise<void> {
  await db.backup(file);
}

/** The application's tables (SQLite's own excluded), by name. */
function tableNames(db: Db): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
}

/** How many rows each table holds: what a backup's manifest records and a restore is compared against. */
export function tableCounts(db: Db): Record<string, number> {
  const counts: Record<string, number> = {};
  // Names come from sqlite_master, never from input; quoted all the same.
  for (const name of tableNames(db)) counts[name] = db.prepare(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`).pluck().get() as number;
  return counts;
}

/** The newest migration recorded in the database, or null before the first one. */
export function lastMigration(db: Db): string | null {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!hasTable) return null;
  return (db.prepare('SELECT max(name) FROM schema_migrations').pluck().get() as string | null) ?? null;
}

/** What `PRAGMA integrity_check` finds wrong; empty when the file is sound. */
export function integrityProblems(db: Db): string[] {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  return rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
}
