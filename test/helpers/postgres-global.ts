import type { TestProject } from 'vitest/node';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate, openPostgres } from '../../server/db/index.js';
import { startPostgres, type TestPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The suite's PostgreSQL cluster and the migrated database every test server's database is copied from. */
    postgres: { url: string; template: string } | null;
  }
}

/** The database every test server's own one is copied from (CREATE DATABASE … TEMPLATE): migrated once for the run. */
export const TEMPLATE = 'fabrique_template';

let cluster: TestPostgres | null = null;

/**
 * vitest's global set-up for `npm run test:postgres`: one PostgreSQL cluster for the whole run,
 * under its own temporary folder on 127.0.0.1, and a template database with every migration.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  cluster = await startPostgres();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();
  const templateUrl = new URL(cluster.url);
  templateUrl.pathname = `/${TEMPLATE}`;
  const db = await openPostgres(templateUrl.toString());
  await migrate(db, fileURLToPath(new URL('../../migrations', import.meta.url)));
  await db.close();
  project.provide('postgres', { url: cluster.url, template: TEMPLATE });
  return async () => {
    await cluster?.stop();
  };
}
