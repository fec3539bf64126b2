// Runs a benchmark job script in a child process (its own heap, JIT and peak RSS) and reads its JSON result line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Set in children started in step: they call `inStep()` before each timed run. */
const IN_STEP = 'WEIR_BENCH_IN_STEP';

/** Runs bench/`file` with `args` under tsx; resolves with the JSON object it printed last on stdout. */
export function childJob<T>(file: string, args: readonly string[]): Promise<T> {
  return childJobsInStep<T>(file, [args]).then(([r]) => r!);
}

/**
 * Runs bench/`file` once per entry of `argsList`, all at once, and starts their timed runs together: each
 * child prints `ready` before a run (`inStep`), and all of them get `go` once every child still running has
 * said it. Two children that merely start together would begin their runs apart by their load times, and
 * each would run part of the time alone.
 */
export function childJobsInStep<T>(file: string, argsList: readonly (readonly string[])[]): Promise<T[]> {
  const script = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const inStep = argsList.length > 1;
  const children = argsList.map((args) =>
    spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: [inStep ? 'pipe' : 'ignore', 'pipe', 'inherit'],
      env: inStep ? { ...process.env, [IN_STEP]: '1' } : process.env,
    }),
  );
  const ready = children.map(() => 0);
  const running = children.map(() => true);
  let released = 0;
  const release = () => {
    const wanted = released + 1;
    if (!children.every((_, i) => !running[i] || ready[i]! >= wanted)) return;
    released = wanted;
    for (const [i, c] of children.entries()) if (running[i]) c.stdin?.write('go\n');
  };
  return Promise.all(
    children.map(
      (p, i) =>
        new Promise<T>((resolve, reject) => {
          let last = '';
          createInterface({ input: p.stdout! }).on('line', (line) => {
            if (line === 'ready') {
              ready[i]!++;
              release();
            } else if (line.trim() !== '') last = line;
          });
          p.on('close', (code) => {
            running[i] = false;
            release();
            if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as T);
            else reject(new Error(`${file} ${argsList[i]!.join(' ')}: exit ${code}`));
          });
        }),
    ),
  );
}

let stdinLines: AsyncIterator<string> | undefined;

/** In a child started in step: says it is ready and waits until every sibling is (a no-op otherwise). */
export async function inStep(): Promise<void> {
  if (!process.env[IN_STEP]) return;
  stdinLines ??= createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const stdin = process.stdin as typeof process.stdin & { ref?(): void; unref?(): void };
  stdin.ref?.();
  process.stdout.write('ready\n');
  await stdinLines.next();
  stdin.unref?.(); // the child ends when its runs do, with stdin still open
}
