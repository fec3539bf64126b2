// A channel between two subtasks: a FIFO of stream elements with a capacity for backpressure.
import type { StreamElement } from '../messages';
import { Fifo } from './fifo';

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
export class Channel extends Fifo<StreamElement> implements ChannelWriter, ChannelReader {
  constructor(
    readonly name: string,
    readonly capacity = 8,
  ) {
    super();
  }

  /** Whether the producer may push another batch. */
  hasCapacity(): boolean {
    return this.size < this.capacity;
  }
}
