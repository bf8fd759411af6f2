import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Db, RunResult, Statement } from './index.js';

// COUNT(*) and SUM answer int8/numeric, which pg hands over as strings; SQLite answers numbers.
// Fabrique's counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** SQL translated once for PostgreSQL: `$n` placeholders, and the parameter names they stand for (named style). */
interface Translated {
  text: string;
  /** For `@name` parameters: the name of each `$n`, in order; null when the statement uses `?`. */
  names: string[] | null;
}

/**
 * Rewrites the portable SQL the query modules write (SQLite's parameter styles) for PostgreSQL:
 * `?` becomes `$1, $2…`, `@name` a numbered parameter bound by name, and a camelCase alias is
 * quoted (PostgreSQL folds unquoted names to lower case; SQLite keeps them). String literals,
 * quoted names and comments are left as they are.
 */
export function translateSql(sql: string): Translated {
  let out = '';
  let positional = 0;
  const names: string[] = [];
  let usesNames = false;
  for (let i = 0; i < sql.length; ) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === c) {
          if (sql[j + 1] === c) j++;
          else break;
        }
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      out += `$${++positional}`;
      i++;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const match = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i)) as RegExpExecArray;
      usesNames = true;
      let index = names.indexOf(match[1]);
      if (index === -1) index = names.push(match[1]) - 1;
      out += `$${index + 1}`;
      i += match[0].length;
    } else if (/[Aa]/.test(c) && /^AS\s+[a-z_]*[A-Z][A-Za-z0-9_]*\b/i.test(sql.slice(i)) && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? ' ')) {
      const match = /^(AS\s+)([A-Za-z_][A-Za-z0-9_]*)/i.exec(sql.slice(i)) as RegExpExecArray;
      // Mixed case only: `AS INTEGER` in a CAST is a type, not an alias.
      out += /[A-Z]/.test(match[2]) && /[a-z]/.test(match[2]) ? `${match[1]}"${match[2]}"` : match[0];
      i += match[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, names: usesNames ? names : null };
}

/** The values for a translated statement: better-sqlite3's calling conventions (spread, an array, or one object of named values). */
function bind(translated: Translated, params: unknown[]): unknown[] {
  if (translated.names) {
    const named = (params[0] ?? {}) as Record<string, unknown>;
    return translated.names.map((name) => {
      if (!(name in named)) throw new RangeError(`Missing named parameter "${name}"`);
      return named[name];
    });
  }
  // One object of named values for a statement that, this time, names none (every filter off).
  if (params.length === 1 && isNamedValues(params[0])) return [];
  return params.flat();
}

function isNamedValues(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date);
}

/**
 * Input PostgreSQL refuses where SQLite takes it, refused with a 422 that says why (never a 500),
 * and nothing written: text with U+0000, which its text cannot hold, and a number past its 32-bit
 * integer columns (an issue number of 3000000000), which SQLite compares and finds nowhere.
 */
function refusedInput(err: unknown): unknown {
  const code = (err as { code?: string } | null)?.code;
  if (code === '22003') return Object.assign(new Error('A number in the request is out of range (the largest is 2147483647).'), { statusCode: 422 });
  if (code !== '22021' && code !== '22P05') return err;
  return Object.assign(new Error('Text with a NUL character (U+0000) cannot be stored.'), { statusCode: 422 });
}

interface PgTransaction {
  client: pg.PoolClient;
  depth: number;
  active: boolean;
  /** The client's queries, one after the other: statements started together (Promise.all) wait their turn. */
  queue: { tail: Promise<unknown> };
}

/** Runs `work` after what the queue holds, whatever that ended in. */
function enqueue<T>(queue: { tail: Promise<unknown> }, work: () => Promise<T>): Promise<T> {
  const run = queue.tail.then(work, work);
  queue.tail = run.catch(() => undefined);
  return run;
}

/**
 * PostgreSQL through a pg pool. A transaction takes one client from the pool for its whole
 * length; statements issued in its async context run on that client, all others on the pool.
 */
export class PostgresDb implements Db {
  readonly engine = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly translated = new Map<string, Translated>();
  private readonly context = new AsyncLocalStorage<PgTransaction>();
  private observer: ((seconds: number) => void) | null = null;

  constructor(url: string, options: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
    // An idle client that loses its server (restart, network) must not take the process down.
    this.pool.on('error', () => undefined);
  }

  private translate(sql: string): Translated {
    let found = this.translated.get(sql);
    if (!found) {
      found = translateSql(sql);
      this.translated.set(sql, found);
    }
    return found;
  }

  private async query(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    const translated = this.translate(sql);
    const values = bind(translated, params);
    const transaction = this.context.getStore();
    const execute = async () => {
      const started = this.observer ? process.hrtime.bigint() : 0n;
      try {
        return await (transaction?.active ? transaction.client : this.pool).query({ text: translated.text, values });
      } finally {
        if (this.observer) this.observer(Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
    try {
      return await (transaction?.active ? enqueue(transaction.queue, execute) : execute());
    } catch (err) {
      throw refusedInput(err);
    }
  }

  prepare(sql: string): Statement {
    return this.statement(sql, false);
  }

  private statement(sql: string, pluck: boolean): Statement {
    const first = (row: Record<string, unknown> | undefined) => (pluck && row ? Object.values(row)[0] : row);
    return {
      get: async (...params) => first((await this.query(sql, params)).rows[0]),
      all: async (...params) => (await this.query(sql, params)).rows.map((row) => first(row)),
      run: async (...params): Promise<RunResult> => ({ changes: (await this.query(sql, params)).rowCount ?? 0 }),
      pluck: () => this.statement(sql, true),
    };
  }

  async exec(sql: string): Promise<void> {
    const transaction = this.context.getStore();
    if (transaction?.active) await enqueue(transaction.queue, () => transaction.client.query(sql));
    else await this.pool.query(sql);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const current = this.context.getStore();
    if (current?.active) {
      const name = `fabrique_${current.depth + 1}`;
      const onClient = (sql: string) => enqueue(current.queue, () => current.client.query(sql));
      await onClient(`SAVEPOINT ${name}`);
      const nested = { client: current.client, depth: current.depth + 1, active: true, queue: current.queue };
      try {
        const result = await this.context.run(nested, fn);
        await onClient(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (err) {
        await onClient(`ROLLBACK TO SAVEPOINT ${name}`);
        throw err;
      } finally {
        nested.active = false;
      }
    }
    const client = await this.pool.connect();
    const transaction = { client, depth: 0, active: true, queue: { tail: Promise.resolve() as Promise<unknown> } };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await this.context.run(transaction, fn);
      await transaction.queue.tail;
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await transaction.queue.tail;
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      transaction.active = false;
      client.release(broken);
    }
  }

  observe(listener: (seconds: number) => void): void {
    this.observer = listener;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Applies the PostgreSQL migrations (migrations/postgres/) not yet recorded. */
export async function migratePostgres(db: Db, dir: string): Promise<string[]> {
  const { migratePostgres: apply } = await import('./postgres-migrate.js');
  return apply((db as PostgresDb).pool, dir);
}
