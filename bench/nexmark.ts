// Nexmark q5, q7, q8, q11: the query files as they are (blackhole sinks), heap backend, a checkpoint every second.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileScript } from '../compiler/index';
import { MemoryCheckpointStorage } from '../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../runtime/connectors/builtin';
import { runJob } from '../runtime/engine';

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
}

async function run(query: string): Promise<Run> {
  const r = compileScript(script(query), { scriptName: `nexmark-${query}` });
  if (r.diagnostics.some((d) => d.severity === 'error'))
    throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const job = r.statements.find((s) => s.kind === 'job');
  if (job?.kind !== 'job') throw new Error(`${query}: no job`);
  const start = performance.now();
  const runner = await runJob(job.job, {
    connectors: builtinConnectors(),
    storage: new MemoryCheckpointStorage(2 * 1024 ** 3),
    print: () => {},
    log: (m) => console.error(m),
  });
  const result = await runner.done;
  const ms = performance.now() - start;
  if (result.status !== 'FINISHED') throw new Error(`${query}: job ${result.status}: ${result.error}`);
  const m = runner.metrics();
  return {
    ms,
    checkpoints: runner.checkpoints().filter((c) => c.status === 'COMPLETED').length,
    late: m.lateRecords,
    rowsOut: m.recordsOut,
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
  }
}
