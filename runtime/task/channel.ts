// A channel between two subtasks: a FIFO of stream elements with a capacity for backpressure.
import type { StreamElement } from '../messages';

/**
 * Message-based (elements are plain data) so that the same contract later crosses worker threads.
 * The capacity counts batches; watermarks, barriers and end markers always fit.
 */
export class Channel {
  private queue: StreamElement[] = [];
  private head = 0;

  constructor(
    readonly name: string,
    readonly capacity = 8,
  ) {}

  push(e: StreamElement): void {
    this.queue.push(e);
  }

  peek(): StreamElement | undefined {
    return this.queue[this.head];
  }

  poll(): StreamElement | undefined {
    if (this.head >= this.queue.length) return undefined;
    const e = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  /** Whether the producer may push another batch. */
  hasCapacity(): boolean {
    return this.size < this.capacity;
  }

  clear(): void {
    this.queue = [];
    this.head = 0;
  }
}
