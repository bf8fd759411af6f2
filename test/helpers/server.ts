import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector, type Serializer, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import app, { serverOptions, type AppOptions } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { TEST_PASSWORD_HASH_COST } from './factories.js';
import { inject } from 'vitest';
import pg from 'pg';

export interface TestServer {
  app: FastifyInstance;
  config: Config;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Temporary root holding data/ and repos/. */
  root: string;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<AppOptions, 'config'>> {
  /** Extra environment variables for loadConfig (FORGE_ALLOW_SIGNUP, ...). */
  env?: Record<string, string>;
  /** Listen on an ephemeral port (default true); false only builds the app for inject(). */
  listen?: boolean;
  /** Sees every route as it is registered (added before the app): the route table for tests that walk it. */
  onRoute?: (route: RouteOptions) => void;
  /** The port to listen on (default: an ephemeral one): a restart on the same data keeps its URLs. */
  port?: number;
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/** Response serializers already compiled by this worker, by schema object (the routes' schemas are module constants). */
const serializers = new WeakMap<object, Map<string, Serializer>>();
const compileSerializer = SerializerSelector();

/** fast-json-stringify, compiled once per response schema for every server of the worker rather than once per server. */
const buildSerializer: SerializerFactory = (externalSchemas, serializerOptions) => {
  const compile = compileSerializer(externalSchemas, serializerOptions);
  // Shared schemas ($ref targets) would change what a schema compiles to: none are added today.
  if (Object.keys(externalSchemas ?? {}).length > 0) return compile;
  const optionsKey = JSON.stringify(serializerOptions ?? {});
  return (route) => {
    if (typeof route.schema !== 'object' || route.schema === null) return compile(route);
    let byOptions = serializers.get(route.schema);
    if (!byOptions) serializers.set(route.schema, (byOptions = new Map()));
    let serializer = byOptions.get(optionsKey);
    if (!serializer) byOptions.set(optionsKey, (serializer = compile(route)));
    return serializer;
  };
};

/**
 * Fastify compiles every route's request validators (Ajv) and response serializers
 * (fast-json-stringify) when an app is built: most of the CPU of a test server's start. The
 * servers of one worker share the compilers: Fastify's own Ajv pool, kept for the worker, reuses
 * Ajv's cache of compiled schemas, and serializers are kept by schema. Same compilers and options
 * as production, compiled once.
 */
const compilersFactory: CompilersFactory = { buildValidator: AjvCompiler(), buildSerializer };

/** Builds the whole app on a fresh temporary data and repos directory and, by default, listens on 127.0.0.1. */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'fabrique-test-'));
  const dataDir = options.env?.FORGE_DATA_DIR ?? join(root, 'data');
  const database = await testDatabase(dataDir);
  const config = loadConfig({
    ...(database ? { FORGE_DATABASE_URL: database } : {}),
    HOST: '127.0.0.1',
    PORT: '0',
    FORGE_DATA_DIR: join(root, 'data'),
    FORGE_REPOS_DIR: join(root, 'repos'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    FORGE_PASSWORD_HASH_COST: String(TEST_PASSWORD_HASH_COST),
    // Tests push once and wait for the check: the 150 ms that gathers a burst of pushes is paid for nothing.
    FORGE_MERGEABILITY_DELAY_MS: '10',
    ...options.env,
  });
  const server = Fastify({ ...serverOptions(config), schemaController: { compilersFactory } });
  if (options.onRoute) server.addHook('onRoute', options.onRoute);
  await server.register(app, { config, migrationsDir: options.migrationsDir, webDir: options.webDir });
  let url = '';
  if (options.listen !== false) {
    await server.listen({ port: options.port ?? 0, host: '127.0.0.1' });
    const address = server.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    url = `http://127.0.0.1:${address.port}`;
    // Clone URLs and links must name the real port: the base URL is known only now.
    config.baseUrl = url;
  } else {
    await server.ready();
  }
  return {
    app: server,
    config,
    url,
    root,
    async close() {
      await server.close();
      // A data folder the test named may be started again (a restart): its database stays with it.
      if (database && options.env?.FORGE_DATA_DIR === undefined) await dropTestDatabase(dataDir);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Each data folder's PostgreSQL database in this worker, when the suite runs on PostgreSQL (`npm run test:postgres`). */
const databases = new Map<string, string>();
let databaseCounter = 0;

/** The run's PostgreSQL cluster (test:postgres), or null: on SQLite, and outside vitest (the benchmarks start servers too). */
function providedPostgres(): { url: string; template: string } | null {
  try {
    return inject('postgres') ?? null;
  } catch {
    return null;
  }
}

async function adminQuery(sql: string): Promise<void> {
  const cluster = providedPostgres() as { url: string; template: string };
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The PostgreSQL database of a data folder (a copy of the migrated template), or null on SQLite. */
async function testDatabase(dataDir: string): Promise<string | null> {
  const cluster = providedPostgres();
  if (!cluster) return null;
  const known = databases.get(dataDir);
  if (known) return known;
  const name = `test_${process.pid}_${++databaseCounter}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${cluster.template}`);
  const url = new URL(cluster.url);
  url.pathname = `/${name}`;
  databases.set(dataDir, url.toString());
  return url.toString();
}

async function dropTestDatabase(dataDir: string): Promise<void> {
  const url = databases.get(dataDir);
  if (!url) return;
  databases.delete(dataDir);
  await adminQuery(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
}
