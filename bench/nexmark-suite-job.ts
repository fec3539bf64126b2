// Child process of the nexmark-suite bench: one workload on one backend, a warm-up run then N timed runs, JSON out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyedCountScript } from './keyed-count';
import { checkpointFigures, median, peakRss } from './results';
import { runScriptJob } from './run-job';

/** queries/nexmark/<query>.sql with `events` events, on `backend`, checkpointing every `ms` into job-manager memory. */
function queryScript(query: string, events: number, backend: string, ms: number): string {
  const text = readFileSync(join(import.meta.dirname, '../queries/nexmark', `${query}.sql`), 'utf8');
  const num = /'events\.num' = '\d+'/;
  if (!num.test(text)) throw new Error(`${query}.sql: no 'events.num' option`);
  return `
SET 'state.backend.type' = '${backend}';
${ms ? `SET 'execution.checkpointing.interval' = '${ms}ms';` : ''}
SET 'execution.checkpointing.storage' = 'jobmanager';
SET 'state.checkpoint-storage.jobmanager.max-size' = '2gb';
${text.replace(num, `'events.num' = '${events}'`)}`;
}

const [workload = 'q0', backend = 'hashmap', msArg = '0', eventsArg = '1000000', runsArg = '3'] =
  process.argv.slice(2);
const [ms, events, runs] = [Number(msArg), Number(eventsArg), Number(runsArg)];
const sql =
  workload === 'keyed-count'
    ? keyedCountScript(events, ms || undefined, backend === 'rocksdb', backend)
    : queryScript(workload, events, backend, ms);
const results = [];
for (let i = 0; i <= runs; i++) {
  const { ms: t, runner } = await runScriptJob(sql, `suite-${workload}`);
  // The first run warms the JIT up and is not counted.
  if (i > 0)
    results.push({ ms: t, ...checkpointFigures(runner.checkpoints()), out: runner.metrics().recordsOut });
}
console.log(JSON.stringify({ ...median(results, (r) => r.ms), peakRss: peakRss() }));
