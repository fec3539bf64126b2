// Runs one SQL script's job in this process to completion for a benchmark: compile, run, time, check it finished.
import { compileScript } from '../compiler/index';
import { MemoryCheckpointStorage } from '../runtime/checkpoint/memory-storage';
import type { CheckpointStorage } from '../runtime/checkpoint/storage';
import { builtinConnectors } from '../runtime/connectors/builtin';
import { type JobRunner, runJob } from '../runtime/engine';
import { stateBackendFactory } from '../runtime/node/environment';
import type { TaskManagers } from '../runtime/task/task-managers';

export interface TimedRun {
  /** From the start of deployment to the end of the job. */
  readonly ms: number;
  /** Of which deployment: until the tasks were open (worker threads started). */
  readonly deployMs: number;
  readonly runner: JobRunner;
}

/** Compiles `sql` (one job), runs it with in-memory checkpoint storage (on `taskManagers` if given) and returns the wall time. */
export async function runScriptJob(
  sql: string,
  scriptName: string,
  storage: CheckpointStorage = new MemoryCheckpointStorage(2 * 1024 ** 3),
  taskManagers?: TaskManagers,
): Promise<TimedRun> {
  const r = compileScript(sql, { scriptName });
  if (r.diagnostics.some((d) => d.severity === 'error'))
    throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const job = r.statements.find((s) => s.kind === 'job');
  if (job?.kind !== 'job') throw new Error(`${scriptName}: no job`);
  const start = performance.now();
  const runner = await runJob(job.job, {
    connectors: builtinConnectors(),
    storage,
    stateBackend: stateBackendFactory(job.job),
    print: () => {},
    log: (m) => console.error(m),
    ...(taskManagers ? { taskManagers } : {}),
  });
  const deployMs = performance.now() - start;
  const result = await runner.done;
  const ms = performance.now() - start;
  if (result.status !== 'FINISHED') throw new Error(`${scriptName}: job ${result.status}: ${result.error}`);
  return { ms, deployMs, runner };
}
