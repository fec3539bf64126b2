// Build: bundles the CLI and the task manager's worker entry into dist/ for `npx weir`.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    cli: 'runtime/node/cli.ts',
    index: 'index.ts',
    // Worker threads load it by path: dist/task-manager.js beside dist/cli.js (runtime/node/workers/worker-entry.ts).
    'task-manager': 'runtime/node/workers/task-manager.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: false,
  external: ['chevrotain', 'msgpackr', 'rocksdb-native', 'pg', 'prom-client'],
});
