import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two journeys at a time, each with its own app, port and Chromium; one worker's files share
    // its loaded modules.
    maxWorkers: 2,
    isolate: false,
  },
});
