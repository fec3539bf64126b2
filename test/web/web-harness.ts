// Starts a real `weir run --web` process on a job with checkpoints and waits for the URL it prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEIR_BIN } from '../e2e/crash-harness';

/**
 * An unbounded datagen source, a keyed count into blackhole, a checkpoint every `interval`; `jobs` INSERTs make as
 * many jobs (named `clicks-1`, `clicks-2`, … after the script `clicks.sql`).
 */
export function webScript(interval = '1s', rowsPerSecond = 20000, jobs = 1): string {
  const inserts = Array.from(
    { length: jobs },
    () => 'INSERT INTO counts SELECT user_id, COUNT(*) AS clicks FROM clicks GROUP BY user_id;',
  ).join('\n');
  return `
SET 'execution.checkpointing.interval' = '${interval}';
SET 'execution.checkpointing.dir' = 'checkpoints';
SET 'execution.checkpointing.savepoint-dir' = 'savepoints';
CREATE TABLE clicks (user_id INT, page_id INT) WITH (
  'connector' = 'datagen', 'rows-per-second' = '${rowsPerSecond}',
  'fields.user_id.min' = '1', 'fields.user_id.max' = '1000',
  'fields.page_id.min' = '1', 'fields.page_id.max' = '100'
);
CREATE TABLE counts (user_id INT, clicks BIGINT) WITH ('connector' = 'blackhole');
${inserts}
`;
}

export interface WebRun {
  readonly dir: string;
  readonly url: string;
  readonly proc: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  kill(): Promise<void>;
}

/** Runs `weir run --web --port 0 <extra> clicks.sql` in a fresh folder; resolves once the dashboard URL is printed. */
export async function startWebRun(
  script = webScript(),
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<WebRun> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-web-'));
  writeFileSync(join(dir, 'clicks.sql'), script);
  const proc = spawn(process.execPath, [WEIR_BIN, 'run', '--web', '--port', '0', ...extra, 'clicks.sql'], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdout!.resume();
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`weir printed no dashboard URL in 30 s:\n${err}`)),
      30_000,
    );
    const check = () => {
      const m = /\[weir\] dashboard: (http:\/\/\S+\/)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stderr!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`weir exited (${code}) before serving:\n${err}`));
    });
  });
  return {
    dir,
    url,
    proc,
    stderr: () => err,
    exited,
    kill: async () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `f` every 100 ms until it returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
