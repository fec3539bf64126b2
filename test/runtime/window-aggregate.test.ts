// Window aggregation end to end: TUMBLE/HOP/CUMULATE/SESSION jobs over JSON files, late rows, parallelism, failover, bounded state.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompiledJob } from '../../compiler/index';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { type EngineEnvironment, type JobRunner, runJob } from '../../runtime/engine';
import { registerNodeConnectors } from '../../runtime/node/connectors/index';
import type { KeyedStateBackend } from '../../runtime/state/backend';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { prng } from '../e2e/crash-harness';
import { compileJob, steppedClock } from '../support/jobs';

/** 2024-01-01T00:00:00Z: a multiple of every window size used here. */
const T0 = Date.UTC(2024, 0, 1);
const S = 1000;

interface Event {
  readonly k: string;
  readonly v: number;
  readonly ts: number;
}

let dir = '';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-window-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes the input: one JSON-lines file per group of events (a folder source reads them in name order). */
function writeInput(files: readonly (readonly Event[])[]): void {
  const folder = path.join(dir, 'in');
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  files.forEach((events, i) =>
    fs.writeFileSync(
      path.join(folder, `part-${i}.jsonl`),
      events.map((e) => JSON.stringify({ k: e.k, v: e.v, ts: e.ts })).join('\n') + '\n',
    ),
  );
}

const SINK_COLUMNS = 'k STRING, ws TIMESTAMP(3), we TIMESTAMP(3), c BIGINT, s BIGINT, m BIGINT';

function windowQuery(tvf: string): string {
  return `SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v)
    FROM TABLE(${tvf}) GROUP BY k, window_start, window_end`;
}

const TUMBLE = windowQuery(`TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '5' SECOND)`);
const HOP = windowQuery(`HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)`);
const CUMULATE = windowQuery(
  `CUMULATE(TABLE events, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)`,
);
const SESSION = windowQuery(`SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), INTERVAL '2' SECOND)`);

interface ScriptOptions {
  readonly parallelism?: number;
  readonly batchSize?: number;
  readonly settings?: string;
  readonly sinkColumns?: string;
}

function script(query: string, o: ScriptOptions = {}): string {
  return `
    SET 'parallelism.default' = '${o.parallelism ?? 1}';
    SET 'weir.batch-size' = '${o.batchSize ?? 64}';
    ${o.settings ?? ''}
    CREATE TABLE events (k STRING, v BIGINT, ts TIMESTAMP(3), p AS PROCTIME(),
        WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(dir, 'in')}', 'format' = 'json');
    CREATE TABLE results (${o.sinkColumns ?? SINK_COLUMNS})
      WITH ('connector' = 'filesystem', 'path' = '${path.join(dir, 'out')}', 'format' = 'changelog-json');
    INSERT INTO results ${query};`;
}

function compile(sql: string): CompiledJob {
  return compileJob(sql);
}

interface Run {
  readonly runner: JobRunner;
  /** Committed result rows as JSON arrays (timestamps as epoch ms), sorted. */
  readonly rows: string[];
  readonly logs: string[];
}

/** Runs the job to completion; every committed row MUST be an insert. */
async function run(
  sql: string,
  env: Partial<EngineEnvironment> = {},
  holder: { runner?: JobRunner } = {},
): Promise<Run> {
  fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  const logs: string[] = [];
  const runner = await runJob(compile(sql), {
    connectors: registerNodeConnectors(builtinConnectors()),
    storage: new MemoryCheckpointStorage(),
    print: () => {},
    log: (m) => logs.push(m),
    ...env,
  });
  holder.runner = runner;
  expect(await runner.done).toEqual({ status: 'FINISHED' });
  return { runner, rows: committed(path.join(dir, 'out')), logs };
}

function committed(folder: string): string[] {
  const rows: string[] = [];
  for (const f of fs
    .readdirSync(folder)
    .filter((x) => x.startsWith('part-'))
    .sort()) {
    for (const line of fs.readFileSync(path.join(folder, f), 'utf8').split('\n')) {
      if (!line) continue;
      const { op, data } = JSON.parse(line) as { op: string; data: Record<string, unknown> };
      expect(op).toBe('+I');
      rows.push(
        JSON.stringify(
          Object.values(data).map((v) =>
            typeof v === 'string' && /^\d{4}-\d\d-\d\d /.test(v) ? Date.parse(v.replace(' ', 'T') + 'Z') : v,
          ),
        ),
      );
    }
  }
  return rows.sort();
}

// ───────────────────────────── oracles ─────────────────────────────

type Assign = (ts: number) => [number, number][];

const tumble =
  (size: number): Assign =>
  (ts) => {
    const s = Math.floor(ts / size) * size;
    return [[s, s + size]];
  };

const hop =
  (slide: number, size: number): Assign =>
  (ts) => {
    const out: [number, number][] = [];
    for (let s = Math.floor(ts / slide) * slide; s > ts - size; s -= slide) out.push([s, s + size]);
    return out;
  };

const cumulate =
  (step: number, size: number): Assign =>
  (ts) => {
    const s = Math.floor(ts / size) * size;
    const out: [number, number][] = [];
    for (let e = s + step; e <= s + size; e += step) if (e > ts) out.push([s, e]);
    return out;
  };

/** Sessions per key: a row within `gap` of the session's last row (end inclusive) joins it. */
const sessions = (events: readonly Event[], gap: number): Map<Event, [number, number]> => {
  const byKey = new Map<string, Event[]>();
  for (const e of events) byKey.set(e.k, [...(byKey.get(e.k) ?? []), e]);
  const out = new Map<Event, [number, number]>();
  for (const list of byKey.values()) {
    list.sort((a, b) => a.ts - b.ts);
    let group: Event[] = [];
    const close = () => {
      const w: [number, number] = [group[0]!.ts, group[group.length - 1]!.ts + gap];
      for (const e of group) out.set(e, w);
    };
    for (const e of list) {
      if (group.length > 0 && e.ts > group[group.length - 1]!.ts + gap) {
        close();
        group = [];
      }
      group.push(e);
    }
    if (group.length > 0) close();
  }
  return out;
};

/** k, window_start, window_end, COUNT(*), SUM(v), MAX(v) per key and window. */
function expected(events: readonly Event[], assign: Assign | 'session'): string[] {
  const acc = new Map<string, [string, number, number, number, number, number]>();
  const session = assign === 'session' ? sessions(events, 2 * S) : undefined;
  for (const e of events) {
    for (const [s, w] of session ? [session.get(e)!] : (assign as Assign)(e.ts)) {
      const id = `${e.k}|${s}|${w}`;
      const a = acc.get(id);
      if (a === undefined) acc.set(id, [e.k, s, w, 1, e.v, e.v]);
      else {
        a[3]++;
        a[4] += e.v;
        a[5] = Math.max(a[5], e.v);
      }
    }
  }
  return [...acc.values()].map((r) => JSON.stringify(r)).sort();
}

/** Sorted events over `keys` keys: steps of 0–300 ms, and every ~40 rows a pause of 3–6 s (sessions end). */
function generate(n: number, keys: number, seed: number): Event[] {
  const rnd = prng(seed);
  const out: Event[] = [];
  let ts = T0;
  for (let i = 0; i < n; i++) {
    ts += rnd() < 0.025 ? 3 * S + Math.floor(rnd() * 3 * S) : Math.floor(rnd() * 300);
    out.push({ k: `k${Math.floor(rnd() * keys)}`, v: Math.floor(rnd() * 1000), ts });
  }
  return out;
}

/** The same events in an arrival order where each row is at most 900 ms of event time behind the newest. */
function disorder(events: readonly Event[], seed: number): Event[] {
  const rnd = prng(seed);
  return events
    .map((e) => ({ e, at: e.ts + Math.floor(rnd() * 900) }))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.e);
}

// ───────────────────────────── tests ─────────────────────────────

describe('window aggregation', () => {
  it('TUMBLE: count, sum and max per key and window, each window emitted once as +I', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, ts: T0 },
      { k: 'b', v: 10, ts: T0 + 1 * S },
      { k: 'a', v: 5, ts: T0 + 4999 },
      { k: 'a', v: 3, ts: T0 + 5 * S },
      { k: 'b', v: 20, ts: T0 + 7 * S },
      { k: 'b', v: 2, ts: T0 + 9 * S },
      { k: 'a', v: 7, ts: T0 + 12 * S },
    ];
    writeInput([events]);
    const { rows, runner } = await run(script(TUMBLE));
    expect(rows).toEqual(
      [
        ['a', T0, T0 + 5 * S, 2, 6, 5],
        ['a', T0 + 5 * S, T0 + 10 * S, 1, 3, 3],
        ['a', T0 + 10 * S, T0 + 15 * S, 1, 7, 7],
        ['b', T0, T0 + 5 * S, 1, 10, 10],
        ['b', T0 + 5 * S, T0 + 10 * S, 2, 22, 20],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(runner.metrics().lateRecords).toBe(0);
    expect(runner.metrics().stateEntries).toBe(0);
  });

  it('TUMBLE, HOP and CUMULATE match an oracle over 3000 rows', async () => {
    const events = generate(3000, 7, 1);
    writeInput([events]);
    for (const [query, assign] of [
      [TUMBLE, tumble(5 * S)],
      [HOP, hop(2 * S, 6 * S)],
      [CUMULATE, cumulate(2 * S, 6 * S)],
    ] as const) {
      const { rows, runner } = await run(script(query));
      expect(rows).toEqual(expected(events, assign));
      expect(runner.metrics().lateRecords).toBe(0);
    }
    // Every row is in size/slide = 3 HOP windows.
    const { rows } = await run(script(HOP));
    expect(rows.reduce((n, r) => n + (JSON.parse(r) as number[])[3]!, 0)).toBe(3 * events.length);
  });

  it('SESSION: rows within the gap form one session, a pause starts another, a bridging row merges two', async () => {
    const at = (k: string, sec: number, v = 1): Event => ({ k, v, ts: T0 + sec * S });
    writeInput([
      [
        // a: 1 s apart with a 2 s gap → one session [0, 5); after a 5 s pause, [8, 11).
        at('a', 0, 1),
        at('a', 1, 2),
        at('a', 2, 3),
        at('a', 3, 4),
        // b: [4, 6) and [6.5, 8.5) are separate until 5.5 arrives (out of order, within the watermark delay).
        at('b', 4, 10),
        at('b', 6.5, 30),
        at('b', 5.5, 20),
        at('a', 8, 5),
        at('a', 9, 6),
        // c: [8, 10) and [11, 13), then [10, 12) touches the first and overlaps the second; [16, 18) stays apart.
        at('c', 8, 1),
        at('c', 11, 2),
        at('c', 10, 4),
        at('c', 16, 3),
      ],
    ]);
    const { rows, runner } = await run(
      script(
        `SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v), MIN(v), AVG(v), COUNT(DISTINCT v)
          FROM TABLE(SESSION(TABLE events PARTITION BY k, DESCRIPTOR(ts), INTERVAL '2' SECOND))
          GROUP BY k, window_start, window_end`,
        {
          batchSize: 1,
          sinkColumns: `${SINK_COLUMNS}, mi BIGINT, av BIGINT, d BIGINT`,
        },
      ),
    );
    expect(rows).toEqual(
      [
        ['a', T0, T0 + 5 * S, 4, 10, 4, 1, 2, 4],
        ['a', T0 + 8 * S, T0 + 11 * S, 2, 11, 6, 5, 5, 2],
        ['b', T0 + 4 * S, T0 + 8.5 * S, 3, 60, 30, 10, 20, 3],
        ['c', T0 + 8 * S, T0 + 13 * S, 3, 7, 4, 1, 2, 3],
        ['c', T0 + 16 * S, T0 + 18 * S, 1, 3, 3, 3, 3, 1],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(runner.metrics().lateRecords).toBe(0);
  });

  it('SESSION matches an oracle over 3000 rows', async () => {
    const events = generate(3000, 7, 2);
    writeInput([events]);
    const { rows } = await run(script(SESSION));
    expect(rows).toEqual(expected(events, 'session'));
  });

  it('out-of-order rows within the watermark delay give the same result as sorted input', async () => {
    const events = generate(3000, 7, 3);
    for (const query of [TUMBLE, HOP, SESSION]) {
      writeInput([events]);
      const sorted = await run(script(query, { batchSize: 8 }));
      writeInput([disorder(events, 4)]);
      const shuffled = await run(script(query, { batchSize: 8 }));
      expect(shuffled.rows).toEqual(sorted.rows);
      expect(shuffled.runner.metrics().lateRecords).toBe(0);
    }
  });

  it('rows later than the watermark are dropped and counted', async () => {
    const at = (k: string, sec: number, v: number): Event => ({ k, v, ts: T0 + sec * S });
    writeInput([
      [
        at('a', 0, 1),
        at('a', 1, 2),
        at('a', 6, 3),
        at('a', 12, 4), // watermark 10 s: [0, 5) and [5, 10) have fired; so has session [0, 3)
        at('a', 3, 100), // late: its window fired
        at('b', 11, 5),
      ],
    ]);
    const tumbled = await run(script(TUMBLE, { batchSize: 1 }));
    expect(tumbled.rows).toEqual(
      [
        ['a', T0, T0 + 5 * S, 2, 3, 2],
        ['a', T0 + 5 * S, T0 + 10 * S, 1, 3, 3],
        ['a', T0 + 10 * S, T0 + 15 * S, 1, 4, 4],
        ['b', T0 + 10 * S, T0 + 15 * S, 1, 5, 5],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(tumbled.runner.metrics().lateRecords).toBe(1);
    // SESSION: [3, 5) would touch the fired session [0, 3) and cannot merge into an open one.
    const session = await run(script(SESSION, { batchSize: 1 }));
    expect(session.rows).toEqual(
      [
        ['a', T0, T0 + 3 * S, 2, 3, 2],
        ['a', T0 + 6 * S, T0 + 8 * S, 1, 3, 3],
        ['a', T0 + 12 * S, T0 + 14 * S, 1, 4, 4],
        ['b', T0 + 11 * S, T0 + 13 * S, 1, 5, 5],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(session.runner.metrics().lateRecords).toBe(1);
  });

  it('processing time: a bounded input fires every remaining window at the end', async () => {
    const events = generate(500, 5, 5);
    writeInput([events]);
    const { rows } = await run(
      script(
        `SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v)
          FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(p), INTERVAL '1' HOUR)) GROUP BY k, window_start, window_end`,
      ),
    );
    const counts = new Map<string, number>();
    for (const r of rows) {
      const [k, , , c] = JSON.parse(r) as [string, number, number, number];
      counts.set(k, (counts.get(k) ?? 0) + c);
    }
    const want = new Map<string, number>();
    for (const e of events) want.set(e.k, (want.get(e.k) ?? 0) + 1);
    expect(counts).toEqual(want);
  });

  it('parallelism 2 gives the same result as parallelism 1', async () => {
    const events = generate(4000, 13, 6);
    // Two files, split by time, so that one subtask reading both in name order sees sorted input too.
    writeInput([events.slice(0, 2000), events.slice(2000)]);
    for (const query of [TUMBLE, SESSION]) {
      const p1 = await run(script(query));
      const p2 = await run(script(query, { parallelism: 2 }));
      expect(p2.rows).toEqual(p1.rows);
      expect(p1.rows).toEqual(expected(events, query === TUMBLE ? tumble(5 * S) : 'session'));
    }
  });

  it('a failure after a completed checkpoint restores open windows: same result as a failure-free run', async () => {
    const events = generate(30_000, 50, 7);
    writeInput([events]);
    const settings = `
      SET 'execution.checkpointing.interval' = '5 ms';
      SET 'restart-strategy.type' = 'fixed-delay';
      SET 'restart-strategy.fixed-delay.attempts' = '1';
      SET 'restart-strategy.fixed-delay.delay' = '0 ms';`;
    // Time is injected (1 ms per task step): checkpoints land mid-stream however fast or loaded the machine is.
    for (const query of [TUMBLE, SESSION]) {
      const cleanTime = steppedClock();
      const clean = await run(script(query, { batchSize: 32, settings }), {
        clock: cleanTime.clock,
        beforeStep: cleanTime.tick,
      });
      expect(clean.runner.metrics().restarts).toBe(0);
      const holder: { runner?: JobRunner } = {};
      let openAtFailure = -1;
      const time = steppedClock();
      const failed = await run(
        script(query, { batchSize: 32, settings }),
        {
          clock: time.clock,
          beforeStep: (task, attempt) => {
            time.tick();
            const r = holder.runner;
            if (attempt > 0 || openAtFailure >= 0 || r === undefined) return;
            if (!task.members.some((m) => m.ctx.operator.spec.kind === 'windowAggregate')) return;
            const m = r.metrics();
            // Mid-stream, with windows open, after a checkpoint completed.
            if (!r.checkpoints().some((c) => c.status === 'COMPLETED')) return;
            if (m.recordsIn >= events.length / 2 || m.stateEntries === 0) return;
            openAtFailure = m.stateEntries;
            throw new Error('injected failure');
          },
        },
        holder,
      );
      expect(openAtFailure).toBeGreaterThan(0);
      expect(failed.runner.metrics().restarts).toBe(1);
      expect(failed.logs.some((l) => /restarting .* from checkpoint \d+/.test(l))).toBe(true);
      expect(failed.rows).toEqual(clean.rows);
      expect(clean.rows).toEqual(expected(events, query === TUMBLE ? tumble(5 * S) : 'session'));
    }
  });

  it('state stays bounded: a tumbling count over 2M datagen rows keeps at most 2 windows a key', async () => {
    const KEYS = 100;
    const ROWS = 2_000_000;
    const backends: KeyedStateBackend[] = [];
    let maxEntries = 0;
    let maxWindows = 0;
    let steps = 0;
    const holder: { runner?: JobRunner } = {};
    const sql = `
      SET 'weir.batch-size' = '1024';
      CREATE TABLE gen (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
        WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}', 'rows-per-second' = '0',
              'fields.k.min' = '0', 'fields.k.max' = '${KEYS - 1}');
      CREATE TABLE counts (k INT, ws TIMESTAMP(3), c BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO counts SELECT k, window_start, COUNT(*)
        FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end;`;
    const started = Date.now();
    const runner = await runJob(compile(sql), {
      connectors: builtinConnectors(),
      storage: new MemoryCheckpointStorage(),
      print: () => {},
      log: () => {},
      stateBackend: (_kind, ctx) => {
        const b = new HeapKeyedStateBackend(ctx.range);
        backends.push(b);
        return b;
      },
      beforeStep: () => {
        if (holder.runner === undefined || steps++ % 16 !== 0) return;
        maxEntries = Math.max(maxEntries, holder.runner.metrics().stateEntries);
        let windows = 0;
        for (const b of backends) {
          const t = b.table<[unknown[], unknown[]]>('windows');
          for (let kg = b.keyGroupRange.start; kg <= b.keyGroupRange.end; kg++)
            for (const [, s] of t.entries(kg)) windows += s[1].length;
        }
        maxWindows = Math.max(maxWindows, windows);
      },
    });
    holder.runner = runner;
    expect(await runner.done).toEqual({ status: 'FINISHED' });
    const m = runner.metrics();
    console.log(
      `bounded state: ${ROWS} rows, ${KEYS} keys in ${Date.now() - started} ms; max live state entries ${maxEntries}, max open windows ${maxWindows}; ${m.recordsOut} window rows`,
    );
    // 2,000,000 rows 1 ms apart: 200 ten-second windows, every key in each.
    expect(m.recordsIn).toBe(ROWS);
    expect(m.recordsOut).toBe(200 * KEYS);
    expect(maxEntries).toBeGreaterThan(0);
    expect(maxEntries).toBeLessThanOrEqual(KEYS);
    expect(maxWindows).toBeLessThanOrEqual(2 * KEYS);
    expect(m.stateEntries).toBe(0);
  }, 60_000);
});

describe('allowed lateness', () => {
  it('a late row within table.exec.emit.allow-lateness updates its fired window; later ones are dropped', async () => {
    const { runJob } = await import('../../runtime/engine');
    const { builtinConnectors } = await import('../../runtime/connectors/builtin');
    const { registerNodeConnectors } = await import('../../runtime/node/connectors/index');
    const { MemoryCheckpointStorage } = await import('../../runtime/checkpoint/memory-storage');
    const { committedRows } = await import('../e2e/crash-harness');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'weir-lateness-'));
    const t = (s: number) => 1_700_000_000_000 + s * 1000;
    // Window [0, 10) fires when the watermark (ts − 1 s) reaches 9.999 s: at the row of 11 s.
    const rows = [
      { k: 1, ts: t(1) },
      { k: 1, ts: t(11) }, // watermark 10 s: window [0,10) fires with count 1
      { k: 1, ts: t(5) }, // late by 6 s, within the 30 s lateness: update to count 2
      { k: 1, ts: t(45) }, // watermark 44 s: window [0,10) is dropped (end 10 s + 30 s ≤ 44 s)
      { k: 1, ts: t(2) }, // late beyond the lateness: dropped and counted
    ];
    writeFileSync(join(dir, 'in.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const sql = `
      SET 'table.exec.emit.allow-lateness' = '30 s';
      SET 'weir.batch-size' = '1';
      CREATE TABLE src (k INT, ts BIGINT, rt AS TO_TIMESTAMP_LTZ(ts, 3), WATERMARK FOR rt AS rt - INTERVAL '1' SECOND)
        WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in.jsonl')}', 'format' = 'json');
      CREATE TABLE out (k INT, ws TIMESTAMP(3), n BIGINT)
        WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'out')}', 'format' = 'changelog-json');
      INSERT INTO out SELECT k, window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(rt), INTERVAL '10' SECOND))
        GROUP BY k, window_start, window_end;`;
    const job = compileJob(sql, 'lateness');
    expect(job.graph.operators.find((o) => o.spec.kind === 'windowAggregate')?.changelog).toBe('updating');
    const runner = await runJob(job, {
      connectors: registerNodeConnectors(builtinConnectors()),
      storage: new MemoryCheckpointStorage(),
      print: () => {},
      log: () => {},
      // One row per batch, so the watermark advances between rows as in the comments above.
    });
    expect((await runner.done).status).toBe('FINISHED');
    const result = committedRows(join(dir, 'out'));
    // t(0) is 22:13:20 UTC: windows [20 s), [30 s) and [14:00) — the first updated by the late row to 2.
    expect([...result.keys()].map((k) => JSON.parse(k))).toEqual(
      expect.arrayContaining([
        { k: 1, ws: '2023-11-14 22:13:20.000', n: 2 },
        { k: 1, ws: '2023-11-14 22:13:30.000', n: 1 },
        { k: 1, ws: '2023-11-14 22:14:00.000', n: 1 },
      ]),
    );
    expect(result.size).toBe(3);
    expect(runner.metrics().lateRecords).toBe(1);
  });
});
