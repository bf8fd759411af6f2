import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Server tests spawn git and Chromium: two workers match the two cores of CI.
    pool: 'forks',
    maxWorkers: 2,
  },
});
