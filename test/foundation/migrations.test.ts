import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, MigrationError, openDb } from '../../server/db/index.js';
import { PROJECT_ROOT } from '../../server/app.js';
import { startServer } from '../helpers/server.js';

function migrationsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fabrique-migrations-'));
  cpSync(join(PROJECT_ROOT, 'migrations'), dir, { recursive: true });
  return dir;
}

describe('migrations', () => {
  it('apply once, in order, and are recorded', async () => {
    // setup
    const db = openDb(':memory:');
    const dir = join(PROJECT_ROOT, 'migrations');
    // test
    const applied = await migrate(db, dir);
    expect(applied.length).toBeGreaterThan(0);
    expect(applied).toEqual([...applied].sort());
    expect(await migrate(db, dir)).toEqual([]);
    expect(await db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(applied.length);
    expect(db.native.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('a broken migration leaves the database as it was and names the file', async () => {
    // setup
    const dir = migrationsCopy();
    writeFileSync(join(dir, '999-broken.sql'), 'CREATE TABLE half_written (id INTEGER);\nTHIS IS NOT SQL;\n');
    const db = openDb(':memory:');
    // test
    await expect(migrate(db, dir)).rejects.toThrow(MigrationError);
    try {
      await migrate(db, dir);
    } catch (err) {
      expect((err as Error).message).toMatch(/999-broken\.sql/);
      expect((err as Error).message).toMatch(/syntax error/);
    }
    const tables = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).not.toContain('half_written');
    expect(await db.prepare("SELECT count(*) FROM schema_migrations WHERE name = '999-broken.sql'").pluck().get()).toBe(0);
  });

  it('a broken migration stops the server start', async () => {
    const dir = migrationsCopy();
    writeFileSync(join(dir, '999-broken.sql'), 'NOT SQL AT ALL;');
    await expect(startServer({ migrationsDir: dir })).rejects.toThrow(/migration 999-broken\.sql failed/);
  });
});
