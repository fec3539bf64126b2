// Interval joins: the operator's bounds, cleanup and lateness at exact watermarks, then jobs against DuckDB,
// at parallelism 2, through a failure and restore, and with bounded state over 1M rows a side.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledJob } from '../../compiler/index';
import { call, inputRef } from '../../compiler/rex';
import { T } from '../../compiler/types';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { type EngineEnvironment, type JobRunner, runJob } from '../../runtime/engine';
import type { Row } from '../../runtime/messages';
import { registerNodeConnectors } from '../../runtime/node/connectors/index';
import type { OperatorContext, Output } from '../../runtime/operator';
import { IntervalJoinOperator, type IntervalJoinSpec } from '../../runtime/operators/interval-join';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { decodeKeyGroups, encodeKeyGroups } from '../../runtime/state/snapshot-format';
import { committedRows, prng } from '../e2e/crash-harness';
import { compileJob, steppedClock } from '../support/jobs';
import { operatorContext } from '../support/operator-context';

const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

// ───────────────────────────── the operator alone ─────────────────────────────

/** Left and right rows are [k, ts, id]; the join's output is [k, ts, id, k, ts, id]. */
function spec(o: Partial<IntervalJoinSpec> = {}): IntervalJoinSpec {
  return {
    kind: 'intervalJoin',
    joinType: 'INNER',
    leftKeys: [0],
    rightKeys: [0],
    leftTime: 1,
    rightTime: 1,
    lowerBound: -4000,
    lowerInclusive: true,
    upperBound: 5000,
    upperInclusive: true,
    leftWidth: 3,
    rightWidth: 3,
    ...o,
  };
}

const RANGE = { start: 0, end: 127 };

class Harness implements Output {
  readonly rows: Row[] = [];
  readonly watermarks: number[] = [];
  readonly backend = new HeapKeyedStateBackend(RANGE);
  readonly ctx: OperatorContext;
  readonly op: IntervalJoinOperator;

  constructor(s: IntervalJoinSpec, restored?: { watermark: number }) {
    this.ctx = operatorContext(this.backend, [false, false], { keyGroupRange: RANGE });
    this.op = new IntervalJoinOperator(s);
    this.restored = restored;
  }

  private readonly restored: { watermark: number } | undefined;

  /** Opens the operator (after `backend.restore` when restoring). */
  async open(): Promise<this> {
    const w = this.restored?.watermark;
    await this.op.open(this.ctx, w === undefined ? undefined : { checkpointId: 1, own: w, all: [w] });
    return this;
  }

  emit(batch: { rows: Row[] }): void {
    this.rows.push(...batch.rows);
  }

  emitWatermark(timestamp: number): void {
    this.watermarks.push(timestamp);
  }

  left(...rows: Row[]): this {
    this.op.processBatch(0, { rows, kinds: undefined }, this);
    return this;
  }

  right(...rows: Row[]): this {
    this.op.processBatch(1, { rows, kinds: undefined }, this);
    return this;
  }

  watermark(w: number): this {
    this.op.processWatermark(w, this);
    return this;
  }

  /** Output rows as `leftId/rightId` (`-` for a NULL side), in emission order; clears them. */
  take(): string[] {
    const out = this.rows.map((r) => `${(r[2] as string | null) ?? '-'}/${(r[5] as string | null) ?? '-'}`);
    this.rows.length = 0;
    return out;
  }

  /** Stored rows per side. */
  stored(): [number, number] {
    const count = (name: string) => {
      let n = 0;
      const t = this.backend.table<unknown[]>(name);
      for (let kg = RANGE.start; kg <= RANGE.end; kg++)
        for (const [, v] of t.entries(kg)) n += (v.length - 1) / 3;
      return n;
    };
    return [count('left'), count('right')];
  }
}

describe('IntervalJoinOperator', () => {
  it('matches exactly within right.ts + lower ≤ left.ts ≤ right.ts + upper, inclusive or not', async () => {
    const h = await new Harness(spec()).open();
    h.left([1, 10_000, 'L']);
    // left − right: 5001 (too old), 5000, −4000, −4001 (too new); another key never matches.
    h.right([1, 4999, 'a'], [1, 5000, 'b'], [1, 14_000, 'c'], [1, 14_001, 'd'], [2, 10_000, 'e']);
    expect(h.take()).toEqual(['L/b', 'L/c']);

    const x = await new Harness(spec({ lowerInclusive: false, upperInclusive: false })).open();
    x.right([1, 4999, 'a'], [1, 5000, 'b'], [1, 5001, 'c'], [1, 13_999, 'd'], [1, 14_000, 'e']);
    x.left([1, 10_000, 'L']);
    expect(x.take()).toEqual(['L/c', 'L/d']);
  });

  it('applies the residual condition to the left-then-right row', async () => {
    // $2 < $5: the left id sorts before the right id.
    const cond = call('<', [inputRef(2, T.string()), inputRef(5, T.string())], T.boolean());
    const h = await new Harness(spec({ condition: cond })).open();
    h.left([1, 10_000, 'b']).right([1, 10_000, 'a'], [1, 10_000, 'c']);
    expect(h.take()).toEqual(['b/c']);
  });

  it('drops a left row when the watermark passes ts − lower, a right row when it passes ts + upper', async () => {
    // lower −4000, upper 5000: left 10000 can meet right rows up to 14000; right 10000 left rows up to 15000.
    const h = await new Harness(spec()).open();
    h.left([1, 9000, 'L0'], [1, 10_000, 'L']).right([1, 10_000, 'R']);
    expect(h.take()).toEqual(['L0/R', 'L/R']);
    h.watermark(13_000);
    expect(h.stored()).toEqual([2, 1]);
    h.watermark(14_000); // L0 (until 13000) goes, L (until 14000) stays
    expect(h.stored()).toEqual([1, 1]);
    // The last right row that can arrive at watermark 14000 is at 14000: it still meets L.
    h.right([1, 14_000, 'R2']);
    expect(h.take()).toEqual(['L/R2']);
    h.watermark(14_001);
    expect(h.stored()).toEqual([0, 2]);
    h.watermark(15_000);
    expect(h.stored()).toEqual([0, 2]);
    h.left([1, 15_000, 'L2']); // the last left row R can meet (and R2 too)
    expect(h.take()).toEqual(['L2/R', 'L2/R2']);
    h.watermark(15_001);
    expect(h.stored()).toEqual([1, 1]); // L2 until 19000, R2 until 19000
    h.watermark(19_001);
    expect(h.stored()).toEqual([0, 0]);
    expect(h.backend.numEntries()).toBe(0);
    expect(h.ctx.metrics.lateRecords).toBe(0);
  });

  it('counts a row late only when nothing stored or to come can match it', async () => {
    const h = await new Harness(spec()).open();
    h.right([1, 15_000, 'R']); // kept until the watermark passes 20000
    h.watermark(20_000);
    // Stored right rows are at ≥ 20000 − 5000; a left row at l can meet right rows up to l + 4000.
    h.left([1, 11_000, 'on-time-enough'], [1, 10_999, 'late']);
    expect(h.take()).toEqual(['on-time-enough/R']);
    expect(h.ctx.metrics.lateRecords).toBe(1);
    expect(h.stored()).toEqual([0, 1]); // neither left row is kept: no right row at ≥ 20000 can meet it
    // Right rows: stored left rows are at ≥ W − 4000; a right row at r meets left rows up to r + 5000.
    h.left([1, 16_000, 'L']);
    h.right([1, 11_000, 'r-ok'], [1, 10_999, 'r-late']);
    expect(h.take()).toEqual(['L/R', 'L/r-ok']);
    expect(h.ctx.metrics.lateRecords).toBe(2);
  });

  it('holds the output watermark back by max(−lower, upper), and passes the end of input through', async () => {
    const h = await new Harness(spec()).open();
    h.watermark(10_000).watermark(10_000).watermark(12_000).watermark(MAX_WATERMARK);
    expect(h.watermarks).toEqual([5000, 7000, MAX_WATERMARK]);
    const n = await new Harness(spec({ lowerBound: -6000, upperBound: -2000 })).open();
    n.watermark(10_000);
    expect(n.watermarks).toEqual([4000]);
  });

  it('LEFT, RIGHT and FULL: a row that never joined comes out padded once its interval has passed', async () => {
    for (const joinType of ['LEFT', 'RIGHT', 'FULL'] as const) {
      const h = await new Harness(spec({ joinType })).open();
      h.left([1, 10_000, 'L1'], [2, 10_000, 'L2'], [null, 10_000, 'Lnull']);
      h.right([1, 12_000, 'R1'], [3, 12_000, 'R3']);
      const early = h.take();
      h.watermark(14_000);
      expect(h.take(), joinType).toEqual([]); // L2 could still meet a right row at 14000
      h.watermark(14_001);
      const mid = h.take();
      h.watermark(MAX_WATERMARK);
      const end = h.take();
      const left = joinType !== 'RIGHT';
      const right = joinType !== 'LEFT';
      expect(early, joinType).toEqual([...(left ? ['Lnull/-'] : []), 'L1/R1']);
      expect(mid, joinType).toEqual(left ? ['L2/-'] : []);
      expect(end, joinType).toEqual(right ? ['-/R3'] : []);
      expect(h.backend.numEntries(), joinType).toBe(0);
    }
  });

  it('restores from a msgpack snapshot: the same output as without it, and cleanup resumes', async () => {
    const rnd = prng(7);
    const events: { side: number; row: Row }[] = [];
    for (let i = 0; i < 400; i++)
      events.push({
        side: rnd() < 0.5 ? 0 : 1,
        row: [Math.floor(rnd() * 5), i * 100 - Math.floor(rnd() * 900), `${i}`],
      });
    const feed = (h: Harness, from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const e = events[i]!;
        if (e.side === 0) h.left(e.row);
        else h.right(e.row);
        if (i % 10 === 9) h.watermark(i * 100 - 1000);
      }
    };
    for (const joinType of ['INNER', 'FULL'] as const) {
      const whole = await new Harness(spec({ joinType })).open();
      feed(whole, 0, events.length);
      whole.watermark(MAX_WATERMARK);

      const first = await new Harness(spec({ joinType })).open();
      feed(first, 0, 200);
      const snap = first.backend.snapshot(1, true);
      const bytes = await encodeKeyGroups(snap.keyGroups());
      snap.release();
      const watermark = first.op.snapshotState() as number;
      expect(watermark).toBe(199 * 100 - 1000);
      const second = new Harness(spec({ joinType }), { watermark });
      second.backend.restore(decodeKeyGroups(bytes, 'snapshot'));
      await second.open();
      expect(second.stored()).toEqual(first.stored());
      // Event time went on from the snapshot's watermark: a row far behind it is late.
      second.left([0, 0, 'late']);
      expect(second.ctx.metrics.lateRecords).toBe(1);
      expect(second.take()).toEqual(joinType === 'FULL' ? ['late/-'] : []); // as in Flink: padded at once
      feed(second, 200, events.length);
      second.watermark(MAX_WATERMARK);
      expect([...first.take(), ...second.take()].sort()).toEqual(whole.take().sort());
      expect(second.backend.numEntries()).toBe(0);
    }
  });
});

// ───────────────────────────── jobs ─────────────────────────────

/** 2024-01-01T00:00:00Z. */
const T0 = Date.UTC(2024, 0, 1);

interface Input {
  readonly id: number;
  readonly k: number | null;
  readonly v: number;
  readonly ts: number;
}

/**
 * Rows `step` ms apart on average, each up to 900 ms before its slot: out of order, but never behind the
 * watermark (max ts − 1 s); about 8% repeat the row before them exactly; keys 0..29 and some NULLs.
 */
function generate(n: number, step: number, seed: number): Input[] {
  const rnd = prng(seed);
  const rows: Input[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && rnd() < 0.08) {
      rows.push({ ...rows[i - 1]! });
      continue;
    }
    rows.push({
      id: i,
      k: rnd() < 0.03 ? null : Math.floor(rnd() * 30),
      v: Math.floor(rnd() * 100),
      ts: T0 + i * step - Math.floor(rnd() * 900),
    });
  }
  return rows;
}

interface JoinCase {
  readonly name: string;
  /** The join, in weir's SQL, over `l` (id, k, v, ts) and `r` (id, k, w, ts). */
  readonly sql: string;
  /** The same in DuckDB's, where ts is epoch milliseconds. */
  readonly duck: string;
}

const COLS = 'l.id, r.id, l.v, r.w';

const CASES: readonly JoinCase[] = [
  {
    name: 'BETWEEN with a negative lower bound',
    sql: `SELECT ${COLS} FROM l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '4' SECOND AND r.ts + INTERVAL '5' SECOND`,
    duck: `SELECT ${COLS} FROM l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - 4000 AND r.ts + 5000`,
  },
  {
    name: '>= and < in WHERE',
    sql: `SELECT ${COLS} FROM l, r WHERE l.k = r.k AND r.ts >= l.ts AND r.ts < l.ts + INTERVAL '3' SECOND`,
    duck: `SELECT ${COLS} FROM l, r WHERE l.k = r.k AND r.ts >= l.ts AND r.ts < l.ts + 3000`,
  },
  {
    name: 'both bounds negative',
    sql: `SELECT ${COLS} FROM l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '6' SECOND AND r.ts - INTERVAL '2' SECOND`,
    duck: `SELECT ${COLS} FROM l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - 6000 AND r.ts - 2000`,
  },
  {
    name: 'both bounds positive, strict, and a residual condition',
    sql: `SELECT ${COLS} FROM l JOIN r ON l.k = r.k AND l.ts > r.ts + INTERVAL '0.5' SECOND AND l.ts <= r.ts + INTERVAL '3' SECOND AND l.v < r.w`,
    duck: `SELECT ${COLS} FROM l JOIN r ON l.k = r.k AND l.ts > r.ts + 500 AND l.ts <= r.ts + 3000 AND l.v < r.w`,
  },
  {
    name: 'no equality key (one subtask)',
    sql: `SELECT ${COLS} FROM l JOIN r ON l.ts BETWEEN r.ts AND r.ts + INTERVAL '0.1' SECOND`,
    duck: `SELECT ${COLS} FROM l JOIN r ON l.ts BETWEEN r.ts AND r.ts + 100`,
  },
  {
    name: 'LEFT JOIN',
    sql: `SELECT ${COLS} FROM l LEFT JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '1' SECOND AND r.ts + INTERVAL '1' SECOND`,
    duck: `SELECT ${COLS} FROM l LEFT JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - 1000 AND r.ts + 1000`,
  },
  {
    name: 'RIGHT JOIN',
    sql: `SELECT ${COLS} FROM l RIGHT JOIN r ON l.k = r.k AND r.ts >= l.ts AND r.ts < l.ts + INTERVAL '2' SECOND`,
    duck: `SELECT ${COLS} FROM l RIGHT JOIN r ON l.k = r.k AND r.ts >= l.ts AND r.ts < l.ts + 2000`,
  },
  {
    name: 'FULL JOIN with a residual condition',
    sql: `SELECT ${COLS} FROM l FULL JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '2' SECOND AND r.ts + INTERVAL '1' SECOND AND l.v > r.w`,
    duck: `SELECT ${COLS} FROM l FULL JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - 2000 AND r.ts + 1000 AND l.v > r.w`,
  },
];

let dir = '';
let duckdb: DuckDBInstance | undefined;
let duck: DuckDBConnection | undefined;
let runCounter = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-interval-join-'));
  duckdb = await DuckDBInstance.create(':memory:', { threads: '1' });
  duck = await duckdb.connect();
});

afterAll(() => {
  duck?.closeSync();
  duckdb?.closeSync();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes `l` and `r` as two files each, split by time (so that one subtask reading both in name order sees them
 * in order, and two subtasks one each), and loads them into DuckDB.
 */
async function writeTables(name: string, l: readonly Input[], r: readonly Input[]): Promise<string> {
  const root = path.join(dir, name);
  for (const [table, rows, col] of [
    ['l', l, 'v'],
    ['r', r, 'w'],
  ] as const) {
    const folder = path.join(root, table);
    fs.mkdirSync(folder, { recursive: true });
    const lines = rows.map((x) => JSON.stringify({ id: x.id, k: x.k, [col]: x.v, ts: x.ts }));
    const half = Math.floor(lines.length / 2);
    fs.writeFileSync(path.join(folder, 'part-1.jsonl'), lines.slice(0, half).join('\n') + '\n');
    fs.writeFileSync(path.join(folder, 'part-2.jsonl'), lines.slice(half).join('\n') + '\n');
    await duck!.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_json('${folder}/*.jsonl',
      format = 'newline_delimited', columns = {id: 'BIGINT', k: 'BIGINT', ${col}: 'BIGINT', ts: 'BIGINT'})`);
  }
  return root;
}

function script(root: string, query: string, settings = ''): string {
  const table = (name: string, col: string) => `
    CREATE TABLE ${name} (id BIGINT, k BIGINT, ${col} BIGINT, ts TIMESTAMP(3),
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(root, name)}', 'format' = 'json');`;
  return `
    ${settings}
    ${table('l', 'v')}
    ${table('r', 'w')}
    CREATE TABLE sink (lid BIGINT, rid BIGINT, v BIGINT, w BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(root, 'out', String(++runCounter))}', 'format' = 'changelog-json');
    INSERT INTO sink ${query};`;
}

function compile(sql: string): CompiledJob {
  return compileJob(sql, 'interval-join');
}

interface Run {
  readonly runner: JobRunner;
  /** Committed rows (JSON arrays) with their multiplicities; every one MUST be an insert. */
  readonly rows: Map<string, number>;
  readonly logs: string[];
}

async function run(
  job: CompiledJob,
  env: Partial<EngineEnvironment> = {},
  holder: { runner?: JobRunner } = {},
): Promise<Run> {
  const logs: string[] = [];
  const runner = await runJob(job, {
    connectors: registerNodeConnectors(builtinConnectors()),
    storage: new MemoryCheckpointStorage(),
    print: () => {},
    log: (m) => logs.push(m),
    ...env,
  });
  holder.runner = runner;
  expect(await runner.done, logs.join('\n')).toEqual({ status: 'FINISHED' });
  const sink = job.graph.operators.find((o) => o.spec.kind === 'sink')!.spec;
  const out =
    sink.kind === 'sink' && sink.target.kind === 'table' ? sink.target.table.options['path'] : undefined;
  const rows = new Map<string, number>();
  if (out === undefined) return { runner, rows, logs };
  for (const f of fs.readdirSync(out).filter((x) => x.startsWith('part-')))
    for (const line of fs.readFileSync(path.join(out, f), 'utf8').split('\n'))
      if (line) expect((JSON.parse(line) as { op: string }).op).toBe('+I');
  for (const [data, n] of committedRows(out)) {
    const key = JSON.stringify(Object.values(JSON.parse(data) as object));
    rows.set(key, (rows.get(key) ?? 0) + n);
  }
  return { runner, rows, logs };
}

async function oracle(sql: string): Promise<Map<string, number>> {
  const reader = await duck!.runAndReadAll(sql);
  const rows = new Map<string, number>();
  for (const r of reader.getRowsJS()) {
    const key = JSON.stringify(r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    rows.set(key, (rows.get(key) ?? 0) + 1);
  }
  return rows;
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('interval join jobs', () => {
  for (const parallelism of [1, 2]) {
    it(`equal DuckDB's result at parallelism ${parallelism}`, async () => {
      const root = await writeTables(`p${parallelism}`, generate(3000, 37, 11), generate(2500, 44, 12));
      for (const c of CASES) {
        const job = compile(script(root, c.sql, `SET 'parallelism.default' = '${parallelism}';`));
        const op = job.graph.operators.find((o) => o.name.startsWith('IntervalJoin'));
        expect(op, c.name).toBeDefined();
        const { rows, runner } = await run(job);
        const want = await oracle(c.duck);
        expect(total(want), c.name).toBeGreaterThan(100);
        expect(rows, c.name).toEqual(want);
        const m = runner.metrics();
        expect(m.lateRecords, c.name).toBe(0);
        expect(m.stateEntries, c.name).toBe(0);
      }
    }, 60_000);
  }

  it('a failure after a completed checkpoint: the same result as a failure-free run', async () => {
    const ROWS = 12_000; // a side
    const root = await writeTables('failover', generate(ROWS, 37, 21), generate(ROWS, 37, 22));
    const settings = `
      SET 'parallelism.default' = '2';
      SET 'weir.batch-size' = '32';
      SET 'execution.checkpointing.interval' = '5 ms';
      SET 'restart-strategy.type' = 'fixed-delay';
      SET 'restart-strategy.fixed-delay.attempts' = '1';
      SET 'restart-strategy.fixed-delay.delay' = '0 ms';`;
    // Time is injected (1 ms per task step): checkpoints land mid-stream however fast or loaded the machine is.
    for (const c of [CASES[0]!, CASES[7]!]) {
      const cleanTime = steppedClock();
      const clean = await run(compile(script(root, c.sql, settings)), {
        clock: cleanTime.clock,
        beforeStep: cleanTime.tick,
      });
      expect(clean.runner.metrics().restarts).toBe(0);
      const holder: { runner?: JobRunner } = {};
      let entriesAtFailure = -1;
      const time = steppedClock();
      const failed = await run(
        compile(script(root, c.sql, settings)),
        {
          clock: time.clock,
          beforeStep: (task, attempt) => {
            time.tick();
            const r = holder.runner;
            if (attempt > 0 || entriesAtFailure >= 0 || r === undefined) return;
            if (!task.members.some((m) => m.ctx.operator.spec.kind === 'intervalJoin')) return;
            if (!r.checkpoints().some((x) => x.status === 'COMPLETED')) return;
            const m = r.metrics();
            if (m.recordsIn >= ROWS || m.stateEntries === 0) return; // mid-stream, rows in state
            entriesAtFailure = m.stateEntries;
            throw new Error('injected failure');
          },
        },
        holder,
      );
      console.log(
        `interval join failover (${c.name}): failed with ${entriesAtFailure} live state entries, ` +
          `${total(clean.rows)} rows either way`,
      );
      expect(entriesAtFailure, c.name).toBeGreaterThan(0);
      expect(failed.runner.metrics().restarts, c.name).toBe(1);
      expect(
        failed.logs.some((l) => /restarting .* from checkpoint \d+/.test(l)),
        c.name,
      ).toBe(true);
      expect(failed.rows, c.name).toEqual(clean.rows);
      expect(clean.rows, c.name).toEqual(await oracle(c.duck));
    }
  }, 60_000);

  it('keeps state bounded: 1M rows a side, every one joined, few rows live at any time', async () => {
    const ROWS = 1_000_000;
    const table = (name: string, seed: number) => `
      CREATE TABLE ${name} (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
        WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}', 'rows-per-second' = '0', 'seed' = '${seed}',
              'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '${ROWS - 1}',
              'fields.ts.max-past' = '500');`;
    // Row i of either side is at 1 ms × i minus up to 500 ms: each id meets its partner (|Δ| < 2 s) only.
    const job = compile(`
      SET 'weir.batch-size' = '1024';
      SET 'parallelism.default' = '2';
      ${table('a', 1)}
      ${table('b', 2)}
      CREATE TABLE joined (id BIGINT, d BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO joined SELECT a.id, b.id FROM a JOIN b
        ON a.id = b.id AND a.ts BETWEEN b.ts - INTERVAL '2' SECOND AND b.ts + INTERVAL '2' SECOND;`);
    const holder: { runner?: JobRunner } = {};
    let maxEntries = 0;
    let steps = 0;
    const started = Date.now();
    const { runner } = await run(
      job,
      {
        connectors: builtinConnectors(),
        beforeStep: () => {
          if (holder.runner === undefined || steps++ % 8 !== 0) return;
          maxEntries = Math.max(maxEntries, holder.runner.metrics().stateEntries);
        },
      },
      holder,
    );
    const m = runner.metrics();
    console.log(
      `interval join bounded state: ${ROWS} rows a side in ${Date.now() - started} ms; ` +
        `max live state entries ${maxEntries} (a regular join would hold ${2 * ROWS}); ${m.recordsOut} joined rows`,
    );
    expect(m.recordsOut).toBe(ROWS);
    expect(m.lateRecords).toBe(0);
    expect(maxEntries).toBeGreaterThan(0);
    // Rows live for about 2 s (bound) + 1 s (watermark delay) + 0.5 s (disorder) at 1 row/ms a side, plus the
    // rows in flight between the sources; far below the 2M a regular join would keep.
    expect(maxEntries).toBeLessThan(30_000);
    expect(m.stateEntries).toBe(0);
  }, 120_000);
});
