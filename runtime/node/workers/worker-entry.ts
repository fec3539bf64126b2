// Where the task manager's code is: the built dist/task-manager.js next to the CLI, or the TypeScript source under tsx/vitest.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Starts a worker thread running the task manager. */
export function startTaskManagerThread(): Worker {
  // Bundled: this code is in dist/cli.js (or a chunk beside it) and dist/task-manager.js is its neighbour.
  const built = new URL('./task-manager.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built);
  // From sources (tsx, vitest): load the TypeScript entry through tsx's scoped import, which compiles the
  // module graph on the fly in the worker (Node 20 does not apply --import loaders to worker threads).
  const source = new URL('./task-manager.ts', import.meta.url);
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/index\.cjs$/, 'index.mjs'),
  ).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(source.href)}, ${JSON.stringify(source.href)}));`;
  return new Worker(code, { eval: true });
}
