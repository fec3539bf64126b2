// GET /jobs/:jobid/figures (weir's own): what the dashboard draws each second, in one request.
import { explainJobJson } from '../../../compiler/explain/plan';
import type { JobHandle } from '../../job';
import { type JobRegistry, jobId } from './job-registry';
import type { Rates } from './rates';
import { checkpointedStateSizes, operatorCounters, taskVertices } from './tasks';

export function jobFigures(job: JobHandle, reg: JobRegistry, rates: Rates) {
  const now = Date.now();
  const counters = operatorCounters(job);
  const sizes = checkpointedStateSizes(job);
  const m = job.metrics();
  const operators = job.compiled.graph.operators.map((op) => {
    const subs = counters.get(op.uid) ?? [];
    let watermark = Infinity;
    let inSum = 0;
    let outSum = 0;
    let inRate = 0;
    subs.forEach((s, i) => {
      if (!s) return;
      inSum += s.recordsIn;
      outSum += s.recordsOut;
      watermark = Math.min(watermark, s.watermark);
      inRate += rates.operator(job, op.uid, i).recordsIn;
    });
    return {
      uid: op.uid,
      recordsIn: inSum,
      recordsOut: outSum,
      recordsInPerSecond: inRate,
      watermark: Number.isFinite(watermark) ? watermark : null,
      stateBytes: op.stateful ? (sizes.get(op.uid) ?? []).reduce((a, b) => a + (b ?? 0), 0) : undefined,
    };
  });
  const tasks = taskVertices(job).flatMap((v) =>
    Array.from({ length: v.parallelism }, (_, i) => {
      const r = rates.task(job, v, i);
      return {
        id: v.id,
        name: v.name,
        subtask: i,
        busyTimeMsPerSecond: Math.round(r.busy),
        backPressuredTimeMsPerSecond: Math.round(r.backPressured),
        idleTimeMsPerSecond: Math.round(r.idle),
        numRecordsInPerSecond: r.recordsIn,
      };
    }),
  );
  const end = reg.endTime(job);
  const checkpoints = job.checkpoints();
  const newest = checkpoints.at(-1);
  // The graph marks the operators a checkpoint reached: all of them once it completed. The coordinator keeps no
  // per-task acknowledgement times, so each shows the checkpoint's end-to-end duration (an upper bound).
  const acked =
    newest?.status === 'COMPLETED'
      ? job.compiled.graph.chains.flatMap((c) =>
          Array.from({ length: c.parallelism }, (_, i) => ({
            task: `${c.id}-${i}`,
            ms: Math.round(newest.duration ?? 0),
          })),
        )
      : [];
  return {
    id: jobId(job),
    name: job.name,
    status: job.status(),
    mode: job.compiled.config['execution.checkpointing.mode'] ?? 'EXACTLY_ONCE',
    restarts: m.restarts,
    recordsIn: m.recordsIn,
    recordsOut: m.recordsOut,
    at: now,
    elapsedMs: (end ?? now) - job.startTime,
    plan: explainJobJson(job.compiled),
    operators,
    tasks,
    checkpoints: checkpoints.slice(-50),
    ...(newest ? { barrier: { id: newest.id, inProgress: newest.status === 'IN_PROGRESS', acked } } : {}),
  };
}
