// A checkpoint between trigger and completion (Flink's PendingCheckpoint): its stats, the acks so far, and the `_metadata` they make.
import type { JobGraph } from '../../compiler/physical/job-graph';
import type { Clock } from '../clock';
import type { TaskAck } from '../task/stream-task';
import type { CheckpointingMode } from '../task/barrier-aligner';
import {
  type CheckpointMetadata,
  METADATA_FORMAT_VERSION,
  isShared,
  type OperatorStateEntry,
  type SubtaskState,
} from './metadata';
import type { SavepointTarget } from './storage';
import { WEIR_VERSION } from '../version';
import { crc32Hex } from './crc32';

export interface CheckpointStats {
  readonly id: number;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  readonly triggerTime: number;
  duration?: number;
  syncDuration: number;
  asyncDuration: number;
  alignmentDuration: number;
  size: number;
  /** Whether some task took it unaligned, and the bytes of in-flight data persisted. */
  unaligned?: boolean;
  inFlightBytes?: number;
  location?: string;
  failure?: string;
  /** A savepoint (Flink's `is_savepoint`), not a checkpoint. */
  readonly savepoint?: true;
}

export interface CompletedCheckpoint {
  readonly id: number;
  readonly location: string;
  readonly size: number;
  readonly duration: number;
  readonly metadata: CheckpointMetadata;
}

export interface PendingCheckpoint {
  readonly id: number;
  readonly stats: CheckpointStats;
  readonly waiting: Set<string>;
  readonly acks: TaskAck[];
  readonly final: boolean;
  readonly done: { resolve: (c: CompletedCheckpoint) => void; reject: (e: Error) => void }[];
  /** A savepoint: written to its own folder, always full and canonical, never retained or subsumed here. */
  readonly savepoint?: SavepointTarget;
  /** Whether completing it notifies the tasks (sinks commit): checkpoints and stop-with-savepoint only. */
  readonly notifies: boolean;
  cancelTimeout: () => void;
}

/** What `_metadata` records of the job besides the tasks' acks. */
export interface MetadataContext {
  readonly jobName: string;
  /** This run's job id: checkpoints go to `<job name>/<job id>/`. */
  readonly jobId: string;
  readonly graph: JobGraph;
  readonly clock: Clock;
  readonly mode: CheckpointingMode;
  readonly backend: 'hashmap' | 'rocksdb';
  /** The job's statement, hashed into `_metadata`. */
  readonly queryText?: string;
  /**
   * Record counts of the job's life before the running attempt (those of the checkpoint it restored; zero
   * on a fresh start); undefined when unknown (restored from a checkpoint that did not record them).
   */
  readonly recordsBefore?: () => { recordsIn: number; recordsOut: number } | undefined;
}

/** The `_metadata` of `p` once every task acknowledged: its acks' state per operator uid, in the graph's order. */
export function finalizeMetadata(p: PendingCheckpoint, job: MetadataContext): CheckpointMetadata {
  const byUid = new Map<string, SubtaskState[]>();
  for (const ack of p.acks) {
    for (const op of ack.operators) {
      const list = byUid.get(op.uid) ?? [];
      list.push({
        subtask: op.subtask,
        keyGroupRange: op.keyGroupRange,
        ...(op.keyed ? { keyed: op.keyed } : {}),
        ...(op.keyedChain ? { keyedChain: op.keyedChain } : {}),
        ...(op.native ? { native: op.native } : {}),
        ...(op.operatorState !== undefined ? { operatorState: op.operatorState } : {}),
        ...(op.inputChannelState ? { inputChannelState: op.inputChannelState } : {}),
      });
      byUid.set(op.uid, list);
    }
  }
  const operators: OperatorStateEntry[] = job.graph.operators.map((op) => ({
    uid: op.uid,
    name: op.name,
    kind: op.spec.kind,
    parallelism: op.parallelism,
    subtasks: (byUid.get(op.uid) ?? []).sort((a, b) => a.subtask - b.subtask),
  }));
  const sourceOffsets: Record<string, unknown[]> = {};
  for (const op of operators)
    if (op.kind === 'source') sourceOffsets[op.uid] = op.subtasks.map((s) => s.operatorState);
  const before = job.recordsBefore ? job.recordsBefore() : { recordsIn: 0, recordsOut: 0 };
  const kinds = new Map(operators.map((o) => [o.uid, o.kind]));
  const records = before && { ...before };
  for (const ack of p.acks)
    for (const op of ack.operators) {
      if (!records || op.records === undefined) continue;
      if (kinds.get(op.uid) === 'source') records.recordsIn += op.records;
      else records.recordsOut += op.records;
    }
  const now = job.clock.now();
  return {
    formatVersion: METADATA_FORMAT_VERSION,
    jobName: job.jobName,
    jobId: job.jobId,
    checkpointId: p.id,
    kind: p.savepoint ? 'savepoint' : 'checkpoint',
    weirVersion: WEIR_VERSION,
    ...(job.queryText !== undefined ? { queryHash: crc32Hex(new TextEncoder().encode(job.queryText)) } : {}),
    snapshotType:
      !p.savepoint &&
      p.acks.some((a) =>
        a.operators.some(
          (o) => (o.keyedChain?.length ?? 0) > 1 || (o.native?.files.some((f) => isShared(f.file)) ?? false),
        ),
      )
        ? 'incremental'
        : 'full',
    mode: job.mode,
    backend: job.backend,
    maxParallelism: job.graph.maxParallelism,
    triggerTime: p.stats.triggerTime,
    completionTime: now,
    durationMs: now - p.stats.triggerTime,
    sourceOffsets,
    operators,
    stateSize: p.stats.size,
    ...records,
    ...(p.stats.unaligned ? { unaligned: true, inFlightBytes: p.stats.inFlightBytes ?? 0 } : {}),
  };
}
