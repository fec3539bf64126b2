// A channel's queue where unaligned barriers overtake what is queued (Flink's priority events), counting what they overtook.
import type { CheckpointBarrier } from '../messages';
import { Fifo } from './fifo';

/** How a queue's element type shows a barrier (a stream element, or its encoded form between threads). */
export interface BarrierView<T> {
  barrier(x: T): CheckpointBarrier | undefined;
  of(b: CheckpointBarrier): T;
}

/**
 * A FIFO in which an unaligned barrier is put ahead of every queued element except earlier unaligned
 * barriers, with `overtaken` = how many elements it jumped: the consumer treats that many elements after it
 * as in-flight data of the checkpoint (channel state). An aligned barrier with a timeout is promoted the same
 * way once its deadline passed (`promoteTimedOut`).
 */
export class OvertakingFifo<T> extends Fifo<T> {
  /** Unaligned barriers at the head, not yet polled. */
  private priority = 0;
  /** The earliest deadline of a queued aligned barrier with a timeout. */
  timeoutAt: number | undefined;

  constructor(private readonly view: BarrierView<T>) {
    super();
  }

  override push(e: T): void {
    const b = this.view.barrier(e);
    if (b !== undefined) {
      if (b.unaligned && b.overtaken === undefined) {
        this.insertAt(this.priority, this.view.of({ ...b, overtaken: this.size - this.priority }));
        this.priority++;
        return;
      }
      if (b.alignedTimeout !== undefined && !b.unaligned)
        this.timeoutAt = Math.min(this.timeoutAt ?? Infinity, b.timestamp + b.alignedTimeout);
    }
    super.push(e);
  }

  override poll(): T | undefined {
    const e = super.poll();
    if (this.priority > 0 && e !== undefined) this.priority--;
    return e;
  }

  /** Whether an unaligned barrier waits at the head (the task handles it even while backpressured). */
  hasPriority(): boolean {
    return this.priority > 0;
  }

  /** The `n` elements an unaligned barrier just read overtook (behind any other unaligned barriers). */
  overtakenElements(n: number): T[] {
    const out: T[] = [];
    for (let i = 0; i < n && this.priority + i < this.size; i++) out.push(this.at(this.priority + i)!);
    return out;
  }

  /** Aligned barriers whose timeout passed by `now` turn unaligned and overtake what is ahead of them. */
  promoteTimedOut(now: number): void {
    let next: number | undefined;
    for (let i = this.priority; i < this.size; i++) {
      const b = this.view.barrier(this.at(i)!);
      if (b === undefined || b.unaligned || b.alignedTimeout === undefined) continue;
      const deadline = b.timestamp + b.alignedTimeout;
      if (deadline > now) {
        next = Math.min(next ?? Infinity, deadline);
        continue;
      }
      this.removeAt(i);
      this.insertAt(this.priority, this.view.of({ ...b, unaligned: true, overtaken: i - this.priority }));
      this.priority++;
    }
    this.timeoutAt = next;
  }

  override clear(): void {
    super.clear();
    this.priority = 0;
    this.timeoutAt = undefined;
  }
}
