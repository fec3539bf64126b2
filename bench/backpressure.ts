// Checkpoints under backpressure: a GROUP BY into a deliberately slow sink, checkpoint duration and size with aligned,
// unaligned and aligned-then-timeout checkpoints (and buffer debloating), beside throughput without backpressure.
import { workerTaskManagers } from '../runtime/node/workers/worker-task-managers';
import { checkpointFigures, median, record } from './results';
import { runScriptJob } from './run-job';

const ROWS = Number(process.env.WEIR_BENCH_BP_ROWS ?? 60_000);
const FREE_ROWS = Number(process.env.WEIR_BENCH_BP_FREE_ROWS ?? 1_000_000);
/** Rows a second the slow sink takes: each input row updates its key (-U/+U), so ~half that comes in. */
const SINK_RATE = 20_000;
const KEYS = 1_000;
const RUNS = 3;
const FREE_RUNS = 5;

interface Mode {
  readonly name: string;
  readonly settings: string;
}

const MODES: readonly Mode[] = [
  { name: 'aligned', settings: '' },
  { name: 'unaligned', settings: "SET 'execution.checkpointing.unaligned.enabled' = 'true';" },
  {
    name: 'timeout 20ms',
    settings:
      "SET 'execution.checkpointing.unaligned.enabled' = 'true'; SET 'execution.checkpointing.aligned-checkpoint-timeout' = '20ms';",
  },
  {
    name: 'aligned, debloated',
    settings:
      "SET 'taskmanager.network.memory.buffer-debloat.enabled' = 'true'; SET 'taskmanager.network.memory.buffer-debloat.target' = '100ms';",
  },
];

const PLACES = [
  { name: 'one thread', parallelism: 1 },
  { name: '2 worker threads', parallelism: 2 },
] as const;

function script(rows: number, sinkRate: number, parallelism: number, settings: string): string {
  return `
SET 'parallelism.default' = '${parallelism}';
SET 'execution.checkpointing.interval' = '200ms';
${settings}
CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '0',
  'number-of-rows' = '${rows}', 'fields.k.min' = '0', 'fields.k.max' = '${KEYS - 1}');
CREATE TABLE out (k BIGINT, n BIGINT, s BIGINT) WITH ('connector' = 'blackhole'${sinkRate > 0 ? `, 'sink.rows-per-second' = '${sinkRate}'` : ''});
INSERT INTO out SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k;
`;
}

async function run(rows: number, sinkRate: number, parallelism: number, mode: Mode) {
  const { ms, runner } = await runScriptJob(
    script(rows, sinkRate, parallelism, mode.settings),
    `backpressure-${mode.name}`,
    undefined,
    parallelism > 1 ? workerTaskManagers : undefined,
  );
  // The first checkpoint comes while the job starts up (threads, compilation), and the final one is always
  // aligned (it waits for the end of the data): both are left out.
  const stats = runner.checkpoints().slice(1, -1);
  const done = stats.filter((c) => c.status === 'COMPLETED');
  return {
    ms,
    figures: checkpointFigures(stats),
    unaligned: done.filter((c) => c.unaligned).length,
    inFlight: Math.max(0, ...done.map((c) => c.inFlightBytes ?? 0)),
  };
}

export async function backpressureBench(): Promise<void> {
  console.log(
    `GROUP BY of ${ROWS.toLocaleString('en-US')} rows on ${KEYS} keys into a sink taking ${SINK_RATE.toLocaleString('en-US')} rows/s, checkpoint every 200 ms (the first and the final checkpoint left out); then ${FREE_ROWS.toLocaleString('en-US')} rows without backpressure; median of ${RUNS} (${FREE_RUNS} without backpressure)`,
  );
  for (const place of PLACES) {
    for (const mode of MODES) {
      const rs = [];
      for (let i = 0; i < RUNS; i++) rs.push(await run(ROWS, SINK_RATE, place.parallelism, mode));
      const m = median(rs, (r) => r.figures.ckptP50Ms ?? 0);
      const note = `under backpressure; ${m.unaligned}/${m.figures.checkpoints} unaligned, in-flight data up to ${m.inFlight} bytes`;
      console.log(
        `${place.name.padEnd(16)} ${mode.name.padEnd(20)} ckpt p50 ${(m.figures.ckptP50Ms ?? 0).toFixed(1)} ms  p99 ${(m.figures.ckptP99Ms ?? 0).toFixed(1)} ms  ${note}`,
      );
      record({
        workload: 'GROUP BY into a slow sink',
        engine: `weir heap, ${place.name}, ckpt 200ms, ${mode.name}`,
        eventsPerSec: (ROWS * 1000) / m.ms,
        runs: RUNS,
        ...m.figures,
        note,
      });
    }
  }
  // Without backpressure: what unaligned checkpoints cost in throughput, and their duration as the baseline
  // (modes interleaved, so that a busy machine slows both alike).
  const free = MODES.slice(0, 2);
  const freeRuns = free.map(() => [] as Awaited<ReturnType<typeof run>>[]);
  for (let i = 0; i < FREE_RUNS; i++)
    for (const [j, mode] of free.entries()) freeRuns[j]!.push(await run(FREE_ROWS, 0, 1, mode));
  for (const [j, mode] of free.entries()) {
    const m = median(freeRuns[j]!, (r) => r.ms);
    console.log(
      `one thread       ${mode.name.padEnd(20)} ${Math.round((FREE_ROWS * 1000) / m.ms).toLocaleString('en-US')} rows/s without backpressure, ckpt p50 ${(m.figures.ckptP50Ms ?? 0).toFixed(1)} ms`,
    );
    record({
      workload: 'GROUP BY, no backpressure',
      engine: `weir heap, one thread, ckpt 200ms, ${mode.name}`,
      eventsPerSec: (FREE_ROWS * 1000) / m.ms,
      runs: FREE_RUNS,
      ...m.figures,
      note: 'throughput without backpressure',
    });
  }
}
