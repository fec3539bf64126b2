// What restoring a job from a checkpoint or savepoint would do, operator by operator: restored, new or unclaimed.
import type { CompiledJob } from '../../compiler/compile';
import { type CheckpointMetadata, type OperatorStateEntry, stateFiles } from './metadata';

export interface RestorePlanRow {
  readonly uid: string;
  readonly name: string;
  /**
   * `restored`: the job's operator takes this state; `new`: it starts empty; `unclaimed`: no operator
   * takes it; `stateless`: the operator keeps no state.
   */
  readonly status: 'restored' | 'new' | 'unclaimed' | 'stateless';
  /** Bytes of keyed state in the snapshot (restored and unclaimed). */
  readonly bytes: number;
  readonly oldParallelism?: number;
  readonly newParallelism?: number;
}

export interface RestorePlan {
  readonly rows: readonly RestorePlanRow[];
  /** Why the restore would fail; empty when it would succeed. */
  readonly problems: readonly string[];
}

function holdsState(o: OperatorStateEntry): boolean {
  return o.subtasks.some((s) => stateFiles(s).length > 0 || s.operatorState !== undefined);
}

function bytesOf(o: OperatorStateEntry): number {
  return o.subtasks.reduce((n, s) => n + stateFiles(s).reduce((m, f) => m + f.size, 0), 0);
}

/**
 * Matches the snapshot's operators to the job's by uid. Uids derive from what an operator is (its sink,
 * kind, keys and aggregates), so an operator whose keys or aggregates changed is new, and its old state is
 * unclaimed: never restored into the wrong shape.
 */
export function restorePlan(m: CheckpointMetadata, job: CompiledJob, ignoreUnclaimed: boolean): RestorePlan {
  const saved = new Map(m.operators.map((o) => [o.uid, o]));
  const rows: RestorePlanRow[] = [];
  for (const op of job.graph.operators) {
    const s = saved.get(op.uid);
    const keeps = op.stateful || op.spec.kind === 'source' || op.spec.kind === 'sink';
    rows.push({
      uid: op.uid,
      name: op.name,
      status: !keeps ? 'stateless' : s && holdsState(s) ? 'restored' : 'new',
      bytes: s ? bytesOf(s) : 0,
      ...(s ? { oldParallelism: s.parallelism } : {}),
      newParallelism: op.parallelism,
    });
  }
  const uids = new Set(job.graph.operators.map((o) => o.uid));
  const unclaimed = m.operators.filter((o) => !uids.has(o.uid) && holdsState(o));
  for (const o of unclaimed)
    rows.push({
      uid: o.uid,
      name: o.name,
      status: 'unclaimed',
      bytes: bytesOf(o),
      oldParallelism: o.parallelism,
    });
  const problems: string[] = [];
  if (m.maxParallelism !== job.graph.maxParallelism)
    problems.push(
      `the ${m.kind} was taken with max parallelism ${m.maxParallelism}, the job has ${job.graph.maxParallelism} ('pipeline.max-parallelism' must not change: key groups would move)`,
    );
  if (unclaimed.length > 0 && !ignoreUnclaimed) {
    const fresh = rows.filter(
      (r) => r.status === 'new' && job.graph.operators.find((o) => o.uid === r.uid)?.stateful,
    );
    const hint = unclaimed
      .map((o) => {
        const kind = o.uid.replace(/-[0-9a-f]+$/, '');
        const like = fresh.filter((r) => r.uid.replace(/-[0-9a-f]+$/, '') === kind);
        return like.length
          ? `${o.uid} (${o.name}) is not claimed; the job's ${like.map((r) => `${r.uid} (${r.name})`).join(', ')} ${like.length > 1 ? 'are' : 'is'} new: its keys or aggregates changed, so the old state does not fit it`
          : `${o.uid} (${o.name}) belongs to no operator of the job${
              kind === 'source'
                ? " (a table a job reads more than once is read by one source since weir reuses sources: 'table.optimizer.reuse-source-enabled' = 'false' gives the job its sources back)"
                : ''
            }`;
      })
      .join('; ');
    problems.push(
      `${hint}. Set 'execution.state-recovery.ignore-unclaimed-state' = 'true' to drop the unclaimed state and start those operators empty`,
    );
  }
  return { rows, problems };
}

/** EXPLAIN RESTORE's answer: one line per operator, then whether the restore would succeed. */
export function formatRestorePlan(
  plan: RestorePlan,
  location: string,
  formatBytes: (n: number) => string,
): string {
  const lines = [`== Restore from ${location} ==`];
  const width = Math.max(...plan.rows.map((r) => r.uid.length), 3);
  for (const r of plan.rows) {
    const p =
      r.oldParallelism !== undefined &&
      r.newParallelism !== undefined &&
      r.oldParallelism !== r.newParallelism
        ? `, parallelism ${r.oldParallelism} -> ${r.newParallelism}`
        : '';
    const what =
      r.status === 'new'
        ? 'starts empty'
        : r.status === 'stateless'
          ? 'no state'
          : r.bytes > 0
            ? `${formatBytes(r.bytes)} keyed state`
            : 'offsets or pending commits';
    lines.push(`${r.status.toUpperCase().padEnd(9)} ${r.uid.padEnd(width)}  ${r.name}  (${what}${p})`);
  }
  lines.push(
    plan.problems.length
      ? `The restore would fail: ${plan.problems.join('; ')}`
      : 'The restore would succeed.',
  );
  return lines.join('\n');
}
