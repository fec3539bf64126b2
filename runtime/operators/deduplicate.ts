// Deduplicate (Flink's Deduplicate functions): per key, the first or the last row by a time attribute.
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { sweepExpired } from '../state/ttl';

export type DeduplicateSpec = Extract<OperatorSpec, { kind: 'deduplicate' }>;

/** The row kept for a key (keep-first on processing time keeps only `true`), and its write time (state TTL). */
type Kept = [row: Row | true, written: number];

/**
 * `ROW_NUMBER() OVER (PARTITION BY k ORDER BY time ASC|DESC) = 1` on an insert-only input, row by row as Flink's
 * deduplicate functions (without mini-batch):
 *
 * - processing time, keep first (ASC): the key's first row `+I`; later rows dropped. Append-only.
 * - processing time, keep last (DESC): the first row `+I`, each later one `-U[previous]`, `+U[row]`.
 * - event time: a row replaces the kept one when its time is later or equal (keep last) or strictly earlier
 *   (keep first), emitting `-U[previous]`, `+U[row]` (`+I` for a key's first row); other rows are dropped.
 *
 * Output rows carry a NULL rank column (the rank number is not selected in a deduplication).
 */
export class DeduplicateOperator implements StreamOperator {
  private table!: KeyedTable<Kept>;
  private ctx!: OperatorContext;
  private select!: (row: Row) => StateKey;
  private ttl = 0;
  private sweep = 0;

  constructor(private readonly spec: DeduplicateSpec) {}

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
    this.table = ctx.state!.table<Kept>('deduplicate');
    this.select = keySelector(this.spec.keys);
    this.ttl = ctx.stateTtl;
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    if (call.kind === 'batch') addRowKeys(call.batch.rows, this.select, this.ctx.maxParallelism, into);
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const rows = batch.rows;
    const b = new BatchBuilder();
    const now = this.ttl > 0 ? this.ctx.clock.now() : 0;
    const { keepLastRow, timeIndex } = this.spec;
    const firstOnProctime = !keepLastRow && this.spec.timeAttribute === 'proctime';
    const lastOnProctime = keepLastRow && this.spec.timeAttribute === 'proctime';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = this.select(row);
      const keyGroup = keyGroupOf(key, this.ctx.maxParallelism);
      let kept = this.table.get(keyGroup, key);
      if (kept !== undefined && this.ttl > 0 && now - kept[1] > this.ttl) kept = undefined;
      if (firstOnProctime) {
        if (kept !== undefined) continue;
        this.table.put(keyGroup, key, [true, now]);
        b.add([...row, null], RowKind.Insert);
        continue;
      }
      const previous = kept?.[0] as Row | undefined;
      if (previous !== undefined && !lastOnProctime) {
        const t = row[timeIndex] as number;
        const p = previous[timeIndex] as number;
        if (keepLastRow ? t < p : t >= p) continue; // not a replacement: dropped
      }
      this.table.put(keyGroup, key, [row, now]);
      if (previous === undefined) b.add([...row, null], RowKind.Insert);
      else {
        b.add([...previous, null], RowKind.UpdateBefore);
        b.add([...row, null], RowKind.UpdateAfter);
      }
    }
    out.emit(b.take());
  }

  /** State TTL: a background sweep deletes keys idle longer than the TTL. */
  processProcessingTime(now: number): void {
    if (this.ttl <= 0) return;
    this.sweep = sweepExpired([this.table], this.ctx.keyGroupRange, this.sweep, (k) => now - k[1] > this.ttl);
  }
}
