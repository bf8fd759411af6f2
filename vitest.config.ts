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
  },
});
