import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The interoperability suite runs real third-party clients: `npm run test:interop`.
    exclude: ['test/interop/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Server tests spawn git and Chromium: two workers match the two cores of CI.
    pool: 'forks',
    maxWorkers: 2,
    // In CI, a test that fails is run once more before the run fails: Chromium and git share two
    // cores there, and a timing slip should not hide a green suite. Locally a failure is final.
    retry: process.env.CI ? 1 : 0,
  },
});
