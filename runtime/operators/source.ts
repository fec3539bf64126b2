// The source operator: polls a SourceReader for batches and stores its offset in each checkpoint.
import { insertBatch } from '../messages';
import type { ConnectorContext, SourceReader } from '../connectors/connector';
import type { OperatorContext, Output, RestoredOperatorState, SourceOperator } from '../operator';

export class SourceOperatorImpl implements SourceOperator {
  private batchSize = 1024;
  private ctx!: OperatorContext;
  /** Offsets stored by checkpoints not yet complete (for readers that acknowledge them). */
  private readonly pending = new Map<number, unknown>();

  constructor(
    private readonly reader: SourceReader,
    private readonly connector: (ctx: OperatorContext) => ConnectorContext,
  ) {}

  async open(ctx: OperatorContext, restored: RestoredOperatorState | undefined): Promise<void> {
    this.ctx = ctx;
    this.batchSize = ctx.batchSize;
    await this.reader.open(this.connector(ctx), restored?.own, restored?.all);
  }

  processBatch(): void {
    throw new Error('a source has no inputs');
  }

  poll(out: Output): 'more' | 'idle' | 'end' {
    const r = this.reader.poll(this.batchSize);
    if (r === 'idle' || r === 'end') return r;
    const batch = Array.isArray(r) ? insertBatch(r) : r;
    if (batch.rows.length > 0) {
      this.ctx.metrics.recordsOut += batch.rows.length;
      out.emit(batch);
    }
    return 'more';
  }

  snapshotState(checkpointId: number): unknown {
    const offset = this.reader.offset();
    if (this.reader.notifyCheckpointComplete) {
      this.pending.set(checkpointId, offset);
    }
    return offset;
  }

  notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    if (!this.reader.notifyCheckpointComplete) return;
    const offset = this.pending.get(checkpointId);
    if (offset === undefined && !this.pending.has(checkpointId)) return;
    // Older pending checkpoints are subsumed by this one.
    for (const id of [...this.pending.keys()]) if (id <= checkpointId) this.pending.delete(id);
    return this.reader.notifyCheckpointComplete(checkpointId, offset);
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.pending.delete(checkpointId);
  }

  close(): void | Promise<void> {
    return this.reader.close?.();
  }
}
