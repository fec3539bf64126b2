// Nexmark q5, q7, q8, q11: the query files as they are (blackhole sinks), heap backend, a checkpoint every second.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointFigures, record } from './results';
import { runScriptJob } from './run-job';

const EVENTS = Number(process.env.WEIR_BENCH_EVENTS ?? 2_000_000);
const QUERIES = ['q5', 'q7', 'q8', 'q11'] as const;

/** queries/nexmark/<query>.sql with EVENTS events and checkpoints every second into job-manager memory. */
function script(query: string): string {
  const text = readFileSync(join(import.meta.dirname, '../queries/nexmark', `${query}.sql`), 'utf8');
  const events = /'events\.num' = '\d+'/;
  if (!events.test(text)) throw new Error(`${query}.sql: no 'events.num' option`);
  return `
SET 'state.backend.type' = 'hashmap';
SET 'execution.checkpointing.interval' = '1s';
SET 'execution.checkpointing.storage' = 'jobmanager';
SET 'state.checkpoint-storage.jobmanager.max-size' = '2gb';
${text.replace(events, `'events.num' = '${EVENTS}'`)}`;
}

interface Run {
  readonly ms: number;
  readonly checkpoints: number;
  readonly late: number;
  readonly rowsOut: number;
  readonly figures: ReturnType<typeof checkpointFigures>;
}

async function run(query: string): Promise<Run> {
  const { ms, runner } = await runScriptJob(script(query), `nexmark-${query}`);
  const m = runner.metrics();
  return {
    ms,
    checkpoints: runner.checkpoints().filter((c) => c.status === 'COMPLETED').length,
    late: m.lateRecords,
    rowsOut: m.recordsOut,
    figures: checkpointFigures(runner.checkpoints()),
  };
}

const fmt = (n: number, w = 12) => n.toLocaleString('en-US').padStart(w);

export async function nexmarkBench(): Promise<void> {
  console.log(
    `${EVENTS.toLocaleString('en-US')} Nexmark events per query, heap backend, checkpoint every 1 s, blackhole sink, same process, median of 3`,
  );
  for (const q of QUERIES) {
    const runs: Run[] = [];
    for (let i = 0; i < 3; i++) runs.push(await run(q));
    const m = runs.sort((a, b) => a.ms - b.ms)[1]!;
    console.log(
      `${q.padEnd(4)} ${fmt(Math.round((EVENTS * 1000) / m.ms))} events/s  ${(m.ms / 1000).toFixed(2).padStart(6)} s  ${fmt(m.checkpoints, 3)} checkpoints  ${fmt(m.late, 1)} late records  ${fmt(m.rowsOut, 1)} rows out`,
    );
    record({
      workload: q,
      engine: 'weir heap, ckpt 1s',
      eventsPerSec: (EVENTS * 1000) / m.ms,
      runs: 3,
      ...m.figures,
      note: `${m.late} late, ${m.rowsOut} rows out`,
    });
  }
}
