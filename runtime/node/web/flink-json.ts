// The REST API's bodies in Flink 1.20's shapes: job overview, job details (vertices, plan), checkpointing statistics.
import type { CheckpointStats } from '../../checkpoint/coordinator';
import type { JobHandle, JobStatus } from '../../job';
import { type JobRegistry, jobId } from './job-registry';
import type { Rates } from './rates';
import { operatorCounters, subtaskCounters, taskVertices } from './tasks';

/** Flink's ExecutionState names, each counted per vertex (all zero but the one the job's state maps to). */
const TASK_STATES = [
  'CREATED',
  'SCHEDULED',
  'DEPLOYING',
  'RUNNING',
  'FINISHED',
  'CANCELING',
  'CANCELED',
  'FAILED',
  'RECONCILING',
  'INITIALIZING',
] as const;

function taskState(s: JobStatus): (typeof TASK_STATES)[number] {
  return s === 'RESTARTING' ? 'DEPLOYING' : s;
}

function counts(state: JobStatus, n: number, lower: boolean): Record<string, number> {
  const c: Record<string, number> = {};
  for (const t of TASK_STATES) c[lower ? t.toLowerCase() : t] = t === taskState(state) ? n : 0;
  return c;
}

function times(job: JobHandle, reg: JobRegistry, now: number) {
  const end = reg.endTime(job);
  return {
    'start-time': job.startTime,
    'end-time': end ?? -1,
    duration: (end ?? now) - job.startTime,
  };
}

/** One element of `GET /jobs/overview`'s `jobs` (Flink's JobDetails). */
export function jobOverview(job: JobHandle, reg: JobRegistry, now = Date.now()) {
  const vertices = taskVertices(job);
  const tasks = vertices.reduce((n, v) => n + v.parallelism, 0);
  return {
    jid: jobId(job),
    name: job.name,
    state: job.status(),
    ...times(job, reg, now),
    'last-modification': reg.endTime(job) ?? job.startTime,
    tasks: { total: tasks, ...counts(job.status(), tasks, true) },
  };
}

/** `GET /jobs/:jobid` (Flink's JobDetailsInfo): vertices are the operator chains, with their counters. */
export function jobDetails(job: JobHandle, reg: JobRegistry, rates: Rates, now = Date.now()) {
  const state = job.status();
  const t = times(job, reg, now);
  const vertices = taskVertices(job);
  const ops = operatorCounters(job);
  const graph = job.compiled.graph;
  const chainOf = new Map<number, string>();
  for (const v of vertices) for (const op of v.operators) chainOf.set(op.id, v.id);
  return {
    jid: jobId(job),
    name: job.name,
    isStoppable: false,
    state,
    'job-type': 'STREAMING',
    ...t,
    maxParallelism: graph.maxParallelism,
    now,
    timestamps: { INITIALIZING: job.startTime, CREATED: job.startTime, RUNNING: job.startTime },
    vertices: vertices.map((v) => {
      const subs = subtaskCounters(v, ops);
      const sum = (f: (s: NonNullable<(typeof subs)[number]>) => number) =>
        subs.reduce((n, s) => n + (s ? f(s) : 0), 0);
      return {
        id: v.id,
        name: v.name,
        maxParallelism: graph.maxParallelism,
        parallelism: v.parallelism,
        status: taskState(state),
        ...t,
        tasks: counts(state, v.parallelism, false),
        metrics: {
          'read-bytes': 0,
          'read-bytes-complete': true,
          'write-bytes': 0,
          'write-bytes-complete': true,
          'read-records': sum((s) => s.recordsIn),
          'read-records-complete': subs.every(Boolean),
          'write-records': sum((s) => s.recordsOut),
          'write-records-complete': subs.every(Boolean),
          'accumulated-backpressured-time': sum((s) => s.backPressuredTimeMs),
          'accumulated-idle-time': sum((s) => s.idleTimeMs),
          'accumulated-busy-time': sum((s) => s.busyTimeMs),
        },
        // weir: the busiest subtask's share of the last seconds, as Flink's web UI colours a vertex.
        'busy-time-ms-per-second': Math.max(0, ...subs.map((_, i) => rates.task(job, v, i).busy)),
      };
    }),
    'status-counts': counts(state, vertices.length, false),
    plan: {
      jid: jobId(job),
      name: job.name,
      type: 'STREAMING',
      nodes: vertices.map((v) => {
        const head = v.operators[0]!;
        return {
          id: v.id,
          parallelism: v.parallelism,
          operator: '',
          operator_strategy: '',
          description: v.name,
          ...(head.inputs.length
            ? {
                inputs: head.inputs.map((e, num) => ({
                  num,
                  id: chainOf.get(e.source)!,
                  ship_strategy: e.partitioning.kind.toUpperCase(),
                  exchange: 'pipelined_bounded',
                })),
              }
            : {}),
          optimizer_properties: {},
        };
      }),
    },
  };
}

/** One element of the checkpoint history (Flink's CheckpointStatistics). */
function checkpointStatistics(c: CheckpointStats, job: JobHandle) {
  const subtasks = taskVertices(job).reduce((n, v) => n + v.parallelism, 0);
  const className = c.status === 'COMPLETED' ? 'completed' : c.status === 'FAILED' ? 'failed' : 'in_progress';
  const duration = c.duration ?? 0;
  return {
    className,
    id: c.id,
    status: c.status,
    is_savepoint: c.savepoint === true,
    trigger_timestamp: c.triggerTime,
    latest_ack_timestamp: c.duration !== undefined ? c.triggerTime + c.duration : -1,
    checkpointed_size: c.size,
    state_size: c.size,
    end_to_end_duration: Math.round(duration),
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: subtasks,
    num_acknowledged_subtasks: c.status === 'COMPLETED' ? subtasks : 0,
    checkpoint_type: c.savepoint ? 'SAVEPOINT' : 'CHECKPOINT',
    tasks: {},
    ...(c.status === 'COMPLETED' ? { external_path: c.location ?? null, discarded: false } : {}),
    ...(c.status === 'FAILED'
      ? { failure_message: c.failure ?? null, failure_timestamp: c.triggerTime + duration }
      : {}),
    // weir: the sync, async and alignment parts the dashboard charts (Flink has them per subtask only).
    sync_duration: Math.round(c.syncDuration),
    async_duration: Math.round(c.asyncDuration),
    alignment_duration: Math.round(c.alignmentDuration),
  };
}

function summary(values: readonly number[]) {
  if (values.length === 0) return { min: 0, max: 0, avg: 0 };
  return {
    min: Math.min(...values),
    max: Math.max(...values),
    avg: Math.round(values.reduce((a, b) => a + b, 0) / values.length),
  };
}

/** `GET /jobs/:jobid/checkpoints` (Flink's CheckpointingStatistics): counts, summary, latest, history (newest first). */
export function checkpointingStatistics(job: JobHandle) {
  const all = job.checkpoints();
  const completed = all.filter((c) => c.status === 'COMPLETED');
  const newest = (pred: (c: CheckpointStats) => boolean) => {
    const c = [...all].reverse().find(pred);
    return c ? checkpointStatistics(c, job) : null;
  };
  return {
    counts: {
      restored: 0,
      total: all.length,
      in_progress: all.filter((c) => c.status === 'IN_PROGRESS').length,
      completed: completed.length,
      failed: all.filter((c) => c.status === 'FAILED').length,
    },
    summary: {
      checkpointed_size: summary(completed.map((c) => c.size)),
      state_size: summary(completed.map((c) => c.size)),
      end_to_end_duration: summary(completed.map((c) => Math.round(c.duration ?? 0))),
      alignment_buffered: summary([]),
      processed_data: summary([]),
      persisted_data: summary([]),
    },
    latest: {
      completed: newest((c) => c.status === 'COMPLETED' && !c.savepoint),
      savepoint: newest((c) => c.status === 'COMPLETED' && c.savepoint === true),
      failed: newest((c) => c.status === 'FAILED'),
      restored: null,
    },
    history: [...all].reverse().map((c) => checkpointStatistics(c, job)),
  };
}
