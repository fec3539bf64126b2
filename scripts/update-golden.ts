// Rewrites the golden plan files (test/golden/*.txt) from the .sql scripts under queries/ and test/queries/.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileScript, explainJob } from '../compiler/index';
import type { UdfLoader } from '../compiler/udf/loader';
import { formatDiagnostic } from '../grammar/index';
import { NodeUdfLoader } from '../runtime/node/udf-loader';

/** The repository root (this file is in scripts/). */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The folders whose .sql scripts are golden cases, relative to the root. */
export const QUERY_DIRS = ['queries', 'test/queries'];

export const GOLDEN_DIR = 'test/golden';

/** Every .sql script under QUERY_DIRS, as sorted root-relative paths with '/' separators. */
export function queryFiles(root = ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.sql')) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  for (const d of QUERY_DIRS) walk(join(root, d));
  return found.sort();
}

/**
 * Where the golden output of a script lives: `queries/nexmark/q5.sql` → `test/golden/queries__nexmark__q5.sql.txt`.
 */
export function goldenPath(file: string): string {
  return `${GOLDEN_DIR}/${file.replaceAll('/', '__')}.txt`;
}

/** What a `-- fail: [<line>:<col>: ]<message>` first line expects, or undefined for a script that must compile. */
export interface ExpectedFailure {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export function expectedFailure(text: string): ExpectedFailure | undefined {
  const first = text.split('\n', 1)[0]!.replace(/\r$/, '');
  if (!first.startsWith('-- fail: ')) return undefined;
  const rest = first.slice('-- fail: '.length).trim();
  const at = /^(\d+):(\d+): (.*)$/.exec(rest);
  return at ? { line: Number(at[1]), column: Number(at[2]), message: at[3]! } : { message: rest };
}

/** The script's name for job names: the file name without `.sql`. */
export function scriptName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1).replace(/\.sql$/, '');
}

/**
 * The golden text of a script: its diagnostics as the CLI prints them, then the EXPLAIN of each job,
 * separated by blank lines.
 */
export function renderGolden(file: string, text: string, udfLoader?: UdfLoader): string {
  const result = compileScript(text, { scriptName: scriptName(file), udfLoader });
  const parts = result.diagnostics.map((d) => formatDiagnostic(file, text, d));
  for (const s of result.statements) {
    if (s.kind === 'job') parts.push(explainJob(s.job));
    else if (s.kind === 'explain') parts.push(explainJob(s.job, s.verbose));
  }
  return `${parts.join('\n\n')}\n`;
}

/** Writes every golden file and deletes those whose script is gone or now expects a failure. */
/** A loader with the modules the script's CREATE FUNCTION statements name (relative to the script). */
export async function scriptUdfLoader(file: string, text: string): Promise<NodeUdfLoader> {
  const loader = new NodeUdfLoader();
  await loader.preload(join(ROOT, file), text);
  return loader;
}

async function main(): Promise<void> {
  const wanted = new Set<string>();
  let written = 0;
  for (const file of queryFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    if (expectedFailure(text)) continue;
    const golden = goldenPath(file);
    wanted.add(golden);
    const content = renderGolden(file, text, await scriptUdfLoader(file, text));
    const target = join(ROOT, golden);
    if (existsSync(target) && readFileSync(target, 'utf8') === content) continue;
    mkdirSync(join(ROOT, GOLDEN_DIR), { recursive: true });
    writeFileSync(target, content);
    written++;
    console.log(`wrote ${golden}`);
  }
  let removed = 0;
  for (const name of existsSync(join(ROOT, GOLDEN_DIR)) ? readdirSync(join(ROOT, GOLDEN_DIR)) : []) {
    const golden = `${GOLDEN_DIR}/${name}`;
    if (name.endsWith('.txt') && !wanted.has(golden)) {
      rmSync(join(ROOT, golden));
      removed++;
      console.log(`removed ${golden}`);
    }
  }
  console.log(`${wanted.size} golden files: ${written} written, ${removed} removed`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
