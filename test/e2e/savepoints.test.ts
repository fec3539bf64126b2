// Savepoints end to end. A GROUP BY over a JOIN, stopped with a savepoint mid-stream and restored on the other
// state backend at another parallelism (in process, through SET 'execution.state-recovery.path' and its Flink 1
// alias, and through the real shell and CLI), ends with the output of an uninterrupted run. Harmless query
// edits restore and keep the state; incompatible ones fail naming the operator, or start it empty when told to;
// EXPLAIN RESTORE says the same. Tailed file sources restore at another parallelism and read what arrived
// since. A moved savepoint restores; damaged files and another max parallelism fail clearly.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompiledJob, compileScript } from '../../compiler/index';
import type { CompletedCheckpoint } from '../../runtime/checkpoint/coordinator';
import type { CheckpointMetadata } from '../../runtime/checkpoint/metadata';
import type { JobHandle } from '../../runtime/job';
import { startJob } from '../../runtime/node/environment';
import { Session } from '../../runtime/node/session';
import { Shell } from '../support/shell';
import { WEIR_BIN } from './crash-harness';

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-savepoints-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

// ───────────────────────────── scripts ─────────────────────────────

/** Orders and customers of the join job; the evolution job's `src`. */
const ORDERS = 3000;
const CUSTOMERS = 30;
const SRC_ROWS = 3000;
const SRC_KEYS = 20;
/** Rows per second of the paced runs: a run takes ~1.5 s, so a savepoint after a few hundred ms is mid-stream. */
const RATE = 2000;

interface ScriptOptions {
  readonly backend?: 'hashmap' | 'rocksdb';
  readonly parallelism?: number;
  /** Orders (and src rows) per second; 0: as fast as possible (restored runs need no pacing). */
  readonly rate?: number;
  /** Folder of the sink tables, under the test folder. */
  readonly out: string;
  /** More SET statements. */
  readonly settings?: string;
}

/** The configuration every script starts with: everything under the test folder, no restarts. */
function head(o: Omit<ScriptOptions, 'out' | 'rate'>): string {
  return `
    SET 'state.backend.type' = '${o.backend ?? 'hashmap'}';
    SET 'parallelism.default' = '${o.parallelism ?? 1}';
    SET 'execution.checkpointing.dir' = '${path.join(dir, 'checkpoints')}';
    SET 'execution.checkpointing.savepoint-dir' = '${path.join(dir, 'savepoints')}';
    SET 'state.backend.rocksdb.localdir' = '${path.join(dir, 'rocksdb')}';
    SET 'restart-strategy.type' = 'none';
    SET 'weir.batch-size' = '64';
    ${o.settings ?? ''}`;
}

/** Orders join customers (both arriving over time), then a GROUP BY per customer. */
const JOIN_QUERY = `INSERT INTO totals_by_customer
  SELECT c.id, c.tier, COUNT(*), SUM(o.v), MAX(o.v)
  FROM orders o JOIN customers c ON o.k = c.id
  GROUP BY c.id, c.tier;`;

/** A plain GROUP BY over the same orders. */
const GROUP_QUERY = `INSERT INTO totals_by_key SELECT k, COUNT(*), SUM(v) FROM orders GROUP BY k;`;

function joinTables(o: ScriptOptions): string {
  const rate = o.rate ?? RATE;
  const out = path.join(dir, o.out);
  return `
    CREATE TABLE orders (id BIGINT, k INT, v INT) WITH ('connector' = 'datagen', 'seed' = '7',
      'number-of-rows' = '${ORDERS}', 'rows-per-second' = '${rate}',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ORDERS}',
      'fields.k.min' = '1', 'fields.k.max' = '${CUSTOMERS}', 'fields.v.min' = '0', 'fields.v.max' = '1000');
    CREATE TABLE customers (id INT, tier INT) WITH ('connector' = 'datagen', 'seed' = '3',
      'number-of-rows' = '${CUSTOMERS}', 'rows-per-second' = '${(rate * CUSTOMERS) / ORDERS}',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${CUSTOMERS}',
      'fields.tier.min' = '0', 'fields.tier.max' = '3');
    CREATE TABLE totals_by_customer (customer INT, tier INT, orders BIGINT, total BIGINT, biggest INT)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(out, 'by_customer')}', 'format' = 'changelog-json');
    CREATE TABLE totals_by_key (k INT, orders BIGINT, total BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(out, 'by_key')}', 'format' = 'changelog-json');`;
}

function joinScript(o: ScriptOptions): string {
  return `${head(o)}\n${joinTables(o)}\n${JOIN_QUERY}`;
}

/** The evolution job's tables: `src` with SRC_KEYS keys, and two sinks. */
function evoTables(o: ScriptOptions): string {
  const rate = o.rate ?? RATE;
  const out = path.join(dir, o.out);
  return `
    CREATE TABLE src (k INT, v INT) WITH ('connector' = 'datagen', 'seed' = '5',
      'number-of-rows' = '${SRC_ROWS}', 'rows-per-second' = '${rate}',
      'fields.k.min' = '1', 'fields.k.max' = '${SRC_KEYS}', 'fields.v.min' = '0', 'fields.v.max' = '100');
    CREATE TABLE out (k BIGINT, n BIGINT, s BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(out, 'out')}', 'format' = 'changelog-json');
    CREATE TABLE out2 (k INT, m INT)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(out, 'out2')}', 'format' = 'changelog-json');`;
}

const EVO_QUERY = `INSERT INTO out SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k;`;
const EVO_OTHER = `INSERT INTO out2 SELECT k, MAX(v) FROM src GROUP BY k;`;

function evoScript(o: ScriptOptions, ...queries: string[]): string {
  return `${head(o)}\n${evoTables(o)}\n${queries.join('\n')}`;
}

/** The jobs of a script (compile errors fail the test). */
function jobsOf(sql: string, scriptName: string): CompiledJob[] {
  const r = compileScript(sql, { scriptName });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.statements.flatMap((s) => (s.kind === 'job' ? [s.job] : []));
}

function jobOf(sql: string, scriptName: string): CompiledJob {
  const jobs = jobsOf(sql, scriptName);
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

const uidOf = (job: CompiledJob, kind: string) => job.graph.operators.find((o) => o.spec.kind === kind)!.uid;
const nameOf = (job: CompiledJob, kind: string) =>
  job.graph.operators.find((o) => o.spec.kind === kind)!.name;

// ───────────────────────────── running ─────────────────────────────

interface Log {
  readonly out: string[];
  readonly err: string[];
}

function logs(): Log {
  return { out: [], err: [] };
}

function io(log: Log) {
  return { out: (l: string) => log.out.push(l), err: (l: string) => log.err.push(l), interactive: false };
}

/** Waits until the job's sources produced at least `n` rows (and fails when it ends first). */
async function produced(job: JobHandle, n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (job.metrics().recordsIn < n) {
    if (job.status() !== 'RUNNING') throw new Error(`job ${job.name} is ${job.status()} before ${n} rows`);
    if (Date.now() > deadline)
      throw new Error(`job ${job.name} produced only ${job.metrics().recordsIn} rows`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Every source of the snapshot stopped strictly inside its input (`totals`: rows per table), and every stateful
 * operator holds keyed state.
 */
function expectMidStream(m: CheckpointMetadata, totals: Readonly<Record<string, number>>): void {
  const sources = m.operators.filter((o) => o.kind === 'source');
  expect(sources.map((o) => /table=\[(\w+)\]/.exec(o.name)![1]).sort()).toEqual(Object.keys(totals).sort());
  for (const o of sources) {
    const emitted = (m.sourceOffsets[o.uid] as { emitted: number }[]).reduce((n, x) => n + x.emitted, 0);
    expect(emitted, o.name).toBeGreaterThan(0);
    expect(emitted, o.name).toBeLessThan(totals[/table=\[(\w+)\]/.exec(o.name)![1]!]!);
  }
  for (const o of m.operators.filter((x) => x.kind === 'groupAggregate' || x.kind === 'join'))
    expect(
      o.subtasks.reduce((n, x) => n + (x.keyed?.size ?? 0), 0),
      `keyed state of ${o.name}`,
    ).toBeGreaterThan(0);
}

/**
 * Starts the job (paced), stops it with a savepoint once its sources produced `rows` rows, and keeps a copy of
 * its output folder as it was then (`<out>@savepoint`), so the savepoint can be restored more than once.
 */
async function stopWithSavepointAfter(
  job: CompiledJob,
  rows: number,
  out: string,
  savepointDir?: string,
): Promise<CompletedCheckpoint> {
  const log = logs();
  const h = await startJob(job, io(log));
  await produced(h, rows);
  const sp = await h.stopWithSavepoint(savepointDir);
  expect((await h.done).status).toBe('FINISHED');
  fs.cpSync(path.join(dir, out), path.join(dir, `${out}@savepoint`), { recursive: true });
  return sp;
}

/** A fresh copy of the output as it was at the savepoint, under the name `out`. */
function outputAtSavepoint(from: string, out: string): void {
  fs.rmSync(path.join(dir, out), { recursive: true, force: true });
  fs.cpSync(path.join(dir, `${from}@savepoint`), path.join(dir, out), { recursive: true });
}

/** Runs a job to its end; fails the test unless it finishes. */
async function runToEnd(
  job: CompiledJob,
  recovery?: { kind: 'savepoint' | 'checkpoint'; path: string },
): Promise<Log> {
  const log = logs();
  const h = await startJob(job, { ...io(log), ...(recovery ? { recovery } : {}) });
  const r = await h.done;
  expect(r, log.err.join('\n')).toEqual({ status: 'FINISHED' });
  return log;
}

/** Runs a script in a session (as `weir run` does); returns whether it ran and every job finished. */
async function runSession(
  sql: string,
  scriptName: string,
  o: { fromSavepoint?: string } = {},
): Promise<Log & { ok: boolean }> {
  const log = logs();
  const session = new Session({ scriptName, ...o, ...io(log) });
  const ran = await session.runScript(`${scriptName}.sql`, sql);
  const failed = await session.awaitJobs();
  await session.close();
  return { ...log, ok: ran && !failed };
}

// ───────────────────────────── output ─────────────────────────────

type Row = Record<string, unknown>;

/**
 * The table a changelog-json sink folder materializes: committed part files in order of checkpoint, subtask
 * and number; +I/+U set the key's row, -U/-D remove it. `strict`: an insert must find its key absent and a
 * retraction must retract exactly the key's current row (what an unchanged query guarantees).
 */
function materialize(folder: string, key: readonly string[], strict = true): Map<string, Row> {
  const table = new Map<string, Row>();
  // part-<checkpoint>-<job key>-<run token>-<subtask>-<n>.jsonl
  const part = /^part-(\d+)-[0-9a-f]{8}-[0-9a-f]{8}-(\d+)-(\d+)\.jsonl$/;
  const files = fs
    .readdirSync(folder)
    .filter((f) => part.test(f))
    .map((f) => ({ f, n: part.exec(f)!.slice(1).map(Number) }))
    .sort((a, b) => a.n[0]! - b.n[0]! || a.n[1]! - b.n[1]! || a.n[2]! - b.n[2]!);
  for (const { f } of files) {
    for (const line of fs.readFileSync(path.join(folder, f), 'utf8').split('\n')) {
      if (!line) continue;
      const { op, data } = JSON.parse(line) as { op: string; data: Row };
      const k = JSON.stringify(key.map((c) => data[c]));
      const current = table.get(k);
      if (op === '+I' || op === '+U') {
        if (strict && current)
          throw new Error(`${f}: ${line} while the key holds ${JSON.stringify(current)}`);
        table.set(k, data);
      } else {
        if (strict && JSON.stringify(current) !== JSON.stringify(data))
          throw new Error(`${f}: ${line} retracts a row the key does not hold (${JSON.stringify(current)})`);
        table.delete(k);
      }
    }
  }
  return table;
}

/** A materialized table as sorted JSON rows, for toEqual. */
function rowsOf(table: Map<string, Row>): string[] {
  return [...table.values()].map((r) => JSON.stringify(r)).sort();
}

const byCustomer = (out: string) => materialize(path.join(dir, out, 'by_customer'), ['customer']);
const byKey = (out: string) => materialize(path.join(dir, out, 'by_key'), ['k']);
const evoOut = (out: string, strict = true) => materialize(path.join(dir, out, 'out'), ['k'], strict);
const evoOut2 = (out: string) => materialize(path.join(dir, out, 'out2'), ['k']);

/** Memoizes a fixture that several tests share (built by the first that asks). */
function shared<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

// ───────────────────────────── fixtures ─────────────────────────────

/** Uninterrupted runs of the join and group jobs (fast, hashmap, parallelism 1). */
const joinBaseline = shared(async () => {
  await runToEnd(jobOf(joinScript({ rate: 0, out: 'join-baseline' }), 'baseline'));
  const rows = rowsOf(byCustomer('join-baseline'));
  // Every order finds its customer: the counts add up to all orders.
  expect(rows).toHaveLength(CUSTOMERS);
  expect(rows.reduce((n, r) => n + (JSON.parse(r) as { orders: number }).orders, 0)).toBe(ORDERS);
  return rows;
});

const groupBaseline = shared(async () => {
  await runToEnd(
    jobOf(`${head({})}\n${joinTables({ rate: 0, out: 'group-baseline' })}\n${GROUP_QUERY}`, 'baseline'),
  );
  const rows = rowsOf(byKey('group-baseline'));
  expect(rows).toHaveLength(CUSTOMERS);
  return rows;
});

const evoBaseline = shared(async () => {
  await runToEnd(jobOf(evoScript({ rate: 0, out: 'evo-baseline' }, EVO_QUERY), 'baseline'));
  const table = evoOut('evo-baseline');
  expect(table.size).toBe(SRC_KEYS);
  expect([...table.values()].reduce((n, r) => n + (r['n'] as number), 0)).toBe(SRC_ROWS);
  return table;
});

const evoOtherBaseline = shared(async () => {
  await runToEnd(jobOf(evoScript({ rate: 0, out: 'evo-other-baseline' }, EVO_OTHER), 'baseline'));
  return rowsOf(evoOut2('evo-other-baseline'));
});

/** The join job on hashmap at parallelism 1, stopped with a savepoint mid-stream. */
const savepointA = shared(async () => {
  const sp = await stopWithSavepointAfter(jobOf(joinScript({ out: 'a' }), 'join'), 800, 'a');
  expectMidStream(sp.metadata, { orders: ORDERS, customers: CUSTOMERS });
  expect(sp.metadata).toMatchObject({ kind: 'savepoint', backend: 'hashmap', jobName: 'join-1' });
  // The output already holds the rows before the savepoint: the restored run goes on from them.
  expect(byCustomer('a@savepoint').size).toBeGreaterThan(0);
  return sp;
});

/**
 * The join job on rocksdb at parallelism 3 taking incremental checkpoints every 30 ms, stopped with a savepoint
 * mid-stream (after some checkpoints committed output).
 */
const savepointB = shared(async () => {
  const settings = `SET 'execution.checkpointing.interval' = '30 ms';`;
  const job = jobOf(joinScript({ backend: 'rocksdb', parallelism: 3, out: 'b', settings }), 'join-b');
  const sp = await stopWithSavepointAfter(job, 800, 'b');
  expectMidStream(sp.metadata, { orders: ORDERS, customers: CUSTOMERS });
  expect(sp.id).toBeGreaterThan(2);
  expect(sp.metadata).toMatchObject({ kind: 'savepoint', backend: 'rocksdb', snapshotType: 'full' });
  expect(sp.metadata.operators.find((o) => o.kind === 'groupAggregate')!.parallelism).toBe(3);
  return sp;
});

/** The evolution job (hashmap, parallelism 1), stopped with a savepoint mid-stream. */
const savepointEvo = shared(async () => {
  const sp = await stopWithSavepointAfter(jobOf(evoScript({ out: 'evo' }, EVO_QUERY), 'evo'), 900, 'evo');
  expectMidStream(sp.metadata, { src: SRC_ROWS });
  return sp;
});

// ───────────────────────────── 1. round trips ─────────────────────────────

describe('a GROUP BY over a JOIN stopped with a savepoint mid-stream', () => {
  it('restores on rocksdb at parallelism 3 (from hashmap at 1) and ends with the uninterrupted output', async () => {
    const sp = await savepointA();
    outputAtSavepoint('a', 'a1');
    const job = jobOf(joinScript({ backend: 'rocksdb', parallelism: 3, rate: 0, out: 'a1' }), 'join');
    const log = await runToEnd(job, { kind: 'savepoint', path: sp.location });
    expect(log.err.join('\n')).toContain(`restores from savepoint ${sp.location}`);
    expect(rowsOf(byCustomer('a1'))).toEqual(await joinBaseline());
  });

  it('restores on hashmap at parallelism 2 (from rocksdb at 3) and ends with the uninterrupted output', async () => {
    const sp = await savepointB();
    outputAtSavepoint('b', 'b1');
    const job = jobOf(joinScript({ backend: 'hashmap', parallelism: 2, rate: 0, out: 'b1' }), 'join');
    await runToEnd(job, { kind: 'savepoint', path: sp.location });
    expect(rowsOf(byCustomer('b1'))).toEqual(await joinBaseline());
  });

  it("restores through SET 'execution.state-recovery.path'", async () => {
    const sp = await savepointA();
    outputAtSavepoint('a', 'a2');
    const settings = `SET 'execution.state-recovery.path' = '${sp.location}';`;
    const r = await runSession(
      joinScript({ backend: 'rocksdb', parallelism: 2, rate: 0, out: 'a2', settings }),
      'join',
    );
    expect(r.ok, r.err.join('\n')).toBe(true);
    expect(r.err.join('\n')).toContain(`restores from savepoint ${sp.location}`);
    expect(rowsOf(byCustomer('a2'))).toEqual(await joinBaseline());
  });

  it("restores through Flink 1's 'execution.savepoint.path'", async () => {
    const sp = await savepointB();
    outputAtSavepoint('b', 'b2');
    const settings = `SET 'execution.savepoint.path' = '${sp.location}';`;
    const r = await runSession(
      joinScript({ backend: 'rocksdb', parallelism: 1, rate: 0, out: 'b2', settings }),
      'renamed',
    );
    expect(r.ok, r.err.join('\n')).toBe(true);
    expect(r.err.join('\n')).toContain(`job 'renamed-1' restores from`);
    expect(rowsOf(byCustomer('b2'))).toEqual(await joinBaseline());
  });

  it('EXPLAIN RESTORE shows the change of parallelism', async () => {
    const sp = await savepointA();
    const r = await runSession(
      `${head({ parallelism: 3 })}\n${joinTables({ out: 'explain' })}\nEXPLAIN RESTORE FROM '${sp.location}' ${JOIN_QUERY}`,
      'join',
    );
    expect(r.ok, r.err.join('\n')).toBe(true);
    const text = r.out.join('\n');
    expect(text).toMatch(/^RESTORED\s+groupAggregate-\S+\s+GroupAggregate\(.*parallelism 1 -> 3\)$/m);
    expect(text).toMatch(/^RESTORED\s+join-\S+\s+Join\(.*parallelism 1 -> 3\)$/m);
    expect(text).toContain('The restore would succeed.');
  });
});

// ───────────────────────────── file sources ─────────────────────────────

/** Order lines of file `f` (deterministic): ids f*10000 + i, customers 1..CUSTOMERS. */
function orderLines(f: number, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) {
    const id = f * 10_000 + i;
    text += `${JSON.stringify({ id, k: 1 + ((id * 7919) % CUSTOMERS), v: (id * 104_729) % 1000 })}\n`;
  }
  return text;
}

/** The join job over file tables; `monitor`: the orders folder is tailed (the job never ends by itself). */
function fileJoinScript(o: ScriptOptions & { data: string; monitor?: boolean }): string {
  const data = path.join(dir, o.data);
  const out = path.join(dir, o.out);
  return `${head(o)}
    CREATE TABLE orders (id BIGINT, k INT, v INT) WITH ('connector' = 'filesystem',
      'path' = '${path.join(data, 'orders')}', 'format' = 'json'${o.monitor ? ", 'source.monitor-interval' = '20 ms'" : ''});
    CREATE TABLE customers (id INT, tier INT)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(data, 'customers.csv')}', 'format' = 'csv');
    CREATE TABLE totals_by_customer (customer INT, tier INT, orders BIGINT, total BIGINT, biggest INT)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(out, 'by_customer')}', 'format' = 'changelog-json');
    ${JOIN_QUERY}`;
}

describe('a GROUP BY over a JOIN of file sources', () => {
  it('stopped with a savepoint at parallelism 2 while tailing, restored bounded on rocksdb at 3 after more data arrived (new files, appended lines)', async () => {
    const write = (data: string, all: boolean) => {
      const d = path.join(dir, data);
      fs.mkdirSync(path.join(d, 'orders'), { recursive: true });
      let customers = '';
      for (let c = 1; c <= CUSTOMERS; c++) customers += `${c},${c % 4}\n`;
      fs.writeFileSync(path.join(d, 'customers.csv'), customers);
      fs.writeFileSync(path.join(d, 'orders', 'orders-1.jsonl'), orderLines(1, 0, 1000));
      fs.writeFileSync(path.join(d, 'orders', 'orders-2.jsonl'), orderLines(2, 0, all ? 1500 : 1000));
      if (all)
        for (const f of [3, 4, 5])
          fs.writeFileSync(path.join(d, 'orders', `orders-${f}.jsonl`), orderLines(f, 0, 800));
    };
    write('files-all', true);
    await runToEnd(jobOf(fileJoinScript({ data: 'files-all', out: 'files-baseline' }), 'files'));
    const baseline = rowsOf(byCustomer('files-baseline'));
    expect(baseline).toHaveLength(CUSTOMERS);
    expect(baseline.reduce((n, r) => n + (JSON.parse(r) as { orders: number }).orders, 0)).toBe(4900);

    write('files', false);
    const job = jobOf(
      fileJoinScript({ data: 'files', out: 'files-out', parallelism: 2, monitor: true }),
      'files',
    );
    const sp = await stopWithSavepointAfter(job, 2000 + CUSTOMERS, 'files-out');
    // Both orders files were read to their end by the two splits (the job was waiting for more).
    const ordersUid = job.graph.operators.find((o) => o.name.startsWith('Source(table=[orders]'))!.uid;
    const offsets = sp.metadata.sourceOffsets[ordersUid] as { file: string; position: number }[];
    expect(offsets.map((o) => [o.file, o.position])).toEqual([
      ['orders-1.jsonl', orderLines(1, 0, 1000).length],
      ['orders-2.jsonl', orderLines(2, 0, 1000).length],
    ]);
    // More data after the savepoint: lines appended to a file already read, and new files.
    fs.appendFileSync(path.join(dir, 'files', 'orders', 'orders-2.jsonl'), orderLines(2, 1000, 1500));
    for (const f of [3, 4, 5])
      fs.writeFileSync(path.join(dir, 'files', 'orders', `orders-${f}.jsonl`), orderLines(f, 0, 800));
    const restored = jobOf(
      fileJoinScript({ data: 'files', out: 'files-out', backend: 'rocksdb', parallelism: 3 }),
      'files',
    );
    await runToEnd(restored, { kind: 'savepoint', path: sp.location });
    expect(rowsOf(byCustomer('files-out'))).toEqual(baseline);
  });
});

// ───────────────────────────── the shell and the CLI ─────────────────────────────

describe('savepoints through the shell and the CLI', () => {
  it('STOP JOB ... WITH SAVEPOINT and SAVEPOINT TO in `weir sql`, then `weir run --from-savepoint` on rocksdb at parallelism 3, statements reordered', async () => {
    const cwd = path.join(dir, 'cli');
    fs.mkdirSync(cwd, { recursive: true });
    const spDir = path.join(cwd, 'savepoints');
    const shell = new Shell(cwd);
    try {
      shell.send(head({ settings: `SET 'execution.checkpointing.savepoint-dir' = '${spDir}';` }));
      shell.send(joinTables({ out: 'cli' }));
      shell.send(`SET 'pipeline.name' = 'grouped';\n${GROUP_QUERY}`);
      shell.send(`SET 'pipeline.name' = 'joined';\n${JOIN_QUERY}`);
      await shell.waitFor(/Job 'joined' started/);
      await new Promise((r) => setTimeout(r, 400));
      shell.send(`STOP JOB 'joined' WITH SAVEPOINT;`);
      const stopped = await shell.waitFor(/Job 'joined' stopped with savepoint (\S+) \(/);
      shell.send(`SAVEPOINT TO '${spDir}';`);
      const taken = await shell.waitFor(/Savepoint of job 'grouped' completed: (\S+) \(/);
      // No periodic checkpoints: a plain stop commits nothing after the savepoint.
      shell.send(`STOP JOB 'grouped';`);
      await shell.waitFor(/Job 'grouped' stopped\./);
      shell.send('quit');
      expect(await shell.exit).toBe(0);
      const joinedAt = stopped[1]!;
      const groupedAt = taken[1]!;
      expect(path.dirname(joinedAt)).toBe(spDir);
      expect(path.dirname(groupedAt)).toBe(spDir);
      for (const [at, totals] of [
        [joinedAt, { orders: ORDERS, customers: CUSTOMERS }],
        [groupedAt, { orders: ORDERS }],
      ] as const) {
        const m = JSON.parse(fs.readFileSync(path.join(at, '_metadata'), 'utf8')) as CheckpointMetadata;
        expect(m.kind).toBe('savepoint');
        expectMidStream(m, totals);
      }
    } finally {
      shell.kill();
    }

    // The INSERTs in the other order and without pipeline.name: each job finds its savepoint by its state.
    const script = path.join(cwd, 'restore.sql');
    fs.writeFileSync(
      script,
      `${head({})}\n${joinTables({ rate: 0, out: 'cli' })}\n${JOIN_QUERY}\n${GROUP_QUERY}\n`,
    );
    const r = spawnSync(
      process.execPath,
      [
        WEIR_BIN,
        'run',
        script,
        '--from-savepoint',
        spDir,
        '--parallelism',
        '3',
        '-D',
        'state.backend.type=rocksdb',
      ],
      { cwd, encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/job 'restore-1' restores from savepoint \S+savepoint-joined-/);
    expect(r.stderr).toMatch(/job 'restore-2' restores from savepoint \S+savepoint-grouped-/);
    expect(rowsOf(byCustomer('cli'))).toEqual(await joinBaseline());
    expect(rowsOf(byKey('cli'))).toEqual(await groupBaseline());
  });
});

// ───────────────────────────── 2. query evolution ─────────────────────────────

/** EXPLAIN RESTORE's operator lines as [STATUS, uid] pairs, and its verdict. */
async function explainRestore(sql: string): Promise<{ lines: string[][]; text: string }> {
  const r = await runSession(sql, 'evo');
  expect(r.ok, r.err.join('\n')).toBe(true);
  const text = r.out.join('\n');
  const lines = text
    .split('\n')
    .map((l) => /^(RESTORED|NEW|UNCLAIMED|STATELESS)\s+(\S+)/.exec(l))
    .flatMap((m) => (m ? [[m[1]!, m[2]!]] : []));
  return { lines, text };
}

/** The savepoint's groupAggregate: uid and name. */
async function savedAggregate(): Promise<{ uid: string; name: string }> {
  const m = (await savepointEvo()).metadata;
  const op = m.operators.find((o) => o.kind === 'groupAggregate')!;
  return { uid: op.uid, name: op.name };
}

/** Counts per key the savepoint's output held (what the old job had committed). */
async function countsAtSavepoint(): Promise<Map<string, number>> {
  await savepointEvo();
  const t = materialize(path.join(dir, 'evo@savepoint', 'out'), ['k']);
  expect(t.size).toBeGreaterThan(0);
  return new Map([...t.entries()].map(([k, r]) => [k, r['n'] as number]));
}

describe('query evolution: harmless edits restore and keep the state', () => {
  const harmless: {
    what: string;
    query: string;
    expected: (baseline: Row) => Row;
    /** Retractions carry the rows written before: false when the edit changed how rows look. */
    strict: boolean;
  }[] = [
    {
      what: 'a WHERE clause before the aggregate that keeps every row',
      query: `INSERT INTO out SELECT k, COUNT(*), SUM(v) FROM src WHERE v >= 0 GROUP BY k;`,
      expected: (b) => b,
      strict: true,
    },
    {
      what: 'other output expressions after the aggregate',
      strict: false,
      query: `INSERT INTO out SELECT k, n * 10 + 1, s - n FROM (SELECT k, COUNT(*) AS n, SUM(v) AS s FROM src GROUP BY k);`,
      expected: (b) => ({
        k: b['k'],
        n: (b['n'] as number) * 10 + 1,
        s: (b['s'] as number) - (b['n'] as number),
      }),
    },
  ];

  for (const c of harmless) {
    it(`${c.what}: the aggregate restores and the counts go on from the savepoint`, async () => {
      const sp = await savepointEvo();
      const old = await savedAggregate();
      const out = `evo-${harmless.indexOf(c)}`;
      const job = jobOf(evoScript({ rate: 0, out }, c.query), 'evo');
      // The edit is real: the plan differs, the aggregate's identity does not.
      expect(job.graph.operators.map((o) => o.name)).not.toEqual(
        jobOf(evoScript({ out }, EVO_QUERY), 'evo').graph.operators.map((o) => o.name),
      );
      expect(uidOf(job, 'groupAggregate')).toBe(old.uid);

      const { lines, text } = await explainRestore(
        evoScript({ out }, `EXPLAIN RESTORE FROM '${sp.location}' ${c.query}`),
      );
      expect(lines.filter(([s]) => s === 'RESTORED').map(([, u]) => u)).toEqual(
        expect.arrayContaining([old.uid, uidOf(job, 'source'), uidOf(job, 'sink')]),
      );
      expect(lines.filter(([s]) => s === 'NEW' || s === 'UNCLAIMED')).toEqual([]);
      expect(text).toContain('The restore would succeed.');

      outputAtSavepoint('evo', out);
      await runToEnd(job, { kind: 'savepoint', path: sp.location });
      const baseline = await evoBaseline();
      // Upserts per key: a changed projection retracts old rows with the new expressions.
      expect(rowsOf(evoOut(out, c.strict))).toEqual(
        rowsOf(new Map([...baseline].map(([k, r]) => [k, c.expected(r)]))),
      );
    });
  }

  it('another INSERT before the job: each job gets its own state (the new one starts empty)', async () => {
    const sp = await savepointEvo();
    outputAtSavepoint('evo', 'evo-before');
    const r = await runSession(evoScript({ rate: 0, out: 'evo-before' }, EVO_OTHER, EVO_QUERY), 'evo', {
      fromSavepoint: sp.location,
    });
    expect(r.ok, r.err.join('\n')).toBe(true);
    expect(r.err.join('\n')).toContain(`job 'evo-2' restores from savepoint ${sp.location}`);
    expect(r.err.join('\n')).toContain(`it starts without state`);
    expect(rowsOf(evoOut('evo-before'))).toEqual(rowsOf(await evoBaseline()));
    expect(rowsOf(evoOut2('evo-before'))).toEqual(await evoOtherBaseline());
  });

  it('another INSERT after the job', async () => {
    const sp = await savepointEvo();
    outputAtSavepoint('evo', 'evo-after');
    const r = await runSession(evoScript({ rate: 0, out: 'evo-after' }, EVO_QUERY, EVO_OTHER), 'evo', {
      fromSavepoint: sp.location,
    });
    expect(r.ok, r.err.join('\n')).toBe(true);
    expect(r.err.join('\n')).toContain(`job 'evo-1' restores from savepoint ${sp.location}`);
    expect(rowsOf(evoOut('evo-after'))).toEqual(rowsOf(await evoBaseline()));
    expect(rowsOf(evoOut2('evo-after'))).toEqual(await evoOtherBaseline());
  });

  it('reordered statements: a folder of savepoints restores each job from its own', async () => {
    // Both jobs, stopped with savepoints into one folder.
    const spDir = path.join(dir, 'evo-two-savepoints');
    const session = new Session({ scriptName: 'evo', ...io(logs()) });
    expect(await session.runScript('evo.sql', evoScript({ out: 'evo-two' }, EVO_QUERY, EVO_OTHER))).toBe(
      true,
    );
    await Promise.all(session.jobs.map((j) => produced(j, 900)));
    const sps = [];
    for (const j of session.jobs) sps.push(await j.stopWithSavepoint(spDir));
    expect(await session.awaitJobs()).toBe(false);
    for (const sp of sps) expectMidStream(sp.metadata, { src: SRC_ROWS });

    const r = await runSession(evoScript({ rate: 0, out: 'evo-two' }, EVO_OTHER, EVO_QUERY), 'evo', {
      fromSavepoint: spDir,
    });
    expect(r.ok, r.err.join('\n')).toBe(true);
    expect(r.err.join('\n')).toContain(`job 'evo-1' restores from savepoint ${sps[1]!.location}`);
    expect(r.err.join('\n')).toContain(`job 'evo-2' restores from savepoint ${sps[0]!.location}`);
    expect(rowsOf(evoOut('evo-two'))).toEqual(rowsOf(await evoBaseline()));
    expect(rowsOf(evoOut2('evo-two'))).toEqual(await evoOtherBaseline());
  });
});

describe('query evolution: incompatible edits fail naming the operator, or start it empty when told to', () => {
  const incompatible = [
    {
      what: 'another aggregate function (MAX instead of SUM)',
      query: `INSERT INTO out SELECT k, COUNT(*), MAX(v) FROM src GROUP BY k;`,
    },
    {
      what: 'another GROUP BY key type (INT cast to BIGINT)',
      query: `INSERT INTO out SELECT CAST(k AS BIGINT), COUNT(*), SUM(v) FROM src GROUP BY CAST(k AS BIGINT);`,
    },
    {
      what: 'another GROUP BY column',
      query: `INSERT INTO out SELECT v, COUNT(*), SUM(v) FROM src GROUP BY v;`,
    },
  ];

  for (const c of incompatible) {
    it(`${c.what}: the restore fails naming the old and the new operator`, async () => {
      const sp = await savepointEvo();
      const old = await savedAggregate();
      const job = jobOf(evoScript({ rate: 0, out: 'evo-bad' }, c.query), 'evo');
      const fresh = { uid: uidOf(job, 'groupAggregate'), name: nameOf(job, 'groupAggregate') };
      expect(fresh.uid).not.toBe(old.uid);

      const err = await startJob(job, {
        ...io(logs()),
        recovery: { kind: 'savepoint', path: sp.location },
      }).then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      expect(err).toBeDefined();
      expect(err).toContain(`${old.uid} (${old.name}) is not claimed`);
      expect(err).toContain(`${fresh.uid} (${fresh.name}) is new`);
      expect(err).toContain(`'execution.state-recovery.ignore-unclaimed-state' = 'true'`);

      const explained = await explainRestore(
        evoScript({ out: 'evo-bad' }, `EXPLAIN RESTORE FROM '${sp.location}' ${c.query}`),
      );
      expect(explained.lines).toContainEqual(['NEW', fresh.uid]);
      expect(explained.lines).toContainEqual(['UNCLAIMED', old.uid]);
      expect(explained.lines).toContainEqual(['RESTORED', uidOf(job, 'source')]);
      expect(explained.text).toContain(`The restore would fail: ${old.uid} (${old.name}) is not claimed`);
    });
  }

  it('with ignore-unclaimed-state the new aggregate starts empty while the sources go on from the savepoint', async () => {
    const sp = await savepointEvo();
    const old = await savedAggregate();
    const before = await countsAtSavepoint();
    const baseline = await evoBaseline();
    const settings = `SET 'execution.state-recovery.ignore-unclaimed-state' = 'true';`;
    for (const [i, c] of incompatible.slice(0, 2).entries()) {
      const explained = await explainRestore(
        evoScript({ out: 'evo-bad', settings }, `EXPLAIN RESTORE FROM '${sp.location}' ${c.query}`),
      );
      expect(explained.lines).toContainEqual(['UNCLAIMED', old.uid]);
      expect(explained.text).toContain('The restore would succeed.');

      const out = `evo-ignore-${i}`;
      outputAtSavepoint('evo', out);
      await runToEnd(jobOf(evoScript({ rate: 0, out, settings }, c.query), 'evo'), {
        kind: 'savepoint',
        path: sp.location,
      });
      // Counts start from zero at the savepoint: what the uninterrupted run counted minus what came before.
      const after = evoOut(out, false);
      const expected = [...baseline].map(([k, r]) => [k, (r['n'] as number) - (before.get(k) ?? 0)]);
      expect([...after].map(([k, r]) => [k, r['n']]).sort()).toEqual(expected.sort());
    }
  });
});

// ───────────────────────────── 3. moved and damaged savepoints ─────────────────────────────

/** The message a start from `location` fails with (the test fails when it starts). */
async function restoreError(job: CompiledJob, location: string): Promise<string> {
  const log = logs();
  const h = await startJob(job, { ...io(log), recovery: { kind: 'savepoint', path: location } }).catch(
    (e: unknown) => e,
  );
  if (!(h instanceof Error)) {
    await (h as JobHandle).cancel();
    throw new Error(`the job started from ${location}:\n${log.err.join('\n')}`);
  }
  return h.message;
}

/** A copy of the evolution savepoint and the path of its aggregate's keyed state file. */
async function copyOfEvoSavepoint(name: string): Promise<{ location: string; file: string }> {
  const sp = await savepointEvo();
  const location = path.join(dir, 'damaged', name);
  fs.cpSync(sp.location, location, { recursive: true });
  const op = sp.metadata.operators.find((o) => o.kind === 'groupAggregate')!;
  const keyed = op.subtasks[0]!.keyed!;
  expect(fs.statSync(path.join(location, keyed.path)).size).toBe(keyed.size);
  return { location, file: path.join(location, keyed.path) };
}

describe('moved and damaged savepoints', () => {
  it('a savepoint folder moved and renamed restores (its paths are relative)', async () => {
    const sp = await savepointB();
    const moved = path.join(dir, 'elsewhere', 'deeper', 'my-savepoint');
    fs.mkdirSync(path.dirname(moved), { recursive: true });
    fs.cpSync(sp.location, `${moved}.tmp`, { recursive: true });
    fs.renameSync(`${moved}.tmp`, moved);
    // The original is out of the way while the moved copy restores: nothing may still point at it.
    const hidden = `${sp.location}.away`;
    fs.renameSync(sp.location, hidden);
    try {
      outputAtSavepoint('b', 'b-moved');
      const job = jobOf(joinScript({ backend: 'hashmap', parallelism: 2, rate: 0, out: 'b-moved' }), 'join');
      const log = await runToEnd(job, { kind: 'savepoint', path: moved });
      expect(log.err.join('\n')).toContain(`restores from savepoint ${moved}`);
    } finally {
      fs.renameSync(hidden, sp.location);
    }
    expect(rowsOf(byCustomer('b-moved'))).toEqual(await joinBaseline());
  });

  it('a state file with flipped bytes fails the restore naming the file', async () => {
    const { location, file } = await copyOfEvoSavepoint('flipped');
    const bytes = fs.readFileSync(file);
    for (const i of [Math.floor(bytes.length / 2), bytes.length - 1]) bytes[i] = bytes[i]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const job = jobOf(evoScript({ rate: 0, out: 'evo-damaged' }, EVO_QUERY), 'evo');
    expect(await restoreError(job, location)).toMatch(
      new RegExp(`state file ${file} is corrupt: checksum [0-9a-f]+, _metadata says [0-9a-f]+`),
    );

    // The same through the CLI: exit status 1 and the file named.
    const script = path.join(dir, 'damaged', 'evo.sql');
    fs.writeFileSync(script, evoScript({ rate: 0, out: 'evo-damaged' }, EVO_QUERY));
    const r = spawnSync(process.execPath, [WEIR_BIN, 'run', script, '--from-savepoint', location], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`state file ${file} is corrupt`);
  });

  it('a truncated state file fails the restore naming the file', async () => {
    const { location, file } = await copyOfEvoSavepoint('truncated');
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size / 2));
    const job = jobOf(evoScript({ rate: 0, out: 'evo-damaged' }, EVO_QUERY), 'evo');
    expect(await restoreError(job, location)).toContain(
      `state file ${file} is truncated or corrupt: ${Math.floor(size / 2)} bytes, _metadata says ${size}`,
    );
  });

  it('a damaged _metadata fails the restore naming it', async () => {
    const { location } = await copyOfEvoSavepoint('bad-metadata');
    const metadata = path.join(location, '_metadata');
    fs.writeFileSync(metadata, fs.readFileSync(metadata, 'utf8').slice(0, 100));
    const job = jobOf(evoScript({ rate: 0, out: 'evo-damaged' }, EVO_QUERY), 'evo');
    expect(await restoreError(job, location)).toContain(`${metadata} is corrupt: not valid JSON`);
  });

  it("another 'pipeline.max-parallelism' fails the restore and says why", async () => {
    const sp = await savepointEvo();
    expect(sp.metadata.maxParallelism).toBe(128);
    const settings = `SET 'pipeline.max-parallelism' = '64';`;
    const job = jobOf(evoScript({ rate: 0, out: 'evo-damaged', settings }, EVO_QUERY), 'evo');
    const why =
      "the savepoint was taken with max parallelism 128, the job has 64 ('pipeline.max-parallelism' must not change: key groups would move)";
    expect(await restoreError(job, sp.location)).toBe(`cannot restore: ${why}`);
    const explained = await explainRestore(
      evoScript({ out: 'evo-damaged', settings }, `EXPLAIN RESTORE FROM '${sp.location}' ${EVO_QUERY}`),
    );
    expect(explained.text).toContain(`The restore would fail: ${why}`);
  });
});
