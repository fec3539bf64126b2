// The long crash runs: `npm run test:crash` (≥ 50 SIGKILLs per query set).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.long.test.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/build-cli.ts'],
  },
});
