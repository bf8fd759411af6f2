import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a write reports: how many rows it changed. */
export interface RunResult {
  changes: number;
}

/**
 * One SQL statement, written once for both engines (portable SQL; `?` or `@name` parameters).
 * The shape is better-sqlite3's, made asynchronous because PostgreSQL answers over the network.
 */
export interface Statement {
  /** The first row, or undefined. */
  get(...params: unknown[]): Promise<unknown>;
  all(...params: unknown[]): Promise<unknown[]>;
  run(...params: unknown[]): Promise<RunResult>;
  /** The same statement answering the first column's value instead of the row. */
  pluck(): Statement;
}

/**
 * The database: SQLite (better-sqlite3, the embedded default) or PostgreSQL (`FORGE_DATABASE_URL`).
 * Every query module in db/ takes one and writes the same SQL for both; what differs between the
 * engines (placeholders, a few functions) is translated or emulated below, not written twice.
 */
export interface Db {
  readonly engine: 'sqlite' | 'postgres';
  prepare(sql: string): Statement;
  /** Runs SQL without parameters (schema statements; several separated by `;`). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: every statement `fn` issues through this Db (in its async
   * context) joins it; other callers wait until it ends. Nested calls become savepoints.
   * Commits when `fn` resolves, rolls back when it throws.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** Tells `listener` how long each statement took (the metrics' database time). */
  observe(listener: (seconds: number) => void): void;
  close(): Promise<void>;
}

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

/** True when a write broke a unique constraint (a taken name): SQLite's and PostgreSQL's codes alike. */
/**
 * Inside a transaction: waits until no other transaction holds `name`, then holds it until this one
 * ends. For the checks that count what the transaction just changed ("an organisation keeps an
 * owner"): under PostgreSQL's read committed two transactions would each count the other's row
 * still there; SQLite's single writer already runs them one after the other.
 */
export async function serialiseOn(db: Db, name: string): Promise<void> {
  if (db.engine === 'postgres') await db.prepare('SELECT pg_advisory_xact_lock(hashtext(?)) AS held').get(name);
}

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

const MIGRATION_FILE = /^(\d{3})-[a-z0-9-]+\.sql$/;

/** A transaction in progress on the SQLite connection: the async context that owns it and its nesting depth. */
interface SqliteTransaction {
  depth: number;
  /** False once it has ended: work that outlives it (a timer started inside) must not think itself inside. */
  active: boolean;
}

/**
 * SQLite through better-sqlite3: one connection, synchronous underneath (its speed is kept: a
 * statement runs at once and its answer is an already settled promise). A transaction must not
 * take in another request's statements while it awaits, so it holds the connection: statements
 * from other async contexts queue until it commits.
 */
export class SqliteDb implements Db {
  readonly engine = 'sqlite' as const;
  /** The better-sqlite3 connection, for what only SQLite has (online backup, pragmas). */
  readonly native: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly context = new AsyncLocalStorage<SqliteTransaction>();
  /** Settles when the transaction holding the connection ends; null when none does. */
  private held: Promise<void> | null = null;
  private observer: ((seconds: number) => void) | null = null;

  constructor(file: string) {
    this.native = new Database(file, { timeout: 5000 });
    this.native.pragma('journal_mode = WAL');
    this.native.pragma('foreign_keys = ON');
    this.native.pragma('synchronous = NORMAL');
  }

  prepare(sql: string): Statement {
    return this.statement(sql, false);
  }

  private statement(sql: string, pluck: boolean): Statement {
    const run = <T>(work: (statement: Database.Statement) => T): Promise<T> => {
      const execute = (): T => {
        let statement = this.statements.get(sql);
        if (!statement) {
          statement = this.native.prepare(sql);
          this.statements.set(sql, statement);
        }
        if (!this.observer) return work(statement);
        const started = process.hrtime.bigint();
        try {
          return work(statement);
        } finally {
          this.observer(Number(process.hrtime.bigint() - started) / 1e9);
        }
      };
      if (this.held === null || this.context.getStore()?.active) {
        try {
          return Promise.resolve(execute());
        } catch (err) {
          return Promise.reject(err);
        }
      }
      // Runs in the same tick as the check that no transaction holds the connection, so none can start in between.
      return (async () => {
        while (this.held !== null) await this.held;
        return execute();
      })();
    };
    return {
      get: (...params) => run((s) => (pluck ? s.pluck(true) : s.pluck(false)).get(...params)),
      all: (...params) => run((s) => (pluck ? s.pluck(true) : s.pluck(false)).all(...params)),
      run: (...params) => run((s) => ({ changes: s.run(...params).changes })),
      pluck: () => this.statement(sql, true),
    };
  }

  async exec(sql: string): Promise<void> {
    if (!this.context.getStore()?.active) while (this.held !== null) await this.held;
    this.native.exec(sql);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const current = this.context.getStore();
    if (current?.active) {
      const name = `fabrique_${current.depth + 1}`;
      this.native.exec(`SAVEPOINT ${name}`);
      const nested = { depth: current.depth + 1, active: true };
      try {
        const result = await this.context.run(nested, fn);
        this.native.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        this.native.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw err;
      } finally {
        nested.active = false;
      }
    }
    // The check and the taking happen in one tick: no other transaction can start in between.
    while (this.held !== null) await this.held;
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    try {
      // IMMEDIATE takes the write lock first: a CLI or a second process writing at the same time waits (busy timeout) rather than failing mid-way.
      this.native.exec('BEGIN IMMEDIATE');
      const transaction = { depth: 0, active: true };
      try {
        const result = await this.context.run(transaction, fn);
        this.native.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.native.inTransaction) this.native.exec('ROLLBACK');
        throw err;
      } finally {
        transaction.active = false;
      }
    } finally {
      this.held = null;
      release();
    }
  }

  observe(listener: (seconds: number) => void): void {
    this.observer = listener;
  }

  async close(): Promise<void> {
    while (this.held !== null) await this.held;
    this.native.close();
  }
}

/** Opens the SQLite file with WAL, foreign keys and a busy timeout, shared safely by the server and the CLI. */
export function openDb(file: string): SqliteDb {
  return new SqliteDb(file);
}

/** Connects to PostgreSQL (FORGE_DATABASE_URL); the driver is loaded only then. */
export async function openPostgres(url: string): Promise<Db> {
  const { PostgresDb } = await import('./postgres.js');
  return new PostgresDb(url);
}

/** Applies the migrations not yet recorded, in file order, each in its own transaction. */
export async function migrate(db: Db, dir: string): Promise<string[]> {
  if (db.engine === 'postgres') {
    const { migratePostgres } = await import('./postgres.js');
    return migratePostgres(db, join(dir, 'postgres'));
  }
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  const files = migrationFiles(dir);
  const applied = new Set((await db.prepare('SELECT name FROM schema_migrations').pluck().all()) as string[]);
  // Migrations only go forward: a newest applied migration this code lacks means a newer release wrote the file.
  const newest = [...applied].sort().at(-1);
  if (newest !== undefined && !files.includes(newest)) throw new NewerDatabaseError(newest);
  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    try {
      // The write lock is taken first, so a CLI and a server starting together never apply a file twice.
      await db.transaction(async () => {
        if (await db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(file)) return;
        await db.exec(sql);
        await db.prepare('INSERT INTO schema_migrations (name) VALUES (?)').run(file);
        done.push(file);
      });
    } catch (err) {
      throw new MigrationError(file, err as Error);
    }
  }
  return done;
}

/** The migration file names a folder holds, in order (shared by both engines' runners). */
export function migrationFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => MIGRATION_FILE.test(f)).sort();
}

/** Runs the cheapest query: throws when the database does not answer (the health check). */
export async function pingDb(db: Db): Promise<void> {
  await db.prepare('SELECT 1').get();
}
