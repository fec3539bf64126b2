// A channel between two subtasks: a FIFO of stream elements with a capacity for backpressure.
import type { StreamElement } from '../messages';

/** The producer's end of a channel (a RecordWriter pushes into it). */
export interface ChannelWriter {
  readonly name: string;
  push(e: StreamElement): void;
  /** Whether the producer may push another batch. */
  hasCapacity(): boolean;
}

/** The consumer's end of a channel (a StreamTask polls it). */
export interface ChannelReader {
  readonly name: string;
  poll(): StreamElement | undefined;
  readonly size: number;
}

/**
 * Message-based (elements are plain data) so that the same contract crosses worker threads
 * (runtime/node/workers: a remote channel's two ends implement ChannelWriter and ChannelReader).
 * The capacity counts batches; watermarks, barriers and end markers always fit.
 */
export class Channel implements ChannelWriter, ChannelReader {
  private queue: (StreamElement | undefined)[] = [];
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
    const e = this.queue[this.head];
    // Drained elements are not kept alive by the queue (they would survive young-generation collections).
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
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
