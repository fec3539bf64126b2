// The source operator: polls a SourceReader for batches and stores its offset in each checkpoint.
import { insertBatch } from '../messages';
import type { ConnectorContext, SourceReader } from '../connectors/connector';
import type { OperatorContext, Output, RestoredOperatorState, SourceOperator } from '../operator';

export class SourceOperatorImpl implements SourceOperator {
  private batchSize = 1024;
  private ctx!: OperatorContext;

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
    if (r.length > 0) {
      this.ctx.metrics.recordsOut += r.length;
      out.emit(insertBatch(r));
    }
    return 'more';
  }

  snapshotState(): unknown {
    return this.reader.offset();
  }

  close(): void | Promise<void> {
    return this.reader.close?.();
  }
}
