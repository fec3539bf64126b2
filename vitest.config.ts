// Test runner configuration: suites under test/, long crash runs excluded unless asked for (npm run test:crash).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.long.test.ts', 'node_modules/**'],
    testTimeout: 60_000,
    pool: 'forks',
    // The crash suites spawn the built CLI: build it once, before any suite runs (never concurrently).
    globalSetup: ['test/build-cli.ts'],
  },
});
