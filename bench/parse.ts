// Parsing + compiling the Nexmark queries: statements per second, and parse alone beside it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileScript } from '../compiler/index';
import { parse } from '../grammar/index';

export async function parseBench(): Promise<void> {
  const dir = join(import.meta.dirname, '../queries/nexmark');
  const scripts = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  const statements = scripts.reduce((n, s) => n + parse(s).statements.length, 0);
  const measure = (label: string, fn: (s: string) => unknown) => {
    for (let i = 0; i < 20; i++) for (const s of scripts) fn(s); // warm-up
    const rounds = 200;
    const start = performance.now();
    for (let i = 0; i < rounds; i++) for (const s of scripts) fn(s);
    const ms = performance.now() - start;
    const perSec = (statements * rounds * 1000) / ms;
    console.log(
      `${label.padEnd(22)} ${Math.round(perSec).toLocaleString('en-US').padStart(10)} statements/s  (${scripts.length} scripts, ${statements} statements, ${rounds} rounds, ${ms.toFixed(0)} ms)`,
    );
  };
  measure('parse', (s) => parse(s));
  measure('parse + compile', (s) => compileScript(s, { scriptName: 'bench' }));
}
