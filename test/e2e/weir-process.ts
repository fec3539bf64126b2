// A `weir` process a test controls: signals at chosen moments, stderr so far, the checkpoints it left on disk.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WEIR_BIN, checkpointFoldersOf } from './crash-harness';

export interface WeirProcess {
  readonly child: ChildProcess;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts `weir <args>` in `cwd`; `stdin: 'pipe'` keeps standard input open (the shell waits for statements). */
export function startWeir(
  cwd: string,
  args: readonly string[],
  o: { env?: Record<string, string>; stdin?: 'pipe' | 'ignore' } = {},
): WeirProcess {
  const child = spawn(process.execPath, [WEIR_BIN, ...args], {
    cwd,
    env: { ...process.env, ...o.env },
    stdio: [o.stdin ?? 'ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal, stderr })),
  );
  return { child, stderr: () => stderr, exited };
}

/** Polls `cond` every 25 ms until it holds; fails naming `what` after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Completed checkpoints (a `_metadata`) of a job name under `<cwd>/.weir/checkpoints`, as `<job id>/chk-<n>`,
 * highest checkpoint id first.
 */
export function completedCheckpoints(cwd: string, job: string): string[] {
  const jobDir = join(cwd, '.weir/checkpoints', job);
  const id = (c: string) => Number(/\d+$/.exec(c)![0]);
  return checkpointFoldersOf(jobDir)
    .filter((c) => existsSync(join(jobDir, c, '_metadata')))
    .sort((a, b) => id(b) - id(a));
}

/** The job ids (run folders) of a job name under `<cwd>/.weir/checkpoints`. */
export function runsOf(cwd: string, job: string): string[] {
  const jobDir = join(cwd, '.weir/checkpoints', job);
  return existsSync(jobDir) ? readdirSync(jobDir).filter((n) => /^[0-9a-f]{32}$/.test(n)) : [];
}

/** Every file below `dir` with its SHA-256: tells whether anything was written, overwritten or deleted. */
export function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
