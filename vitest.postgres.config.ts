import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The whole suite once more on PostgreSQL (`npm run test:postgres`): every test server gets its own
 * database, copied from a template migrated once, on a cluster started for the run under its own
 * folder on 127.0.0.1. Left out: the tests of the SQLite file itself (its migrations, upgrade from
 * an older release's file, crash recovery of the file, backup and restore of the file, the image's
 * volume holding it), which have no PostgreSQL meaning; and the tests that start PostgreSQL
 * themselves whatever the run (schema parity, db copy, the event bus and job lock, the replicas
 * behind HAProxy), which the first run already covers.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      globalSetup: ['test/helpers/postgres-global.ts'],
      exclude: [
        'test/interop/**',
        'node_modules/**',
        'test/foundation/migrations.test.ts',
        'test/ops/upgrade.test.ts',
        'test/ops/backup.test.ts',
        'test/ops/image.test.ts',
        'test/security/crash.test.ts',
        'test/foundation/schema-parity.test.ts',
        'test/foundation/sqlite-compat.test.ts',
        'test/ops/db-copy.test.ts',
        'test/ops/pg-bus.test.ts',
        'test/ops/pg-concurrency.test.ts',
        'test/ops/replicas.test.ts',
      ],
    },
  }),
);
