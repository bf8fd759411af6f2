import type { Db } from '../../server/db/index.js';

/** The application's tables, by name, on either engine (the FTS5 shadow tables and SQLite's own left out). */
export async function tableNames(db: Db): Promise<string[]> {
  const sql =
    db.engine === 'postgres'
      ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
  return (await db.prepare(sql).pluck().all()) as string[];
}
