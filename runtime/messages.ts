// What travels between tasks: batches of rows with change kinds, watermarks, checkpoint barriers, end of input.

/** A positional row: column i of the operator's schema at index i. */
export type Row = unknown[];

/** Flink's RowKind: +I insert, -U update-before, +U update-after, -D delete. */
export const enum RowKind {
  Insert = 0,
  UpdateBefore = 1,
  UpdateAfter = 2,
  Delete = 3,
}

export const ROW_KIND_SHORT = ['+I', '-U', '+U', '-D'] as const;

/** Whether a row of this kind adds to (true) or retracts from (false) the result. */
export const isAccumulate = (k: RowKind): boolean => k === RowKind.Insert || k === RowKind.UpdateAfter;

/**
 * Rows and their kinds, parallel arrays. `kinds` is undefined when every row is an insert
 * (append-only streams skip the array entirely).
 */
export interface RecordBatch {
  readonly rows: Row[];
  readonly kinds: RowKind[] | undefined;
}

export function insertBatch(rows: Row[]): RecordBatch {
  return { rows, kinds: undefined };
}

/** Collects output rows of one operator call into a batch. */
export class BatchBuilder {
  rows: Row[] = [];
  kinds: RowKind[] | undefined = undefined;

  add(row: Row, kind: RowKind): void {
    if (kind !== RowKind.Insert && this.kinds === undefined)
      this.kinds = new Array<RowKind>(this.rows.length).fill(RowKind.Insert);
    this.rows.push(row);
    if (this.kinds !== undefined) this.kinds.push(kind);
  }

  get size(): number {
    return this.rows.length;
  }

  /** The batch so far, and a fresh start. */
  take(): RecordBatch {
    const b = { rows: this.rows, kinds: this.kinds };
    this.rows = [];
    this.kinds = undefined;
    return b;
  }
}

export interface CheckpointBarrier {
  readonly kind: 'barrier';
  readonly checkpointId: number;
  readonly timestamp: number;
  /** A savepoint is taken like a checkpoint but always full and kept by the user. */
  readonly isSavepoint: boolean;
  /**
   * Unaligned (Flink's priority barrier): the barrier overtakes the elements queued ahead of it, and the
   * batches it overtook become the checkpoint's channel state. Savepoints and final checkpoints are aligned.
   */
  readonly unaligned?: boolean;
  /**
   * `execution.checkpointing.aligned-checkpoint-timeout` in ms: an aligned barrier still queued or aligning
   * this long after `timestamp` turns unaligned.
   */
  readonly alignedTimeout?: number;
  /** Set by a channel when it put an unaligned barrier ahead of its queue: how many elements it overtook. */
  readonly overtaken?: number;
}

export type StreamElement =
  | { readonly kind: 'batch'; readonly batch: RecordBatch }
  | { readonly kind: 'watermark'; readonly timestamp: number }
  | CheckpointBarrier
  /** The sender has no data for a while: its watermark stops holding back the minimum (Flink's IDLE status). */
  | { readonly kind: 'idle' }
  /**
   * No more records will come (Flink's EndOfData): operators finish and emit what they hold. Barriers
   * still follow, so the final checkpoint commits what finishing produced; `end` closes the channel.
   */
  | { readonly kind: 'endOfData' }
  | { readonly kind: 'end' };
