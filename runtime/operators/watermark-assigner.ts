// WatermarkAssigner: bounded out-of-orderness — after each batch, the watermark is the largest `expr(row)` seen so far.
import { compileScalar } from '../../compiler/codegen/compile-rex';
import type { Rex } from '../../compiler/rex';
import type { RecordBatch, Row } from '../messages';
import type { OperatorContext, Output, StreamOperator } from '../operator';

export class WatermarkAssignerOperator implements StreamOperator {
  private readonly expr: (row: Row) => unknown;
  private current = -Infinity;
  private ctx!: OperatorContext;

  constructor(watermark: Rex) {
    this.expr = compileScalar(watermark);
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    let max = this.current;
    for (const row of batch.rows) {
      const w = this.expr(row);
      if (typeof w === 'number' && w > max) max = w;
    }
    out.emit(batch);
    if (max > this.current) {
      this.current = max;
      this.ctx.metrics.watermark = max;
      out.emitWatermark(max);
    }
  }

  /** Upstream watermarks are ignored: this operator is where event time starts (except the end-of-input one). */
  processWatermark(timestamp: number, out: Output): void {
    if (timestamp >= Number.MAX_SAFE_INTEGER) out.emitWatermark(timestamp);
  }
}
