// A job's tasks as Flink names them: one job vertex per operator chain, "A -> B -> C", with its operators.
import type { JobOperator } from '../../../compiler/physical/job-graph';
import type { JobHandle } from '../../job';
import { stateFiles } from '../../checkpoint/metadata';
import type { OperatorMetrics } from '../../operator';

export interface TaskVertex {
  /** The chain's first operator's uid: stable across runs of the same query. */
  readonly id: string;
  /** Flink's task name: the chained operators' names joined by " -> ". */
  readonly name: string;
  readonly parallelism: number;
  readonly operators: readonly JobOperator[];
}

/** The job's vertices, in the graph's (topological) order. */
export function taskVertices(job: JobHandle): TaskVertex[] {
  const graph = job.compiled.graph;
  const byId = new Map(graph.operators.map((o) => [o.id, o]));
  return graph.chains.map((c) => {
    const operators = c.operators.map((id) => byId.get(id)!);
    return {
      id: operators[0]!.uid,
      name: operators.map((o) => o.name).join(' -> '),
      parallelism: c.parallelism,
      operators,
    };
  });
}

/** Records an operator read: what a source emitted (FLIP-33's numRecordsIn of a source), else what it received. */
export function recordsIn(op: JobOperator, m: OperatorMetrics): number {
  return op.spec.kind === 'source' ? m.recordsOut : m.recordsIn;
}

/** An operator subtask's counters, with records out of chained operators taken from the next one's records in. */
export interface OperatorCounters {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly watermark: number;
  readonly lateRecords: number;
  /** The task's time: set on a chain's first operator only. */
  readonly busyTimeMs: number;
  readonly backPressuredTimeMs: number;
  readonly idleTimeMs: number;
}

/** Each operator's counters by uid, then subtask index (undefined: not reported yet). */
export function operatorCounters(job: JobHandle): Map<string, (OperatorCounters | undefined)[]> {
  const all = job.operatorMetrics();
  const out = new Map<string, (OperatorCounters | undefined)[]>();
  for (const v of taskVertices(job))
    v.operators.forEach((op, k) => {
      const next = v.operators[k + 1];
      const mine = all.get(op.uid) ?? [];
      const theirs = next ? (all.get(next.uid) ?? []) : [];
      out.set(
        op.uid,
        Array.from({ length: v.parallelism }, (_, i) => {
          const m = mine[i];
          if (!m) return undefined;
          const n = next ? theirs[i] : undefined;
          return {
            recordsIn: recordsIn(op, m),
            recordsOut: next ? (n?.recordsIn ?? 0) : m.recordsOut,
            watermark: m.watermark,
            lateRecords: m.lateRecords,
            busyTimeMs: m.busyTimeMs,
            backPressuredTimeMs: m.backPressuredTimeMs,
            idleTimeMs: m.idleTimeMs,
          };
        }),
      );
    });
  return out;
}

/** A task subtask's counters: records in at its head, out at its tail, and its time (kept on the head). */
export interface SubtaskCounters {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly busyTimeMs: number;
  readonly backPressuredTimeMs: number;
  readonly idleTimeMs: number;
}

/** One entry per subtask index (undefined: not reported yet). */
export function subtaskCounters(
  v: TaskVertex,
  ops: ReadonlyMap<string, readonly (OperatorCounters | undefined)[]>,
): (SubtaskCounters | undefined)[] {
  const head = ops.get(v.operators[0]!.uid) ?? [];
  const tail = ops.get(v.operators[v.operators.length - 1]!.uid) ?? [];
  return Array.from({ length: v.parallelism }, (_, i) => {
    const h = head[i];
    const t = tail[i];
    if (!h || !t) return undefined;
    return {
      recordsIn: h.recordsIn,
      recordsOut: t.recordsOut,
      busyTimeMs: h.busyTimeMs,
      backPressuredTimeMs: h.backPressuredTimeMs,
      idleTimeMs: h.idleTimeMs,
    };
  });
}

/** Bytes of each operator subtask's state in the latest completed checkpoint, by uid then subtask. */
export function checkpointedStateSizes(job: JobHandle): Map<string, number[]> {
  const sizes = new Map<string, number[]>();
  for (const op of job.latestCompleted()?.metadata.operators ?? []) {
    const list: number[] = [];
    for (const s of op.subtasks) list[s.subtask] = stateFiles(s).reduce((n, f) => n + f.size, 0);
    sizes.set(op.uid, list);
  }
  return sizes;
}
