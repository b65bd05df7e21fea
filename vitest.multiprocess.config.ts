import { defineConfig } from 'vitest/config';

// Several Lantern processes against one PostgreSQL: run by `npm test` when DATABASE_URL is set.
export default defineConfig({
  test: {
    include: ['test/multiprocess/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
