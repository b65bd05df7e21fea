import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/multiprocess/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Generous: a test fails on what it finds, never because the machine is busy.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    isolate: false,
  },
});
