// ChangelogNormalize (Flink's name): the last row per primary key of a changelog source, so that what follows sees a clean changelog.
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind, isAccumulate } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { sameRow } from './group-aggregate';

/**
 * Per key, the row last inserted or updated (Flink's DeduplicateFunctionHelper.processLastRowOnChangelog):
 * - +I/+U: the key's first row becomes +I; a later one becomes -U (the previous row) and +U, unless it equals
 *   the previous row (then nothing, when no state TTL is set);
 * - -U/-D: -D with the stored row (the input may carry only the key), and the key is forgotten; nothing
 *   when the key is unknown (a delete of a row never seen, or a repeated delete).
 */
export class ChangelogNormalizeOperator implements StreamOperator {
  private table!: KeyedTable<Row>;
  private readonly select: (row: Row) => StateKey;
  private maxParallelism = 128;
  private ttl = 0;

  /** With `dropUpdateBefore`, -U rows are dropped on input and updates go out as +U alone (Flink's DropUpdateBefore). */
  constructor(
    keys: readonly number[],
    private readonly dropUpdateBefore = false,
  ) {
    this.select = keySelector(keys);
  }

  open(ctx: OperatorContext): void {
    this.table = ctx.state!.table<Row>('last');
    this.maxParallelism = ctx.maxParallelism;
    this.ttl = ctx.stateTtl;
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    if (call.kind === 'batch') addRowKeys(call.batch.rows, this.select, this.maxParallelism, into);
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const { rows, kinds } = batch;
    const b = new BatchBuilder();
    for (let i = 0; i < rows.length; i++) {
      if (this.dropUpdateBefore && kinds?.[i] === RowKind.UpdateBefore) continue;
      const row = rows[i]!;
      const key = this.select(row);
      const keyGroup = keyGroupOf(key, this.maxParallelism);
      const before = this.table.get(keyGroup, key);
      if (kinds === undefined || isAccumulate(kinds[i]!)) {
        if (before === undefined) b.add(row, RowKind.Insert);
        else if (this.ttl === 0 && sameRow(before, row)) continue;
        else {
          if (!this.dropUpdateBefore) b.add(before, RowKind.UpdateBefore);
          b.add(row, RowKind.UpdateAfter);
        }
        this.table.put(keyGroup, key, row);
      } else if (before !== undefined) {
        b.add(before, RowKind.Delete);
        this.table.delete(keyGroup, key);
      }
    }
    if (b.size > 0) out.emit(b.take());
  }

  processWatermark(timestamp: number, out: Output): void {
    out.emitWatermark(timestamp);
  }
}
