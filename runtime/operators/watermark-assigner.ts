// WatermarkAssigner: bounded out-of-orderness — after each batch, the watermark is the largest `expr(row)` seen so far.
import { compileScalar } from '../../compiler/codegen/compile-rex';
import type { Rex } from '../../compiler/rex';
import type { RecordBatch, Row } from '../messages';
import type { OperatorContext, Output, RestoredOperatorState, StreamOperator } from '../operator';

export class WatermarkAssignerOperator implements StreamOperator {
  private readonly expr: (row: Row) => unknown;
  private current = -Infinity;
  private ctx!: OperatorContext;

  constructor(watermark: Rex) {
    this.expr = compileScalar(watermark);
  }

  open(ctx: OperatorContext, restored: RestoredOperatorState | undefined): void {
    this.ctx = ctx;
    // Watermarks are part of checkpoints: after a restore event time does not go back.
    if (typeof restored?.own === 'number') this.current = restored.own;
  }

  snapshotState(): unknown {
    return this.current === -Infinity ? undefined : this.current;
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
