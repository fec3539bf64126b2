// The crash harness: runs a script in a real `weir` process, SIGKILLs it at random moments, resumes it with
// --from-checkpoint latest until it finishes, and compares the committed sink output with a failure-free run.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { crc32Hex } from '../../runtime/checkpoint/crc32';
import { type CheckpointMetadata, stateFiles } from '../../runtime/checkpoint/metadata';

export const ROOT = resolve(import.meta.dirname, '../..');
export const WEIR_BIN = join(ROOT, 'bin/weir.js');

/** A small deterministic PRNG (mulberry32) so a failing run can be repeated from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the inputs: orders (id, customer, amount, ts) and customers (id, name, tier), interleaved ids. */
export function writeInputs(dir: string, orders: number, customers: number, seed: number): void {
  mkdirSync(join(dir, 'data/orders'), { recursive: true });
  mkdirSync(join(dir, 'data/customers'), { recursive: true });
  const rnd = prng(seed);
  const lines: string[] = [];
  for (let i = 0; i < orders; i++) {
    const customer = Math.floor(rnd() * customers * 1.2); // some orders have no customer (LEFT JOIN nulls)
    lines.push(
      JSON.stringify({
        id: i,
        customer_id: customer,
        amount: Math.floor(rnd() * 1000),
        ts: 1_700_000_000_000 + i,
      }),
    );
  }
  // Two files per table: a folder source reads them in name order.
  const half = Math.floor(lines.length / 2);
  writeFileSync(join(dir, 'data/orders/part-1.jsonl'), lines.slice(0, half).join('\n') + '\n');
  writeFileSync(join(dir, 'data/orders/part-2.jsonl'), lines.slice(half).join('\n') + '\n');
  const cs: string[] = [];
  for (let i = 0; i < customers; i++) cs.push(JSON.stringify({ id: i, name: `customer-${i}`, tier: i % 3 }));
  writeFileSync(join(dir, 'data/customers/customers.jsonl'), cs.join('\n') + '\n');
}

/**
 * The script under test: a GROUP BY and a two-stream LEFT JOIN, file sources, changelog-json sinks
 * (`sinkOptions`, e.g. `, 'sink.rows-per-second' = '20000'`, go into both sinks' WITH).
 */
export function crashScript(checkpointInterval: string, extra = '', sinkOptions = ''): string {
  return `
SET 'execution.checkpointing.interval' = '${checkpointInterval}';
SET 'execution.checkpointing.dir' = '.weir/checkpoints';
SET 'restart-strategy.type' = 'none';
${extra}
CREATE TABLE orders (id BIGINT, customer_id BIGINT, amount BIGINT, ts BIGINT)
  WITH ('connector' = 'filesystem', 'path' = 'data/orders', 'format' = 'json');
CREATE TABLE customers (id BIGINT, name STRING, tier INT)
  WITH ('connector' = 'filesystem', 'path' = 'data/customers', 'format' = 'json');
CREATE TABLE totals (customer_id BIGINT, orders BIGINT, total BIGINT, biggest BIGINT)
  WITH ('connector' = 'filesystem', 'path' = 'out/totals', 'format' = 'changelog-json'${sinkOptions});
CREATE TABLE enriched (order_id BIGINT, amount BIGINT, name STRING, tier INT)
  WITH ('connector' = 'filesystem', 'path' = 'out/enriched', 'format' = 'changelog-json'${sinkOptions});
INSERT INTO totals SELECT customer_id, COUNT(*), SUM(amount), MAX(amount) FROM orders GROUP BY customer_id;
INSERT INTO enriched SELECT o.id, o.amount, c.name, c.tier FROM orders o LEFT JOIN customers c ON o.customer_id = c.id;
`;
}

/**
 * The committed output of a changelog-json sink folder: visible part files in name order, changelog
 * applied as a multiset of rows. Throws when a retraction removes a row that is not there.
 */
export function committedRows(folder: string): Map<string, number> {
  const rows = new Map<string, number>();
  if (!existsSync(folder)) return rows;
  const files = readdirSync(folder)
    .filter((f) => f.startsWith('part-'))
    .sort();
  for (const f of files) {
    for (const line of readFileSync(join(folder, f), 'utf8').split('\n')) {
      if (!line) continue;
      const { op, data } = JSON.parse(line) as { op: string; data: unknown };
      const key = JSON.stringify(data);
      const n = rows.get(key) ?? 0;
      if (op === '+I' || op === '+U') rows.set(key, n + 1);
      else {
        if (n === 0) throw new Error(`${folder}/${f}: ${op} of a row that is not in the result: ${line}`);
        if (n === 1) rows.delete(key);
        else rows.set(key, n - 1);
      }
    }
  }
  return rows;
}

/** The sinks of `crashScript`. */
export const CRASH_SINKS = ['out/totals', 'out/enriched'] as const;

/** Requires every sink of `crashScript` under `dir` to hold exactly the (non-empty) committed rows of `reference`. */
export function expectSameCommittedOutput(dir: string, reference: string, context = ''): void {
  for (const sink of CRASH_SINKS) {
    const expected = committedRows(join(reference, sink));
    expect(expected.size, `${sink} of the reference run`).toBeGreaterThan(0);
    expect(committedRows(join(dir, sink)), `${sink}${context ? ` ${context}` : ''}`).toEqual(expected);
  }
}

/**
 * Every completed checkpoint (a `_metadata` file) left under `<cwd>/.weir/checkpoints`, whichever run wrote
 * it, must list only files that exist with their size and checksum: returns what is wrong. Also counts the
 * files in `shared/` folders that no such checkpoint lists (uploads of checkpoints a kill interrupted).
 */
export function checkpointProblems(cwd: string): {
  problems: string[];
  checkpoints: number;
  orphans: number;
} {
  const root = join(cwd, '.weir/checkpoints');
  const problems: string[] = [];
  let checkpoints = 0;
  let orphans = 0;
  for (const job of existsSync(root) ? readdirSync(root) : []) {
    const listed = new Set<string>();
    for (const chk of checkpointFoldersOf(join(root, job))) {
      const dir = join(root, job, chk);
      if (!existsSync(join(dir, '_metadata'))) continue;
      checkpoints++;
      const m = JSON.parse(readFileSync(join(dir, '_metadata'), 'utf8')) as CheckpointMetadata;
      for (const f of m.operators.flatMap((o) => o.subtasks.flatMap((st) => stateFiles(st)))) {
        const path = join(dir, f.path);
        listed.add(path);
        if (!existsSync(path)) problems.push(`${job}/${chk}: ${f.path} is missing`);
        else if (statSync(path).size !== f.size)
          problems.push(
            `${job}/${chk}: ${f.path} has ${statSync(path).size} bytes, _metadata says ${f.size}`,
          );
        else if (crc32Hex(readFileSync(path)) !== f.checksum)
          problems.push(`${job}/${chk}: ${f.path} has another checksum than _metadata says`);
      }
    }
    const shared = join(root, job, 'shared');
    if (existsSync(shared)) for (const n of readdirSync(shared)) if (!listed.has(join(shared, n))) orphans++;
  }
  return { problems, checkpoints, orphans };
}

/**
 * The checkpoint folders of one job name, relative to its folder: `<job id>/chk-<n>` for every run (and
 * `chk-<n>` of the layout before job ids).
 */
export function checkpointFoldersOf(jobDir: string): string[] {
  if (!existsSync(jobDir)) return [];
  const out: string[] = [];
  for (const n of readdirSync(jobDir)) {
    if (/^chk-\d+$/.test(n)) out.push(n);
    else if (/^[0-9a-f]{32}$/.test(n))
      for (const c of readdirSync(join(jobDir, n))) if (/^chk-\d+$/.test(c)) out.push(join(n, c));
  }
  return out;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs `weir run` in `cwd`; kills it with SIGKILL after `killAfterMs` when given. */
export function runWeir(
  cwd: string,
  args: readonly string[],
  killAfterMs?: number,
  env: Record<string, string> = {},
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child: ChildProcess = spawn(process.execPath, [WEIR_BIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const timer =
      killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), killAfterMs) : undefined;
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code, signal, stderr });
    });
  });
}

export interface CrashRunSummary {
  readonly kills: number;
  readonly runs: number;
  /** Kills by the fault point that caused them (runs with WEIR_FAULT set have no kill timer). */
  readonly faultKills: Readonly<Record<string, number>>;
  readonly stderrTail: string;
  /** Lines of standard error, over all runs, that matched `KillOptions.count`. */
  readonly counted: number;
}

export interface KillOptions {
  /** At most this many kills. */
  readonly kills: number;
  /** Random kills come after a delay in [minMs, maxMs]. */
  readonly minMs: number;
  readonly maxMs: number;
  readonly seed: number;
  /** Fault points a run may ask weir to SIGKILL itself at (WEIR_FAULT), instead of a timed kill. */
  readonly faultPoints?: readonly string[];
  /**
   * A fault run dies at the n-th time the point is reached, n random in [1, faultHits] (default 3; per
   * point when a record: points reached once per file written may take a larger n than per-checkpoint ones).
   */
  readonly faultHits?: number | Readonly<Record<string, number>>;
  /**
   * Fault points that must each cause a kill: the runs after the first use them in turn, dying the first
   * time they reach it, until each has killed once (so `kills` must exceed their number). A run that never
   * reaches its point simply finishes: check `faultKills`.
   */
  readonly mustHit?: readonly string[];
  /** Counts the lines of standard error that match (e.g. resumes that replayed in-flight data). */
  readonly count?: RegExp;
}

/**
 * Runs the script to completion under random SIGKILLs: at most `kills` kills, each after a random delay in
 * [minMs, maxMs]; fault runs ask weir to SIGKILL itself at a fault point (inside checkpoint writing, SST
 * uploads or sink commits) instead.
 */
export async function runWithKills(cwd: string, script: string, o: KillOptions): Promise<CrashRunSummary> {
  const rnd = prng(o.seed);
  const hits = (point: string) =>
    typeof o.faultHits === 'number' ? o.faultHits : (o.faultHits?.[point] ?? 3);
  const faultKills: Record<string, number> = {};
  const missing = [...(o.mustHit ?? [])];
  let kills = 0;
  let runs = 0;
  let tail = '';
  let counted = 0;
  for (;;) {
    runs++;
    if (runs > o.kills * 3 + 20) throw new Error(`no completion after ${runs} runs; last stderr:\n${tail}`);
    const killing = kills < o.kills;
    const forced = killing && runs > 1 && missing.length > 0 ? missing[0] : undefined;
    const fault =
      forced ??
      (killing && o.faultPoints?.length && rnd() < 0.3
        ? o.faultPoints[Math.floor(rnd() * o.faultPoints.length)]
        : undefined);
    const delay = killing && !fault ? Math.floor(o.minMs + rnd() * (o.maxMs - o.minMs)) : undefined;
    const args = ['run', script, ...(runs > 1 ? ['--from-checkpoint', 'latest'] : [])];
    // A forced run dies the first time it reaches its point: restarted near the end of the input, a run
    // may reach it only once or twice (at the final checkpoint) before the job finishes.
    const nth = fault ? 1 + Math.floor(rnd() * hits(fault)) : 0;
    const r = await runWeir(cwd, args, delay, fault ? { WEIR_FAULT: `${fault}:${forced ? 1 : nth}` } : {});
    tail = r.stderr.slice(-2000);
    if (o.count) counted += r.stderr.split('\n').filter((l) => o.count!.test(l)).length;
    if (r.signal === 'SIGKILL') {
      kills++;
      if (fault) {
        faultKills[fault] = (faultKills[fault] ?? 0) + 1;
        const i = missing.indexOf(fault);
        if (i >= 0) missing.splice(i, 1);
      }
      continue;
    }
    if (r.code === 0) return { kills, runs, faultKills, stderrTail: tail, counted };
    throw new Error(`weir exited with ${r.code} (run ${runs}, seed ${o.seed}):\n${tail}`);
  }
}
