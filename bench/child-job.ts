// Runs a benchmark job script in a child process (its own heap, JIT and peak RSS) and reads its JSON result line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs bench/`file` with `args` under tsx; resolves with the JSON object it printed last on stdout. */
export function childJob<T>(file: string, args: readonly string[]): Promise<T> {
  const script = fileURLToPath(new URL(`./${file}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as T);
      else reject(new Error(`${file} ${args.join(' ')}: exit ${code}`));
    });
  });
}
