// A job's metrics as the job master reports them: its subtasks' operator counters summed, restarts, state size.
import type { JobOperator } from '../compiler/physical/job-graph';
import type { CompletedCheckpoint } from './checkpoint/coordinator';
import type { JobMetrics } from './job';
import type { OperatorMetrics } from './operator';
import type { KeyedStateBackend } from './state/backend';

export interface JobMetricsSources {
  readonly operators: readonly JobOperator[];
  /** Each operator's metrics by subtask index. */
  readonly opMetrics: ReadonlyMap<string, readonly OperatorMetrics[]>;
  readonly restarts: number;
  readonly latestCompleted: CompletedCheckpoint | undefined;
  /** The keyed state backends of the subtasks on this thread. */
  readonly backends: readonly KeyedStateBackend[];
  /** Keyed-state entries per task manager, as last reported. */
  readonly remoteStateEntries: ReadonlyMap<number, number>;
  /** The restored checkpoint's counts of the job's earlier life (see JobMetrics.restored). */
  readonly restored?: JobMetrics['restored'];
}

/** Rows in are what the sources emitted, rows out what the sinks received; late and bad rows over all operators. */
export function jobMetrics(s: JobMetricsSources): JobMetrics {
  let recordsIn = 0;
  let recordsOut = 0;
  let late = 0;
  let bad = 0;
  for (const op of s.operators) {
    const ms = s.opMetrics.get(op.uid) ?? [];
    for (const m of ms) {
      // Task managers report their own subtasks: until all did, the list has holes.
      if (!m) continue;
      if (op.spec.kind === 'source') recordsIn += m.recordsOut;
      if (op.spec.kind === 'sink') recordsOut += m.recordsIn;
      late += m.lateRecords;
      bad += m.badRecords;
    }
  }
  const last = s.latestCompleted;
  return {
    recordsIn,
    recordsOut,
    lateRecords: late,
    badRecords: bad,
    restarts: s.restarts,
    lastCheckpoint: last ? `chk-${last.id}` : undefined,
    stateEntries:
      s.backends.reduce((n, b) => n + b.numEntries(), 0) +
      [...s.remoteStateEntries.values()].reduce((n, x) => n + x, 0),
    ...(s.restored ? { restored: s.restored } : {}),
  };
}

/**
 * The job summary's record counts: `1000 records in, 1000 out`; after a restore the job's whole life and, in
 * brackets, this run's: `1000 records in (400 since restore), 1000 out (400 since restore)`.
 */
export function formatRecordCounts(m: JobMetrics): string {
  const r = m.restored;
  if (!r) return `${m.recordsIn} records in, ${m.recordsOut} out`;
  if (r.recordsIn === undefined || r.recordsOut === undefined)
    return `${m.recordsIn} records in, ${m.recordsOut} out since restore (the checkpoint has no earlier counts)`;
  return `${r.recordsIn + m.recordsIn} records in (${m.recordsIn} since restore), ${r.recordsOut + m.recordsOut} out (${m.recordsOut} since restore)`;
}
