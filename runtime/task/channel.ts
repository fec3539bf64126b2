// A channel between two subtasks: a FIFO of stream elements with a capacity for backpressure.
import type { CheckpointBarrier, StreamElement } from '../messages';
import { type BarrierView, OvertakingFifo } from './overtaking-fifo';

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
  /** Whether an unaligned barrier waits at the head (handled even while the task is backpressured). */
  hasPriority?(): boolean;
  /** The earliest deadline of a queued aligned barrier with an aligned-checkpoint timeout. */
  readonly timeoutAt?: number | undefined;
  /** Turns queued aligned barriers whose timeout passed into unaligned ones (they overtake the queue). */
  promoteTimedOut?(now: number): void;
  /** The `n` queued elements an unaligned barrier just read overtook (they stay queued). */
  overtakenElements?(n: number): StreamElement[];
  /** Buffer debloating: the number of batches the channel should hold at most (the consumer's target). */
  setCapacity?(batches: number): void;
}

/** Stream elements seen as barriers (for OvertakingFifo). */
export const elementBarriers: BarrierView<StreamElement> = {
  barrier: (e) => (e.kind === 'barrier' ? e : undefined),
  of: (b: CheckpointBarrier) => b,
};

/**
 * Message-based (elements are plain data) so that the same contract crosses worker threads
 * (runtime/node/workers: a remote channel's two ends implement ChannelWriter and ChannelReader).
 * The capacity counts batches; watermarks, barriers and end markers always fit. Unaligned barriers overtake
 * the queue (see OvertakingFifo).
 */
export class Channel extends OvertakingFifo<StreamElement> implements ChannelWriter, ChannelReader {
  /** The capacity it was made with: debloating never goes above it. */
  private readonly maxCapacity: number;

  constructor(
    readonly name: string,
    public capacity = 8,
  ) {
    super(elementBarriers);
    this.maxCapacity = capacity;
  }

  /** Whether the producer may push another batch. */
  hasCapacity(): boolean {
    return this.size < this.capacity;
  }

  setCapacity(batches: number): void {
    this.capacity = Math.max(1, Math.min(this.maxCapacity, batches));
  }
}
