// Unit tests: Node by default; renderer tests in jsdom. e2e/ belongs to Playwright.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // The build machines have 2 cores.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    exclude: ['**/node_modules/**', 'out/**', 'e2e/**'],
    // vitest 4 has no environmentMatchGlobs: one project per environment, both inheriting
    // the options above (extends: true).
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'shared/**/*.test.ts',
            'bff/**/*.test.ts',
            'electron/**/*.test.ts',
            'eslint-rules/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          // PostgreSQL-only tests (replicas behind HAProxy) run in the bff-pg project.
          exclude: ['**/node_modules/**', 'bff/**/*.pg.test.ts'],
        },
      },
      {
        // The whole BFF suite again on PostgreSQL 15 (one temporary cluster per run, a fresh
        // database per test server), plus the replica tests that need it (*.pg.test.ts).
        extends: true,
        test: {
          name: 'bff-pg',
          environment: 'node',
          include: ['bff/**/*.test.ts'],
          env: { BFF_TEST_DB: 'postgres' },
          globalSetup: ['bff/src/testing/pg-global-setup.ts'],
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.{ts,tsx}'],
        },
      },
    ],
  },
});
