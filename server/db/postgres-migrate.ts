import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { MigrationError, NewerDatabaseError, migrationFiles } from './index.js';

/** The functions that let SQLite's SQL run on PostgreSQL: no number, applied at every migrate. */
const COMPAT_FILE = 'compat.sql';
/** The advisory lock every replica takes to migrate: one key for Fabrique's schema (any constant; "fabrique" in ASCII). */
const MIGRATION_LOCK = 0x6661627269717565n;

/**
 * Applies migrations/postgres: compat.sql (CREATE OR REPLACE, every time), then the numbered files
 * not yet in schema_migrations, in file order, each in its own transaction. Every transaction first
 * takes a transaction-level advisory lock, so two replicas starting together apply each file once:
 * the second waits, then sees the file recorded. Returns the files applied.
 */
export async function migratePostgres(pool: pg.Pool, dir: string): Promise<string[]> {
  const files = migrationFiles(dir);
  const done: string[] = [];
  const client = await pool.connect();
  try {
    await inTransaction(client, COMPAT_FILE, async () => {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        name TEXT PRIMARY KEY,
        applied_at TEXT NOT NULL DEFAULT (to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      )`);
      const applied = (await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name);
      // Migrations only go forward: a newest applied migration this code lacks means a newer release wrote the file.
      const newest = applied.at(-1);
      if (newest !== undefined && !files.includes(newest)) throw new NewerDatabaseError(newest);
      await client.query(readFileSync(join(dir, COMPAT_FILE), 'utf8'));
    });
    for (const file of files) {
      await inTransaction(client, file, async () => {
        const again = await client.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
        if (again.rowCount) return;
        await client.query(readFileSync(join(dir, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        done.push(file);
      });
    }
  } finally {
    client.release();
  }
  return done;
}

/** Runs `body` in a transaction holding the migration lock; a failure rolls back and names the file. */
async function inTransaction(client: pg.PoolClient, file: string, body: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await body();
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (err instanceof NewerDatabaseError) throw err;
    throw new MigrationError(file, err as Error);
  }
}
