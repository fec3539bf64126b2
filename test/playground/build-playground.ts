// Builds playground/dist when it is missing or older than any source it bundles (the browser test serves it).
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** What the page bundles: its own sources and weir's core (runtime/node/ only for a Node-free parser it borrows). */
const INPUTS = [
  'playground/src',
  'playground/index.html',
  'playground/vite.config.ts',
  'playground/dashboard',
  'grammar',
  'compiler',
  'runtime',
  'queries',
];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const e of readdirSync(path))
    if (e !== 'dist' && e !== 'node_modules') m = Math.max(m, newest(join(path, e)));
  return m;
}

/** Builds the page unless playground/dist is newer than every input; returns what it did. */
export function ensurePlaygroundBuilt(): 'built' | 'fresh' {
  return ensureBuilt('playground');
}

/** The same for the dashboard of `weir run --web` (playground/dashboard/dist), which bundles the playground's panels. */
export function ensureDashboardBuilt(): 'built' | 'fresh' {
  return ensureBuilt('playground/dashboard');
}

function ensureBuilt(folder: string): 'built' | 'fresh' {
  const index = join(ROOT, folder, 'dist/index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = Math.max(...INPUTS.map((p) => newest(join(ROOT, p))));
  if (built > sources) return 'fresh';
  execSync(`npx vite build --config ${folder}/vite.config.ts --logLevel warn`, {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return 'built';
}
