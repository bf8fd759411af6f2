import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The interoperability suite runs real third-party clients: `npm run test:interop`.
    exclude: ['test/interop/**', 'node_modules/**'],
    // A budget, not a measure: the long browser stories take 20 s alone on SQLite and half as much
    // again on PostgreSQL with three workers on two cores (one went past 30 s in CI). Speed is
    // measured under bench/, never by a test's time.
    testTimeout: 60_000,
    // expect.poll waits for what a page or a background job shows: a loaded two-core machine needs more than the default second.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    // Three workers on the two cores of CI: a test waits on git, Chromium and sockets for about a
    // quarter of its time (a 2-worker run used 1.5 cores on average), which a third worker fills.
    pool: 'forks',
    maxWorkers: 3,
    // A worker imports the server once for all its files rather than once per file: the server keeps
    // no module state (test/architecture/instances.test.ts) and no test changes process.env, so
    // nothing leaks between files; fixture repositories and Chromium are shared per worker too.
    isolate: false,
  },
});
