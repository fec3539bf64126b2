// A task's operators run back to back (Flink's OperatorChain): each one's output feeds the next, life cycle in chain order.
import type { RecordBatch } from '../messages';
import type { OperatorContext, Output, RestoredOperatorState, StreamOperator } from '../operator';

export interface ChainMember {
  readonly op: StreamOperator;
  readonly ctx: OperatorContext;
  readonly restored: RestoredOperatorState | undefined;
}

/** Passes a batch to the next operator of the chain, counting records in and out. */
class ChainOutput implements Output {
  constructor(
    private readonly next: ChainMember,
    private readonly nextOut: Output,
  ) {}

  emit(batch: RecordBatch): void {
    if (batch.rows.length === 0) return;
    this.next.ctx.metrics.recordsIn += batch.rows.length;
    this.next.op.processBatch(0, batch, this.nextOut);
  }

  emitWatermark(timestamp: number): void {
    this.next.ctx.metrics.watermark = timestamp;
    if (this.next.op.processWatermark) this.next.op.processWatermark(timestamp, this.nextOut);
    else this.nextOut.emitWatermark(timestamp);
  }
}

/** The members of one task, head first; the last one emits into `last` (the task's record writer). */
export class OperatorChain {
  /** outputs[i]: where operator i emits. */
  readonly outputs: readonly Output[];
  /** Chain members with processing-time callbacks. */
  readonly timed: readonly number[];
  /** Whether the chain has finished (end of data reached). */
  finished = false;

  constructor(
    readonly members: readonly ChainMember[],
    last: Output,
  ) {
    const outputs = new Array<Output>(members.length);
    outputs[members.length - 1] = last;
    for (let i = members.length - 2; i >= 0; i--)
      outputs[i] = new ChainOutput(members[i + 1]!, outputs[i + 1]!);
    this.outputs = outputs;
    const timed: number[] = [];
    members.forEach((m, i) => {
      if (m.op.processProcessingTime) timed.push(i);
    });
    this.timed = timed;
  }

  async open(): Promise<void> {
    for (const m of this.members) await m.op.open(m.ctx, m.restored);
  }

  /** Passes the task's (advanced) watermark to the head. */
  processWatermark(timestamp: number): void {
    const head = this.members[0]!;
    head.ctx.metrics.watermark = timestamp;
    if (head.op.processWatermark) head.op.processWatermark(timestamp, this.outputs[0]!);
    else this.outputs[0]!.emitWatermark(timestamp);
  }

  fireProcessingTime(now: number): void {
    for (const i of this.timed) this.members[i]!.op.processProcessingTime!(now, this.outputs[i]!);
  }

  /**
   * Every operator of the chain emits what it still holds; runs once, at end of data. Returns the
   * asynchronous part of finishing, if any.
   */
  finish(): Promise<void> | undefined {
    if (this.finished) return undefined;
    this.finished = true;
    // Finishing operator i may emit into operator i+1, so finish in chain order.
    const finishes: Promise<void>[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const r = this.members[i]!.op.finish?.(this.outputs[i]!);
      if (r) finishes.push(r);
    }
    return finishes.length ? Promise.all(finishes).then(() => undefined) : undefined;
  }

  notifyCheckpointAborted(id: number): void {
    for (const m of this.members) m.op.notifyCheckpointAborted?.(id);
  }

  async notifyCheckpointComplete(id: number): Promise<void> {
    for (const m of this.members) await m.op.notifyCheckpointComplete?.(id);
  }

  async close(): Promise<void> {
    for (const m of this.members) {
      try {
        await m.op.close?.();
      } finally {
        await m.ctx.state?.dispose();
      }
    }
  }
}
