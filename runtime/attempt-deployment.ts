// Deploys one execution attempt: its tasks built and opened on this thread, or its subtasks on task manager threads.
import type { CompiledJob } from '../compiler/compile';
import type { JobOperator } from '../compiler/physical/job-graph';
import type { Clock } from './clock';
import type { CheckpointCoordinator, CheckpointParticipants } from './checkpoint/coordinator';
import type { CheckpointMetadata } from './checkpoint/metadata';
import { restorePlan } from './checkpoint/restore-plan';
import type { EngineEnvironment, StartOptions } from './engine-environment';
import type { OperatorMetrics } from './operator';
import type { KeyedStateBackend } from './state/backend';
import { HeapKeyedStateBackend } from './state/heap-backend';
import type { CheckpointingMode } from './task/barrier-aligner';
import type { StreamTask, TaskListener } from './task/stream-task';
import { buildTasks, connectorContextOf, loadState, openTasks, setting } from './task/task-builder';
import type { RemoteAttempt } from './task/task-managers';

/** What deploying an attempt takes from the job master. */
export interface AttemptContext {
  readonly job: CompiledJob;
  readonly env: EngineEnvironment;
  readonly attempt: number;
  readonly clock: Clock;
  readonly mode: CheckpointingMode;
  readonly backendKind: 'hashmap' | 'rocksdb';
  /** `execution.checkpointing.incremental`: whether the backends take incremental snapshots. */
  readonly incremental: boolean;
  readonly coordinator: CheckpointCoordinator;
  /** Where the attempt's tasks report acknowledgements, ended sources and failures. */
  readonly listener: TaskListener;
  /** Each operator's metrics by subtask index: the attempt clears and refills it. */
  readonly opMetrics: Map<string, OperatorMetrics[]>;
}

/** Refuses a restore that would lose state or mix incompatible layouts. */
export function checkRestorable(m: CheckpointMetadata, job: CompiledJob): void {
  const ignoreUnclaimed = setting(job.config, 'execution.state-recovery.ignore-unclaimed-state') === 'true';
  const { problems } = restorePlan(m, job, ignoreUnclaimed);
  if (problems.length > 0) throw new Error(`cannot restore: ${problems.join('; ')}`);
}

/**
 * Builds the attempt's tasks on this thread and opens them, restored from `restore` if given.
 * `backends` is emptied, then holds every keyed state backend the tasks created.
 */
export async function deployLocalAttempt(
  ctx: AttemptContext,
  restore: StartOptions['restore'],
  backends: KeyedStateBackend[],
): Promise<StreamTask[]> {
  const { job, env, clock } = ctx;
  const restoredData = restore
    ? await loadState(restore, (location, f) => env.storage.readState(location, f))
    : undefined;
  backends.length = 0;
  ctx.opMetrics.clear();
  const { tasks, metrics, pendingRestores } = buildTasks({
    job,
    attempt: ctx.attempt,
    mode: ctx.mode,
    clock,
    connectors: env.connectors,
    connectorContext: (c) => connectorContextOf(c, job.name, clock, env.print, env.log),
    createBackend: (op, s, range) => createBackend(ctx, op, s, range, backends),
    writeState: (id, name, data, shared) => ctx.coordinator.writeState(id, name, data, shared),
    listener: ctx.listener,
    ...(restoredData && restore
      ? { restored: { checkpointId: restore.metadata.checkpointId, data: restoredData } }
      : {}),
  });
  for (const [uid, list] of metrics) ctx.opMetrics.set(uid, list);
  await openTasks(tasks, pendingRestores, backends);
  return tasks;
}

function createBackend(
  ctx: AttemptContext,
  op: JobOperator,
  subtask: number,
  range: { start: number; end: number },
  backends: KeyedStateBackend[],
): KeyedStateBackend {
  const b = ctx.env.stateBackend
    ? ctx.env.stateBackend(ctx.backendKind, {
        jobName: ctx.job.name,
        uid: op.uid,
        subtask,
        range,
        incremental: ctx.incremental,
        config: ctx.job.config,
      })
    : new HeapKeyedStateBackend(range, ctx.incremental);
  backends.push(b);
  return b;
}

/** The coordinator's view of a local attempt; `tasks` reads the job master's current tasks (none once torn down). */
export function localParticipants(
  tasks: () => readonly StreamTask[],
  wake: () => void,
): CheckpointParticipants {
  return {
    taskKeys: () => tasks().map((t) => t.key),
    triggerSources: (id, ts, final, savepoint) => {
      for (const t of tasks()) if (t.isSourceTask) t.triggerCheckpoint(id, ts, final, savepoint);
      wake();
    },
    notifyComplete: async (id) => {
      for (const t of tasks()) await t.notifyCheckpointComplete(id);
    },
    abort: (id) => {
      for (const t of tasks()) t.abortCheckpoint(id);
    },
  };
}

/**
 * Starts the attempt's subtasks on `count` task manager threads; resolves once they are open, not yet running.
 * Their metrics go to `ctx.opMetrics` and `stateEntries` (per task manager); `ended` once every task ended.
 */
export function deployRemoteAttempt(
  ctx: AttemptContext,
  restore: StartOptions['restore'],
  count: number,
  stateEntries: Map<number, number>,
  ended: () => void,
): Promise<RemoteAttempt> {
  const { job, env } = ctx;
  return env.taskManagers!.start({
    job: { name: job.name, graph: job.graph, config: job.config },
    count,
    attempt: ctx.attempt,
    ...(restore ? { restore: { metadata: restore.metadata, location: restore.location } } : {}),
    listener: ctx.listener,
    writeState: (id, name, data, shared) => ctx.coordinator.writeState(id, name, data, shared),
    readState: (location, f) => env.storage.readState(location, f),
    print: env.print,
    log: env.log,
    metrics: (worker, ops, entries) => {
      for (const r of ops) {
        const list = ctx.opMetrics.get(r.uid) ?? [];
        list[r.subtask] = r.metrics;
        ctx.opMetrics.set(r.uid, list);
      }
      stateEntries.set(worker, entries);
    },
    ended,
  });
}

/** The coordinator's view of an attempt on task managers. */
export function remoteParticipants(remote: RemoteAttempt): CheckpointParticipants {
  return {
    taskKeys: () => remote.taskKeys,
    triggerSources: (id, ts, final, savepoint) => remote.triggerSources(id, ts, final, savepoint),
    notifyComplete: (id) => remote.notifyComplete(id),
    abort: (id) => remote.abort(id),
  };
}
