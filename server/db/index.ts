import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/** A migration that failed: names the file and SQL error; the database keeps its previous state. */
export class MigrationError extends Error {
  constructor(readonly file: string, cause: Error) {
    super(`migration ${file} failed: ${cause.message}`);
    this.name = 'MigrationError';
  }
}

/** The database was migrated by a newer Fabrique than this one: starting would run old code on a schema it does not know. */
export class NewerDatabaseError extends Error {
  constructor(readonly migration: string) {
    super(`This database was written by a newer Fabrique (migration ${migration}); upgrade Fabrique or restore a backup`);
    this.name = 'NewerDatabaseError';
  }
}

const MIGRATION_FILE = /^(\d{3})-[a-z0-9-]+\.sql$/;

/** Opens the SQLite file with WAL, foreign keys and a busy timeout, shared safely by the server and the CLI. */
export function openDb(file: string): Db {
  const db = new Database(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** Applies the migrations not yet recorded, in file order, each in its own transaction. */
export function migrate(db: Db, dir: string): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  const files = readdirSync(dir).filter((f) => MIGRATION_FILE.test(f)).sort();
  const applied = new Set(db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[]);
  // Migrations only go forward: a newest applied migration this code lacks means a newer release wrote the file.
  const newest = [...applied].sort().at(-1);
  if (newest !== undefined && !files.includes(newest)) throw new NewerDatabaseError(newest);
  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    // IMMEDIATE takes the write lock first, so a CLI and a server starting together never apply a file twice.
    const apply = db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(file);
      if (again) return;
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (name) VALUES (?)').run(file);
      done.push(file);
    });
    try {
      apply.immediate();
    } catch (err) {
      throw new MigrationError(file, err as Error);
    }
  }
  return done;
}

/** Runs the cheapest query: throws when the database does not answer (the health check). */
export function pingDb(db: Db): void {
  db.prepare('SELECT 1').get();
}
