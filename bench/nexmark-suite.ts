// Nexmark suite: q0-q19 (those weir runs) and the keyed count on the same generated events, heap/rocksdb x checkpoints off/1 s, baselines.
import { childJob } from './child-job';
import { duckdbKeyedCount } from './duckdb-baseline';
import { checkSame, d2tsKeyedCount, dbIvmKeyedCount } from './ivm-peers';
import { handWrittenKeyedCount } from './keyed-count';
import { d2tsJoin, dbIvmJoin, handWrittenJoin, sameRows } from './q3-join';
import { type checkpointFigures, median, record } from './results';

/** Events per run (the generator's default seed, so every workload and baseline sees the same events). */
const EVENTS = Number(process.env.WEIR_BENCH_SUITE_EVENTS ?? 1_000_000);
const RUNS = Math.max(3, Number(process.env.WEIR_BENCH_RUNS ?? 3));
const QUERIES = ['q0', 'q1', 'q2', 'q3', 'q5', 'q7', 'q8', 'q9', 'q11', 'q18', 'q19'] as const;
const BACKENDS = [
  ['heap', 'hashmap'],
  ['rocksdb', 'rocksdb'],
] as const;
const CHECKPOINTS = [undefined, 1000] as const;

interface Measured extends ReturnType<typeof checkpointFigures> {
  ms: number;
  out: number;
  peakRss: number;
}

/** Runs one configuration in a child process (so that its peak RSS and JIT state are its own). */
function measure(workload: string, backend: string, ms: number | undefined): Promise<Measured> {
  const name = workload === 'keyed count' ? 'keyed-count' : workload;
  const args = [name, backend, String(ms ?? 0), String(EVENTS), String(RUNS)];
  return childJob<Measured>('nexmark-suite-job.ts', args);
}

const rate = (ms: number) => (EVENTS * 1000) / ms;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);

export async function nexmarkSuiteBench(): Promise<void> {
  console.log(
    `${EVENTS.toLocaleString('en-US')} Nexmark events (default seed) per run, blackhole sinks, a child process per configuration, warm-up run + median of ${RUNS}`,
  );
  const heapNoCkpt = new Map<string, Measured>();
  for (const workload of [...QUERIES, 'keyed count']) {
    for (const backend of BACKENDS) {
      let off: number | undefined;
      for (const ms of CHECKPOINTS) {
        const m = await measure(workload, backend[1], ms);
        off ??= m.ms;
        if (!ms && backend[0] === 'heap') heapNoCkpt.set(workload, m);
        const engine = `weir ${backend[0]}, ${ms ? 'ckpt 1s' : 'no ckpt'}`;
        const overhead = ms ? `overhead ${(((m.ms - off) / off) * 100).toFixed(1)}%; ` : '';
        const { checkpoints, ckptP50Ms, ckptP99Ms, ckptBytes, peakRss } = m;
        record({
          workload,
          engine,
          eventsPerSec: rate(m.ms),
          runs: RUNS,
          ...{ checkpoints, ckptP50Ms, ckptP99Ms, ckptBytes, peakRss },
          note: `${overhead}${m.out} rows out`,
        });
        console.log(
          `${workload.padEnd(12)} ${engine.padEnd(24)} ${fmt(rate(m.ms))} events/s  ${overhead}${m.out} rows out`,
        );
      }
    }
  }
  // Baselines, in this process on the same events; each result checked against the hand-written one.
  const baseline = (workload: string, engine: string, ms: number, note: string) => {
    const weir = heapNoCkpt.get(workload)!;
    const vs = `weir heap is ${(ms / weir.ms).toFixed(2)}x this`;
    record({ workload, engine, eventsPerSec: rate(ms), runs: RUNS, note: `${note}; ${vs}` });
    console.log(`${workload.padEnd(12)} ${engine.padEnd(24)} ${fmt(rate(ms))} events/s  ${note}; ${vs}`);
  };
  const med = <T extends { ms: number }>(f: () => T): T => {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(f());
    return median(runs, (r) => r.ms);
  };
  const loop = med(() => handWrittenKeyedCount(EVENTS));
  baseline('keyed count', 'hand-written Map loop', loop.ms, `${loop.keys} keys (target: weir >= 0.20x)`);
  const duck = await duckdbKeyedCount(EVENTS, RUNS, loop.counts);
  baseline('keyed count', 'duckdb batch, query only', duck.queryMs, `${duck.keys} keys, = loop`);
  baseline(
    'keyed count',
    'duckdb batch, load + query',
    duck.loadMs + duck.queryMs,
    `${duck.keys} keys, = loop`,
  );
  for (const [engine, f] of [
    ['d2ts', d2tsKeyedCount],
    ['db-ivm', dbIvmKeyedCount],
  ] as const) {
    const r = med(() => f(EVENTS));
    checkSame(engine, r.view, loop.counts);
    baseline(
      'keyed count',
      `${engine}, 1,024 events/step`,
      r.ms,
      `${r.view.size} keys, = loop (target: weir >= 5x)`,
    );
  }
  const join = med(() => handWrittenJoin(EVENTS));
  const weirRows = heapNoCkpt.get('q3')!.out;
  const joinRows = sameRows('weir', join.rows, join.rows);
  if (joinRows !== weirRows) throw new Error(`q3: hand-written join has ${joinRows} rows, weir ${weirRows}`);
  baseline('q3', 'hand-written hash join', join.ms, `${joinRows} rows, = weir's count`);
  for (const [engine, f] of [
    ['d2ts', d2tsJoin],
    ['db-ivm', dbIvmJoin],
  ] as const) {
    const r = med(() => f(EVENTS));
    const n = sameRows(engine, r.rows, join.rows);
    baseline('q3', `${engine}, 1,024 events/step`, r.ms, `${n} rows, = hand-written (target: weir >= 5x)`);
  }
}
