// Splits of an indexed sequence (nexmark events, datagen rows) whose progress survives a change of parallelism.

/**
 * Which indices a split takes: with `splits` splits and blocks of `block` indices, split s takes blocks
 * s, s + splits, … in order (block 1: indices s, s + splits, …). Its k-th index is `indexOf(k)`.
 */
interface Layout {
  readonly splits: number;
  /** Indices per block (1 when absent: offsets written before blocks existed). */
  readonly block?: number;
}

/** The index split `s` takes `k`-th. */
function indexOf(l: Layout, s: number, k: number): number {
  const b = l.block ?? 1;
  return (Math.floor(k / b) * l.splits + s) * b + (k % b);
}

/** The split that takes index `i`, and how many indices it takes before it. */
function positionOf(l: Layout, i: number): { split: number; k: number } {
  const b = l.block ?? 1;
  const blockIndex = Math.floor(i / b);
  return { split: blockIndex % l.splits, k: Math.floor(blockIndex / l.splits) * b + (i % b) };
}

/** The progress of one earlier run: split s of it had taken its first `emitted[s]` indices. */
interface Layer extends Layout {
  readonly emitted: readonly number[];
}

/** What a split stores in each checkpoint. */
interface SequenceOffset extends Layout {
  readonly split: number;
  readonly emitted: number;
  /** Runs before the last change of parallelism (or of block size): indices they took are skipped. */
  readonly before?: readonly Layer[];
}

/**
 * Split `split` of `splits` takes its blocks of indices below `total` (see Layout). After a restore at
 * another parallelism, the old runs' progress becomes a layer and indices it already took are skipped, so
 * every index is produced exactly once over all runs. Past the highest index an old run reached, nothing is
 * skipped and indices come in whole blocks again.
 */
export class SequenceSplit {
  /** Indices of this split considered so far (produced, or skipped as taken before). */
  private emitted = 0;
  private before: readonly Layer[] = [];
  /** No index at or above this was taken by an earlier run. */
  private frontier = 0;

  /**
   * `block`: indices per block. Sources whose consumers gain from neighbouring indices in one batch (nexmark:
   * bids of one batch are for the same auctions) take blocks of a batch; 1 gives strides.
   */
  constructor(
    private readonly split: number,
    private readonly splits: number,
    private readonly total: number,
    private readonly what: string,
    private readonly block = 1,
  ) {}

  private get layout(): Layout {
    return { splits: this.splits, block: this.block };
  }

  /** Restores from this subtask's offset and every old subtask's (`all`: union state). */
  restore(own: unknown, all: readonly unknown[]): void {
    const old = (all.length > 0 ? all : own !== undefined ? [own] : []) as SequenceOffset[];
    if (old.length === 0) return;
    for (const o of old)
      if (typeof o?.emitted !== 'number' || typeof o.splits !== 'number')
        throw new Error(`${this.what}: the restored offset ${JSON.stringify(o)} is not a sequence offset`);
    const splits = old[0]!.splits;
    const block = old[0]!.block ?? 1;
    const mine = own as SequenceOffset | undefined;
    if (
      splits === this.splits &&
      block === this.block &&
      old.length === splits &&
      mine !== undefined &&
      (mine.split ?? this.split) === this.split
    ) {
      // Same layout: carry on where this split stopped.
      this.emitted = mine.emitted;
      this.before = mine.before ?? [];
    } else {
      const emitted = new Array<number>(splits).fill(0);
      for (const o of old) emitted[o.split ?? 0] = o.emitted;
      this.before = [...(old[0]!.before ?? []), { splits, ...(block !== 1 ? { block } : {}), emitted }];
    }
    this.frontier = Math.max(
      0,
      ...this.before.flatMap((l) => l.emitted.map((e, s) => (e > 0 ? indexOf(l, s, e - 1) + 1 : 0))),
    );
  }

  private takenBefore(i: number): boolean {
    for (const l of this.before) {
      const p = positionOf(l, i);
      if (p.k < l.emitted[p.split]!) return true;
    }
    return false;
  }

  /** Indices of this split below `total`. */
  private count(): number {
    const b = this.block;
    const full = Math.floor(this.total / b);
    const rest = this.total % b;
    const blocks = full > this.split ? Math.ceil((full - this.split) / this.splits) : 0;
    return blocks * b + (rest > 0 && full % this.splits === this.split ? rest : 0);
  }

  /** Indices of this split not yet considered. */
  remaining(): number {
    if (this.total === Infinity) return Infinity;
    return Math.max(0, this.count() - this.emitted);
  }

  /** The next index to consider (for sources that pace on it). */
  get next(): number {
    return indexOf(this.layout, this.split, this.emitted);
  }

  /**
   * Considers up to `n` more indices, within one block; returns them as a stride (first index; the caller
   * takes `count` of them, `stride` apart) when none was taken before, else as a list of the ones still to
   * produce.
   */
  take(n: number): { first: number; count: number; stride: number } | number[] {
    const inBlock = this.block === 1 ? Infinity : this.block - (this.emitted % this.block);
    const k = Math.min(n, this.remaining(), inBlock);
    const first = this.next;
    const start = this.emitted;
    this.emitted += k;
    const stride = this.block === 1 ? this.splits : 1;
    if (first >= this.frontier || k === 0) return { first, count: k, stride };
    const out: number[] = [];
    for (let j = 0; j < k; j++) {
      const i = indexOf(this.layout, this.split, start + j);
      if (!this.takenBefore(i)) out.push(i);
    }
    return out;
  }

  offset(): SequenceOffset {
    return {
      split: this.split,
      splits: this.splits,
      ...(this.block !== 1 ? { block: this.block } : {}),
      emitted: this.emitted,
      ...(this.before.length ? { before: this.before } : {}),
    };
  }
}
