// The operator contract (Flink's names): operators only transform batches; the task loop does barriers and timing.
import type { Clock } from './clock';
import type { KeyGroupRange } from './key-groups';
import type { RecordBatch } from './messages';
import type { KeyedStateBackend } from './state/backend';
import type { StateKeyRefs } from './state/key-refs';
import type { JobOperator } from '../compiler/physical/job-graph';

/** Where an operator's results go: the next operator of the chain, or the task's outgoing channels. */
export interface Output {
  emit(batch: RecordBatch): void;
  emitWatermark(timestamp: number): void;
}

/** Counters an operator updates and SHOW JOBS / the progress line read. */
export interface OperatorMetrics {
  recordsIn: number;
  recordsOut: number;
  lateRecords: number;
  /** Bad input records skipped or sent to a dead-letter path. */
  badRecords: number;
  watermark: number;
  /**
   * The task's time in milliseconds, counted on its chain's first operator only (Flink's task metrics):
   * doing work, waiting for room downstream, and waiting for input.
   */
  busyTimeMs: number;
  backPressuredTimeMs: number;
  idleTimeMs: number;
}

export function newMetrics(): OperatorMetrics {
  return {
    recordsIn: 0,
    recordsOut: 0,
    lateRecords: 0,
    badRecords: 0,
    watermark: -Infinity,
    busyTimeMs: 0,
    backPressuredTimeMs: 0,
    idleTimeMs: 0,
  };
}

export interface OperatorContext {
  readonly jobName: string;
  readonly operator: JobOperator;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  /** This operator's keyed state (stateful operators only). */
  readonly state: KeyedStateBackend | undefined;
  readonly clock: Clock;
  readonly metrics: OperatorMetrics;
  /** 0 for the first run, then 1, 2, … after each restart. */
  readonly attempt: number;
  /** The changelog mode of each input: updating inputs need retraction-aware accumulators. */
  readonly inputUpdating: readonly boolean[];
  /** Records per batch the sources produce (`weir.batch-size`). */
  readonly batchSize: number;
  /** `table.exec.state.ttl` in ms: GROUP BY and regular-join keys idle this long expire (0: never). */
  readonly stateTtl: number;
  /** `table.exec.emit.allow-lateness` in ms: event-time windows accept rows this late and emit updates. */
  readonly allowLateness: number;
}

/** What an operator gets back on restore, besides its keyed state (already loaded into `state`). */
export interface RestoredOperatorState {
  readonly checkpointId: number;
  /** The state this subtask index returned from `snapshotState`, if any. */
  readonly own: unknown;
  /** Every subtask's state (Flink's union list state), e.g. for a sink's pending commits. */
  readonly all: readonly unknown[];
}

export interface StreamOperator {
  open(ctx: OperatorContext, restored: RestoredOperatorState | undefined): void | Promise<void>;
  /** MUST be synchronous: the task calls operators of a chain one after another per batch. */
  processBatch(input: number, batch: RecordBatch, out: Output): void;
  /** Default: forward the watermark. */
  processWatermark?(timestamp: number, out: Output): void;
  /**
   * Called by the task loop with the clock's time, at least every few milliseconds while the task runs:
   * processing-time windows fire here. MUST be cheap when there is nothing to do.
   */
  processProcessingTime?(now: number, out: Output): void;
  /**
   * The synchronous part of a checkpoint at the barrier; returns the operator's non-keyed state (JSON-able),
   * or a promise of it when something must become durable first (a sink flushing its pre-committed file).
   */
  snapshotState?(checkpointId: number, out: Output): unknown;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void;
  /** Every input has ended (bounded input): emit what remains. */
  finish?(out: Output): void | Promise<void>;
  close?(): void | Promise<void>;
  /**
   * Keyed operators: adds to `into` every key (of any of its tables) the next call will read or write, so
   * that a backend keeping state on disk (rocksdb) loads them first. Not called on the heap backend.
   */
  stateKeys?(call: StateCall, into: StateKeyRefs): void;
  /**
   * Loads from outside what the next call needs (a lookup join's keys from a database); the task awaits it
   * before the call, as it awaits a RocksDB prefetch. Called on the head of a chain only; undefined when
   * nothing had to be loaded.
   */
  prefetch?(call: StateCall): Promise<void> | undefined;
  /** Sinks: false while the external system is behind; the task then reads no input (backpressure). */
  hasCapacity?(): boolean;
  /**
   * Heads of a chain only (AsyncCalc): work to await before `processBatch(input, batch)` runs; the task reads
   * nothing else meanwhile, so barriers and watermarks keep their place after the batch.
   */
  prepareBatch?(input: number, batch: RecordBatch): Promise<void> | undefined;
}

/** The operator call that `stateKeys` is asked about. */
export type StateCall =
  | { readonly kind: 'batch'; readonly input: number; readonly batch: RecordBatch }
  | { readonly kind: 'watermark'; readonly timestamp: number }
  | { readonly kind: 'time'; readonly now: number }
  | { readonly kind: 'finish' };

/** A source is the head of its chain: the task polls it instead of reading channels. */
export interface SourceOperator extends StreamOperator {
  /** Emits up to one batch; `idle` when nothing is available now (a tailing file), `end` when exhausted. */
  poll(out: Output): 'more' | 'idle' | 'end';
  /** The position to resume from, stored in the checkpoint (JSON-able). */
  snapshotState(checkpointId: number, out: Output): unknown;
}

export function isSource(op: StreamOperator): op is SourceOperator {
  return typeof (op as SourceOperator).poll === 'function';
}
