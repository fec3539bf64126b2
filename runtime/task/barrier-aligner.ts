// Barrier handling at a task's inputs: aligned (EXACTLY_ONCE) or unaligned counting (AT_LEAST_ONCE).

export type CheckpointingMode = 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';

/** What the task must do after an event: snapshot and forward barrier `trigger`; `aborted` checkpoints are gone. */
export interface AlignerDecision {
  readonly trigger?: number;
  readonly aborted?: readonly number[];
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

  constructor(
    readonly channels: number,
    readonly mode: CheckpointingMode,
  ) {}

  isBlocked(channel: number): boolean {
    return this.mode === 'EXACTLY_ONCE' && this.current !== undefined && this.arrived.has(channel);
  }

  onBarrier(channel: number, checkpointId: number, now: number): AlignerDecision {
    if (checkpointId <= this.lastTriggered || this.abortedIds.has(checkpointId)) return {};
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
      this.arrived.clear();
    }
    if (this.current === undefined) {
      this.current = checkpointId;
      this.alignmentStart = now;
    }
    this.arrived.add(channel);
    const done = this.checkAligned();
    return aborted.length ? { ...done, aborted } : done;
  }

  onEnd(channel: number): AlignerDecision {
    this.ended.add(channel);
    return this.mode === 'AT_LEAST_ONCE' ? this.checkCounts() : this.checkAligned();
  }

  /** The coordinator gave up checkpoint `id`: unblock its channels. */
  abort(checkpointId: number): void {
    if (checkpointId > this.lastTriggered) this.abortedIds.add(checkpointId);
    if (this.current === checkpointId) {
      this.current = undefined;
      this.arrived.clear();
    }
    this.counts.delete(checkpointId);
  }

  private checkAligned(): AlignerDecision {
    if (this.current === undefined) return {};
    for (let c = 0; c < this.channels; c++) if (!this.arrived.has(c) && !this.ended.has(c)) return {};
    const trigger = this.current;
    this.current = undefined;
    this.arrived.clear();
    this.triggered(trigger);
    return { trigger };
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
