// The sink operator: hands batches to a SinkWriter, pre-commits at barriers and commits on checkpoint completion.
import type { ConnectorContext, SinkWriter } from '../connectors/connector';
import type { RecordBatch } from '../messages';
import type { OperatorContext, RestoredOperatorState, StreamOperator } from '../operator';

export class SinkOperator implements StreamOperator {
  constructor(
    private readonly writer: SinkWriter,
    private readonly connector: (ctx: OperatorContext) => ConnectorContext,
  ) {}

  async open(ctx: OperatorContext, restored: RestoredOperatorState | undefined): Promise<void> {
    await this.writer.open(
      this.connector(ctx),
      restored ? { checkpointId: restored.checkpointId, all: restored.all, own: restored.own } : undefined,
    );
  }

  processBatch(_input: number, batch: RecordBatch): void {
    this.writer.write(batch);
  }

  processWatermark(timestamp: number): void {
    this.writer.watermark?.(timestamp);
  }

  hasCapacity(): boolean {
    return this.writer.hasCapacity?.() ?? true;
  }

  snapshotState(checkpointId: number): unknown {
    return this.writer.snapshot?.(checkpointId);
  }

  notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    return this.writer.commit?.(checkpointId);
  }

  finish(): void | Promise<void> {
    return this.writer.finish?.();
  }

  close(): void | Promise<void> {
    return this.writer.close?.();
  }
}
