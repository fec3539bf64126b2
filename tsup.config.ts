// Build: bundles the CLI (and later the worker entry) into dist/ for `npx weir`.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { cli: 'runtime/node/cli.ts', index: 'index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: false,
  external: ['chevrotain', 'msgpackr', 'rocksdb-native', 'pg'],
});
