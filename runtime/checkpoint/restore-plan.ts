// What restoring a job from a checkpoint or savepoint would do, operator by operator: restored, new or unclaimed.
import type { CompiledJob } from '../../compiler/compile';
import { setting } from '../task/task-builder';
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
  problems.push(...inFlightRescaleProblems(m, job));
  const shared = sharedReaders(job, unclaimed);
  problems.push(...reuseProblems(m, job, shared, rows));
  const rest = unclaimed.filter((o) => !shared.includes(o));
  if (rest.length > 0 && !ignoreUnclaimed) {
    const fresh = rows.filter(
      (r) => r.status === 'new' && job.graph.operators.find((o) => o.uid === r.uid)?.stateful,
    );
    const hint = rest
      .map((o) => {
        const kind = o.uid.replace(/-[0-9a-f]+$/, '');
        const like = fresh.filter((r) => r.uid.replace(/-[0-9a-f]+$/, '') === kind);
        return like.length
          ? `${o.uid} (${o.name}) is not claimed; the job's ${like.map((r) => `${r.uid} (${r.name})`).join(', ')} ${like.length > 1 ? 'are' : 'is'} new: its keys or aggregates changed, so the old state does not fit it`
          : `${o.uid} (${o.name}) belongs to no operator of the job`;
      })
      .join('; ');
    problems.push(
      `${hint}. Set 'execution.state-recovery.ignore-unclaimed-state' = 'true' to drop the unclaimed state and start those operators empty`,
    );
  }
  return { rows, problems };
}

/**
 * In-flight data of an unaligned checkpoint belongs to one subtask's input channels: weir does not split it
 * over another parallelism (Flink 1.20 does), so rescaling such a checkpoint is refused; a savepoint (always
 * aligned) or an aligned checkpoint rescales.
 */
function inFlightRescaleProblems(m: CheckpointMetadata, job: CompiledJob): string[] {
  const ops = new Map(job.graph.operators.map((o) => [o.uid, o]));
  return m.operators
    .filter((o) => o.subtasks.some((s) => s.inputChannelState) && ops.get(o.uid)?.parallelism !== undefined)
    .filter((o) => ops.get(o.uid)!.parallelism !== o.parallelism)
    .map(
      (o) =>
        `${o.uid} (${o.name}) has in-flight data of an unaligned checkpoint at parallelism ${o.parallelism}, the job runs it at ${ops.get(o.uid)!.parallelism}: in-flight data cannot be rescaled. Restore at parallelism ${o.parallelism}, then take a savepoint (always aligned) and rescale from it`,
    );
}

/**
 * With source reuse on, the snapshot's sources (and watermark assigners) of a table the job reads once:
 * unclaimed entries named like one of the job's operators.
 */
function sharedReaders(job: CompiledJob, unclaimed: readonly OperatorStateEntry[]): OperatorStateEntry[] {
  if (setting(job.config, 'table.optimizer.reuse-source-enabled')!.toLowerCase() === 'false') return [];
  const names = new Set(job.graph.operators.map((o) => o.name));
  return unclaimed.filter(
    (o) => (o.kind === 'source' || o.kind === 'watermarkAssigner') && names.has(o.name),
  );
}

/**
 * A table read by one source per reader in the snapshot (`merged`: see sharedReaders) and by one in the
 * job, or the other way (the setting `table.optimizer.reuse-source-enabled` changed, or a snapshot from
 * before weir reused sources): either way some reader would miss or repeat records, whatever
 * `ignore-unclaimed-state` says.
 */
function reuseProblems(
  m: CheckpointMetadata,
  job: CompiledJob,
  merged: readonly OperatorStateEntry[],
  rows: readonly RestorePlanRow[],
): string[] {
  const problems: string[] = [];
  if (merged.length > 0)
    problems.push(
      `${merged.map((o) => `${o.uid} (${o.name})`).join(', ')} ${merged.length > 1 ? 'are' : 'is'} not claimed: the ${m.kind} read this table with one source per reader, the job reads it with one source for all ('table.optimizer.reuse-source-enabled', on by default). Restore with SET 'table.optimizer.reuse-source-enabled' = 'false': dropping this state instead would make every reader resume where one of the old sources stopped, missing or repeating the others' records`,
    );
  const resumed = new Set(rows.filter((r) => r.status === 'restored').map((r) => r.name));
  const split = job.graph.operators.filter(
    (o) =>
      o.spec.kind === 'source' && resumed.has(o.name) && rows.find((r) => r.uid === o.uid)?.status === 'new',
  );
  if (split.length > 0)
    problems.push(
      `${split.map((o) => `${o.uid} (${o.name})`).join(', ')} would read its table from the start while another source of the same table resumes: the ${m.kind} read the table with one source for every reader ('table.optimizer.reuse-source-enabled' was on), so its readers would see records twice. Restore with SET 'table.optimizer.reuse-source-enabled' = 'true'`,
    );
  return problems;
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
