// A running job as the session sees it: status, checkpoints, metrics, cancel.
import type { CompiledJob } from '../compiler/compile';
import type { CheckpointStats, CompletedCheckpoint } from './checkpoint/coordinator';
import type { OperatorMetrics } from './operator';

export type JobStatus = 'RUNNING' | 'RESTARTING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export interface JobResult {
  readonly status: 'FINISHED' | 'FAILED' | 'CANCELED';
  readonly error?: string;
}

export interface JobMetrics {
  /** Rows the sources produced. */
  recordsIn: number;
  /** Rows the sinks received. */
  recordsOut: number;
  lateRecords: number;
  badRecords: number;
  restarts: number;
  /** "chk-7 (2.1 KB, 12 ms)" or undefined. */
  lastCheckpoint: string | undefined;
  /** Live keyed-state entries over all stateful operators. */
  stateEntries: number;
  /**
   * Present when the running attempt restored a checkpoint or savepoint (records in and out then count since
   * the restore, as Flink's numRecordsIn does): the counts of the job's life before it, when the checkpoint
   * recorded them.
   */
  restored?: { readonly recordsIn?: number; readonly recordsOut?: number };
}

export interface JobHandle {
  /** The run's job id: 32 hex digits, new for every run (Flink's JobID). */
  readonly id: string;
  readonly name: string;
  status(): JobStatus;
  readonly done: Promise<JobResult>;
  triggerCheckpoint(): Promise<CompletedCheckpoint>;
  /** Takes a savepoint into a new folder under `dir` (default `execution.checkpointing.savepoint-dir`). */
  triggerSavepoint(dir?: string): Promise<CompletedCheckpoint>;
  /** Takes a savepoint, then stops the job (FINISHED): sinks committed exactly what the savepoint holds. */
  stopWithSavepoint(dir?: string): Promise<CompletedCheckpoint>;
  /**
   * Graceful stop (the first SIGINT or SIGTERM): a checkpoint, whose completion commits the sinks' output, then
   * a cancel that keeps the job's checkpoints, so that `--from-checkpoint latest` resumes exactly there.
   */
  stopWithCheckpoint(): Promise<CompletedCheckpoint>;
  cancel(): Promise<void>;
  checkpoints(): readonly CheckpointStats[];
  metrics(): JobMetrics;
  /** What the job runs: its graph and configuration (the REST API and the dashboard draw it). */
  readonly compiled: CompiledJob;
  /** When the job started (epoch ms). */
  readonly startTime: number;
  /** Each operator's counters by uid, then subtask index (a hole: that subtask has not reported yet). */
  operatorMetrics(): ReadonlyMap<string, readonly (OperatorMetrics | undefined)[]>;
  /** The newest completed checkpoint (or stop-with-savepoint), with its `_metadata`. */
  latestCompleted(): CompletedCheckpoint | undefined;
}
