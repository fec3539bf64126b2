// UNION ALL: every input's rows pass through unchanged (the task merges watermarks and aligns barriers).
import type { RecordBatch } from '../messages';
import type { Output, StreamOperator } from '../operator';

export class UnionOperator implements StreamOperator {
  open(): void {}

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    out.emit(batch);
  }
}
