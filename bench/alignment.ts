// Barrier alignment in a join whose one input is slow (paced, costly rows): alignment per checkpoint, EXACTLY_ONCE vs AT_LEAST_ONCE, on one thread and across two worker threads.
import { workerTaskManagers } from '../runtime/node/workers/worker-task-managers';
import { checkpointFigures, median, percentile, record } from './results';
import { runScriptJob } from './run-job';

const FAST_ROWS = Number(process.env.WEIR_BENCH_ALIGN_ROWS ?? 400_000);
/** The slow side is paced and each of its rows joins with FAST_ROWS / KEYS stored rows, so its batches are costly. */
const SLOW_ROWS = 2_000;
const SLOW_RATE = 1_000;
const KEYS = 200;
const RUNS = 3;

type Mode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';

/** Where the job runs: one thread, or parallelism 2 on two task manager threads (barriers cross threads). */
const PLACES = [
  { name: 'one thread', parallelism: 1 },
  { name: '2 worker threads', parallelism: 2 },
] as const;

function script(mode: Mode, parallelism: number): string {
  return `
SET 'parallelism.default' = '${parallelism}';
SET 'execution.checkpointing.interval' = '200ms';
SET 'execution.checkpointing.mode' = '${mode}';
CREATE TABLE fast (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '0',
  'number-of-rows' = '${FAST_ROWS}', 'fields.k.min' = '0', 'fields.k.max' = '${KEYS - 1}');
CREATE TABLE slow (k BIGINT, w BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '${SLOW_RATE}',
  'number-of-rows' = '${SLOW_ROWS}', 'fields.k.min' = '0', 'fields.k.max' = '${KEYS - 1}');
CREATE TABLE out (k BIGINT, v BIGINT, w BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT f.k, f.v, s.w FROM fast AS f JOIN slow AS s ON f.k = s.k;
`;
}

interface Run {
  ms: number;
  alignP50: number;
  alignP99: number;
  figures: ReturnType<typeof checkpointFigures>;
}

async function run(mode: Mode, parallelism: number): Promise<Run> {
  const { ms, runner } = await runScriptJob(
    script(mode, parallelism),
    `alignment-${mode}`,
    undefined,
    parallelism > 1 ? workerTaskManagers : undefined,
  );
  const done = runner.checkpoints().filter((c) => c.status === 'COMPLETED');
  const align = done.map((c) => c.alignmentDuration);
  return {
    ms,
    alignP50: percentile(align, 50) ?? 0,
    alignP99: percentile(align, 99) ?? 0,
    figures: checkpointFigures(runner.checkpoints()),
  };
}

export async function alignmentBench(): Promise<void> {
  console.log(
    `join of ${FAST_ROWS.toLocaleString('en-US')} rows as fast as they come with ${SLOW_ROWS.toLocaleString('en-US')} at ${SLOW_RATE}/s, on ${KEYS} keys (each slow row joins ~${FAST_ROWS / KEYS} stored rows), checkpoint every 200 ms, median of ${RUNS}, modes interleaved`,
  );
  for (const place of PLACES) {
    const runs: Record<Mode, Run[]> = { EXACTLY_ONCE: [], AT_LEAST_ONCE: [] };
    for (let i = 0; i < RUNS; i++) {
      runs.EXACTLY_ONCE.push(await run('EXACTLY_ONCE', place.parallelism));
      runs.AT_LEAST_ONCE.push(await run('AT_LEAST_ONCE', place.parallelism));
    }
    const rows = FAST_ROWS + SLOW_ROWS;
    const atLeastOnce = median(runs.AT_LEAST_ONCE, (r) => r.ms);
    for (const [mode, rs] of Object.entries(runs)) {
      const m = median(rs, (r) => r.ms);
      const vs = `${(((m.ms - atLeastOnce.ms) / atLeastOnce.ms) * 100).toFixed(1)}% time vs AT_LEAST_ONCE`;
      const note = `alignment p50 ${m.alignP50.toFixed(1)} ms, p99 ${m.alignP99.toFixed(1)} ms; ${vs}`;
      console.log(
        `${place.name.padEnd(16)} ${mode.padEnd(14)} ${Math.round((rows * 1000) / m.ms).toLocaleString('en-US')} rows/s  ${m.figures.checkpoints} checkpoints  ${note}`,
      );
      record({
        workload: 'join, one slow input',
        engine: `weir heap, ${place.name}, ckpt 200ms, ${mode}`,
        eventsPerSec: (rows * 1000) / m.ms,
        runs: RUNS,
        ...m.figures,
        note,
      });
    }
  }
}
