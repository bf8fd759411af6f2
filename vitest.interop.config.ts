import { defineConfig } from 'vitest/config';

/** The interoperability suite: real third-party clients (Renovate, @gitbeaker/rest, gitea-js, git) against a real Fabrique. */
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    // Renovate installs itself once and runs three times: minutes, not seconds.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
