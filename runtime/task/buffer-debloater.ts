// Buffer debloating (Flink's `taskmanager.network.memory.buffer-debloat.*`): a task's input channels hold about a target time of its throughput.

/** What a debloater adjusts: the task's input channels' capacities, in batches. */
export interface DebloatedChannel {
  setCapacity?(batches: number): void;
}

export interface DebloatOptions {
  /** How long the queued data of a channel should take to process (ms). */
  readonly targetMs: number;
  /** How often capacities are recalculated (ms). */
  readonly periodMs: number;
  /** The most a channel may hold (its configured capacity). */
  readonly maxBatches: number;
}

/**
 * Every period, measures how many batches a second the task read and sets each input channel's capacity to
 * hold `targetMs` of that (at least 1, at most `maxBatches`), smoothed over the last periods. Less queued
 * data means shorter aligned checkpoints and smaller unaligned ones; throughput stays while the queue
 * still covers the target time.
 */
export class BufferDebloater {
  private lastAt: number | undefined;
  private lastBatches = 0;
  /** Batches per ms, exponentially smoothed. */
  private rate: number | undefined;
  capacity: number;

  constructor(
    private readonly channels: readonly DebloatedChannel[],
    private readonly o: DebloatOptions,
  ) {
    this.capacity = o.maxBatches;
  }

  /** `batches`: how many batches the task has read so far. */
  tick(now: number, batches: number): void {
    if (this.lastAt === undefined) {
      this.lastAt = now;
      this.lastBatches = batches;
      return;
    }
    const elapsed = now - this.lastAt;
    if (elapsed < this.o.periodMs) return;
    const sample = (batches - this.lastBatches) / elapsed;
    this.lastAt = now;
    this.lastBatches = batches;
    this.rate = this.rate === undefined ? sample : this.rate * 0.7 + sample * 0.3;
    const perChannel = (this.rate * this.o.targetMs) / Math.max(1, this.channels.length);
    const capacity = Math.max(1, Math.min(this.o.maxBatches, Math.ceil(perChannel)));
    if (capacity === this.capacity) return;
    this.capacity = capacity;
    for (const c of this.channels) c.setCapacity?.(capacity);
  }
}
