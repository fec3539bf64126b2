// An unaligned checkpoint's in-flight data: per input channel, the batches its barrier overtook (Flink's channel state).
import type { RecordBatch, StreamElement } from '../messages';

/** Why a recording ended early: the checkpoint was given up, which fails nothing else. */
export class RecordingAborted extends Error {}

/** The in-flight batches of one input channel, in the order the task reads them. */
export interface RecordedChannel {
  readonly index: number;
  readonly batches: readonly RecordBatch[];
}

/**
 * Started when a task snapshots for an unaligned checkpoint; the task goes on processing everything. Per
 * channel it holds: what the barrier overtook (taken from the queue when the barrier is read, without
 * waiting for the task to process it), and on channels whose barrier had not come yet everything the task
 * reads before it. Channels that already delivered the barrier (an aligned checkpoint that timed out) or
 * ended record nothing more. `done` resolves once every channel is settled. Only batches are kept:
 * watermarks are regenerated after a restore, as in Flink.
 */
export class ChannelStateRecorder {
  private readonly batches: RecordBatch[][];
  private open: number;
  readonly done: Promise<RecordedChannel[]>;
  private resolve!: (r: RecordedChannel[]) => void;
  private reject!: (e: Error) => void;

  constructor(
    readonly checkpointId: number,
    /** Per channel: whether its barrier is still to come (everything read from it until then is recorded). */
    private readonly waiting: boolean[],
    /** Per channel, batches known to precede the barrier (restored channel state not yet read, overtaken ones). */
    prefix: readonly (readonly RecordBatch[])[],
  ) {
    this.batches = waiting.map((_, i) => [...(prefix[i] ?? [])]);
    this.open = waiting.filter(Boolean).length;
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // An aborted recording has no reader of `done` left.
    this.done.catch(() => {});
    if (this.open === 0) this.finish();
  }

  /** Whether every channel is settled (the task stops handing elements over). */
  get complete(): boolean {
    return this.open === 0;
  }

  /** An element the task read from channel `c` (before this checkpoint's barrier came on it). */
  onElement(c: number, e: StreamElement): void {
    if (this.waiting[c] && e.kind === 'batch') this.batches[c]!.push(e.batch);
  }

  /** This checkpoint's barrier came on channel `c`, ahead of the `overtaken` elements (none: it was aligned). */
  onBarrier(c: number, overtaken: readonly StreamElement[]): void {
    if (!this.waiting[c]) return;
    for (const e of overtaken) if (e.kind === 'batch') this.batches[c]!.push(e.batch);
    this.settle(c);
  }

  /** Channel `c` ended: nothing more comes before the barrier. */
  onEnd(c: number): void {
    if (this.waiting[c]) this.settle(c);
  }

  /** The checkpoint was given up (aborted, or subsumed by a newer barrier). */
  abort(reason: RecordingAborted): void {
    this.open = 0;
    this.waiting.fill(false);
    this.reject(reason);
  }

  private settle(c: number): void {
    this.waiting[c] = false;
    if (--this.open === 0) this.finish();
  }

  private finish(): void {
    this.resolve(
      this.batches.map((batches, index) => ({ index, batches })).filter((r) => r.batches.length > 0),
    );
  }
}
