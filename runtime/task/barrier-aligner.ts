// Barrier handling at a task's inputs: aligned or unaligned (EXACTLY_ONCE), or counting (AT_LEAST_ONCE).
import type { CheckpointBarrier } from '../messages';

export type CheckpointingMode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';

/** What the task must do after an event: snapshot and forward barrier `trigger`; `aborted` checkpoints are gone. */
export interface AlignerDecision {
  readonly trigger?: number;
  readonly aborted?: readonly number[];
  /** The snapshot is unaligned: in-flight data of the channels in `arrived` is not recorded (it follows the barrier). */
  readonly unaligned?: boolean;
  readonly arrived?: readonly number[];
  /** The checkpoint's trigger time and aligned-checkpoint timeout (forwarded with the barrier). */
  readonly timestamp?: number;
  readonly alignedTimeout?: number;
}

/**
 * EXACTLY_ONCE: after barrier n on a channel, that channel is blocked until barrier n has arrived on every
 * channel (ended channels count as arrived); then the task snapshots. A newer barrier aborts an older
 * unfinished alignment. AT_LEAST_ONCE: nothing blocks; the snapshot happens when the last barrier n arrives,
 * so records that came after barrier n on a fast channel are already in the state (and will be replayed).
 */
export class BarrierAligner {
  private readonly ended = new Set<number>();
  /** EXACTLY_ONCE: the checkpoint being aligned and the channels that delivered its barrier. */
  private current: number | undefined;
  private readonly arrived = new Set<number>();
  /** AT_LEAST_ONCE: per checkpoint, the channels that delivered its barrier. */
  private readonly counts = new Map<number, Set<number>>();
  private lastTriggered = 0;
  /** Checkpoints the coordinator gave up: their barriers still in flight MUST neither block nor count. */
  private readonly abortedIds = new Set<number>();
  /** When the current alignment started (first barrier), for the alignment-time metric. */
  alignmentStart: number | undefined;
  /** The current alignment's barrier: its trigger time and aligned-checkpoint timeout. */
  private currentBarrier: { timestamp: number; alignedTimeout?: number | undefined } | undefined;

  constructor(
    readonly channels: number,
    readonly mode: CheckpointingMode,
  ) {}

  isBlocked(channel: number): boolean {
    return this.mode === 'EXACTLY_ONCE' && this.current !== undefined && this.arrived.has(channel);
  }

  /**
   * EXACTLY_ONCE with an unaligned barrier (`barrier.unaligned`): the snapshot happens at once, at the first
   * barrier; an alignment of the same checkpoint in progress ends (it turns unaligned).
   */
  onBarrier(
    channel: number,
    checkpointId: number,
    now: number,
    barrier?: Pick<CheckpointBarrier, 'unaligned' | 'alignedTimeout' | 'timestamp'>,
  ): AlignerDecision {
    if (checkpointId <= this.lastTriggered || this.abortedIds.has(checkpointId)) return {};
    if (barrier?.unaligned && this.mode === 'EXACTLY_ONCE') {
      if (this.current !== undefined && checkpointId < this.current) return {};
      const aborted = this.current !== undefined && checkpointId > this.current ? [this.current] : [];
      const arrived = this.current === checkpointId ? [...this.arrived] : [];
      if (this.current !== checkpointId) this.alignmentStart = now;
      this.current = undefined;
      this.currentBarrier = undefined;
      this.arrived.clear();
      this.triggered(checkpointId);
      return {
        trigger: checkpointId,
        unaligned: true,
        arrived,
        timestamp: barrier.timestamp,
        ...(aborted.length ? { aborted } : {}),
      };
    }
    if (this.mode === 'AT_LEAST_ONCE') {
      let set = this.counts.get(checkpointId);
      if (!set) {
        set = new Set();
        this.counts.set(checkpointId, set);
        if (this.counts.size === 1) this.alignmentStart = now;
      }
      set.add(channel);
      return this.checkCounts();
    }
    // A late barrier of a checkpoint a newer one aborted: this channel has not reached the newer barrier yet.
    if (this.current !== undefined && checkpointId < this.current) return {};
    const aborted: number[] = [];
    if (this.current !== undefined && checkpointId > this.current) {
      aborted.push(this.current);
      this.current = undefined;
      this.currentBarrier = undefined;
      this.arrived.clear();
    }
    if (this.current === undefined) {
      this.current = checkpointId;
      this.alignmentStart = now;
      this.currentBarrier = barrier && {
        timestamp: barrier.timestamp,
        alignedTimeout: barrier.alignedTimeout,
      };
    }
    this.arrived.add(channel);
    const done = this.checkAligned();
    return aborted.length ? { ...done, aborted } : done;
  }

  onEnd(channel: number): AlignerDecision {
    this.ended.add(channel);
    return this.mode === 'AT_LEAST_ONCE' ? this.checkCounts() : this.checkAligned();
  }

  /** When the current alignment times out (execution.checkpointing.aligned-checkpoint-timeout), if it can. */
  get timeoutAt(): number | undefined {
    const b = this.currentBarrier;
    return b?.alignedTimeout === undefined ? undefined : b.timestamp + b.alignedTimeout;
  }

  /** The current alignment timed out: it turns unaligned (the blocked channels are released). */
  timeout(): AlignerDecision {
    const id = this.current;
    if (id === undefined || this.mode !== 'EXACTLY_ONCE') return {};
    const arrived = [...this.arrived];
    const timestamp = this.currentBarrier?.timestamp;
    this.current = undefined;
    this.currentBarrier = undefined;
    this.arrived.clear();
    this.triggered(id);
    return { trigger: id, unaligned: true, arrived, ...(timestamp !== undefined ? { timestamp } : {}) };
  }

  /** The coordinator gave up checkpoint `id`: unblock its channels. */
  abort(checkpointId: number): void {
    if (checkpointId > this.lastTriggered) this.abortedIds.add(checkpointId);
    if (this.current === checkpointId) {
      this.current = undefined;
      this.currentBarrier = undefined;
      this.arrived.clear();
    }
    this.counts.delete(checkpointId);
  }

  private checkAligned(): AlignerDecision {
    if (this.current === undefined) return {};
    for (let c = 0; c < this.channels; c++) if (!this.arrived.has(c) && !this.ended.has(c)) return {};
    const trigger = this.current;
    const b = this.currentBarrier;
    this.current = undefined;
    this.currentBarrier = undefined;
    this.arrived.clear();
    this.triggered(trigger);
    return b
      ? {
          trigger,
          timestamp: b.timestamp,
          ...(b.alignedTimeout !== undefined ? { alignedTimeout: b.alignedTimeout } : {}),
        }
      : { trigger };
  }

  /** Another checkpoint that became ready at the same event (an ended channel can complete several at once). */
  next(): AlignerDecision {
    return this.mode === 'AT_LEAST_ONCE' ? this.checkCounts() : this.checkAligned();
  }

  private checkCounts(): AlignerDecision {
    for (const [id, set] of [...this.counts].sort((a, b) => a[0] - b[0])) {
      let all = true;
      for (let c = 0; c < this.channels; c++) if (!set.has(c) && !this.ended.has(c)) all = false;
      if (!all) return {};
      this.counts.delete(id);
      this.triggered(id);
      return { trigger: id };
    }
    return {};
  }

  private triggered(id: number): void {
    this.lastTriggered = id;
    for (const a of this.abortedIds) if (a <= id) this.abortedIds.delete(a);
  }
}
