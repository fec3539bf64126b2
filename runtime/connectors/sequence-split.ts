// Splits of an indexed sequence (nexmark events, datagen rows) whose progress survives a change of parallelism.

/**
 * The progress of one earlier run: with `splits` subtasks, split s had taken indices s, s + splits, …
 * below `emitted[s]` of them.
 */
interface Layer {
  readonly splits: number;
  readonly emitted: readonly number[];
}

/** What a split stores in each checkpoint. */
interface SequenceOffset {
  readonly split: number;
  readonly splits: number;
  readonly emitted: number;
  /** Runs before the last change of parallelism: indices they took are skipped. */
  readonly before?: readonly Layer[];
}

/**
 * Split `split` of `splits` takes indices split, split + splits, … below `total`. After a restore at another
 * parallelism, the old runs' progress becomes a layer and indices it already took are skipped, so every
 * index is produced exactly once over all runs. Past the highest index an old run reached, nothing is
 * skipped and indices come in strides again.
 */
export class SequenceSplit {
  /** Indices of this split considered so far (produced, or skipped as taken before). */
  private emitted = 0;
  private before: readonly Layer[] = [];
  /** No index at or above this was taken by an earlier run. */
  private frontier = 0;

  constructor(
    private readonly split: number,
    private readonly splits: number,
    private readonly total: number,
    private readonly what: string,
  ) {}

  /** Restores from this subtask's offset and every old subtask's (`all`: union state). */
  restore(own: unknown, all: readonly unknown[]): void {
    const old = (all.length > 0 ? all : own !== undefined ? [own] : []) as SequenceOffset[];
    if (old.length === 0) return;
    for (const o of old)
      if (typeof o?.emitted !== 'number' || typeof o.splits !== 'number')
        throw new Error(`${this.what}: the restored offset ${JSON.stringify(o)} is not a sequence offset`);
    const splits = old[0]!.splits;
    const mine = own as SequenceOffset | undefined;
    if (
      splits === this.splits &&
      old.length === splits &&
      mine !== undefined &&
      (mine.split ?? this.split) === this.split
    ) {
      // Same parallelism: carry on where this split stopped.
      this.emitted = mine.emitted;
      this.before = mine.before ?? [];
    } else {
      const emitted = new Array<number>(splits).fill(0);
      for (const o of old) emitted[o.split ?? 0] = o.emitted;
      this.before = [...(old[0]!.before ?? []), { splits, emitted }];
    }
    this.frontier = Math.max(
      0,
      ...this.before.flatMap((l) => l.emitted.map((e, s) => (e > 0 ? s + (e - 1) * l.splits + 1 : 0))),
    );
  }

  private takenBefore(i: number): boolean {
    for (const l of this.before) if (Math.floor(i / l.splits) < l.emitted[i % l.splits]!) return true;
    return false;
  }

  /** Indices of this split not yet considered. */
  remaining(): number {
    if (this.total === Infinity) return Infinity;
    return Math.max(0, Math.ceil((this.total - this.split) / this.splits)) - this.emitted;
  }

  /** The next index to consider (for sources that pace on it). */
  get next(): number {
    return this.split + this.emitted * this.splits;
  }

  /**
   * Considers up to `n` more indices; returns them as a stride (first index; the caller takes `count` of
   * them, `splits` apart) when none was taken before, else as a list of the ones still to produce.
   */
  take(n: number): { first: number; count: number; stride: number } | number[] {
    const k = Math.min(n, this.remaining());
    const first = this.next;
    this.emitted += k;
    if (first >= this.frontier || k === 0) return { first, count: k, stride: this.splits };
    const out: number[] = [];
    for (let j = 0; j < k; j++) {
      const i = first + j * this.splits;
      if (!this.takenBefore(i)) out.push(i);
    }
    return out;
  }

  offset(): SequenceOffset {
    return {
      split: this.split,
      splits: this.splits,
      emitted: this.emitted,
      ...(this.before.length ? { before: this.before } : {}),
    };
  }
}
