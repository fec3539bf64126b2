// SlicingWindowAggregate (Flink's slice-shared windows): HOP/CUMULATE rows aggregated once into a slice; windows merge slices.
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import type { Field } from '../../compiler/types';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import type { RecordBatch, Row } from '../messages';
import type { OperatorContext, Output, RestoredOperatorState, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { type AccumulatorSpec, accumulatorFor } from './accumulators';
import { PendingEnds } from './pending-ends';

export type SlicingWindowAggregateSpec = Extract<OperatorSpec, { kind: 'slicingWindowAggregate' }>;

/** One slice [end − slice, end) of a key: its end and one accumulator per aggregate call. */
type Slice = [end: number, ...accs: unknown[]];

/** The state of one group key: its values and its live slices, in order of end. Arrays only (msgpack). */
type KeyState = [keyRow: unknown[], slices: Slice[]];

/**
 * HOP(slide, size) cuts time into slices of `slide`; CUMULATE(step, size) into slices of `step`. A row at time t
 * goes into the slice ending at the next multiple of the slice length after t. A window ends at every slice end E:
 * HOP's is [E − size, E), CUMULATE's [S, E) with S the start of E's period (a multiple of size). When the watermark
 * reaches E − 1, each key with a slice in the window emits one +I row of its slices' merged accumulators; a key's
 * timer moves to the next window end while one of its slices is still in a later window, and slices no later
 * window needs leave state. A row whose slice's first window has fired is late: dropped, counted once in
 * `lateRecords` (as Flink's slicing windows drop it; the unsliced form counted it per window).
 *
 * @example new SlicingWindowAggregateOperator(spec, inputSchema) // spec from the job graph's `slicingWindowAggregate`
 */
export class SlicingWindowAggregateOperator implements StreamOperator {
  private table!: KeyedTable<KeyState>;
  private specs!: AccumulatorSpec[];
  private ctx!: OperatorContext;
  private readonly select: (row: Row) => StateKey;
  private readonly groupCols: number[];
  private readonly timeCol: number;
  /** The slice length (HOP slide, CUMULATE step) and the window size. */
  private readonly slice: number;
  private readonly size: number;
  private readonly cumulate: boolean;
  private pending = new PendingEnds();
  private watermark = -Infinity;
  private readonly clone = (s: KeyState): KeyState => [s[0], s[1].map((x) => this.cloneSlice(x))];

  constructor(
    private readonly spec: SlicingWindowAggregateSpec,
    private readonly inputSchema: readonly Field[],
  ) {
    this.groupCols = spec.keys.filter((_, i) => i !== spec.windowStart && i !== spec.windowEnd);
    this.select = keySelector(this.groupCols);
    this.timeCol = spec.keys[spec.windowStart]!;
    this.cumulate = spec.window.kind === 'CUMULATE';
    this.slice = (this.cumulate ? spec.window.step : spec.window.slide)!;
    this.size = spec.window.size!;
  }

  async open(ctx: OperatorContext, restored: RestoredOperatorState | undefined): Promise<void> {
    this.ctx = ctx;
    this.table = ctx.state!.table<KeyState>('slices');
    this.specs = this.spec.aggs.map((a) =>
      accumulatorFor(a, a.args.length ? this.inputSchema[a.args[0]!]!.type : undefined, false),
    );
    const marks = restored?.all ?? [];
    if (marks.length > 0 && marks.every((w) => typeof w === 'number'))
      this.watermark = Math.min(...(marks as number[]));
    // Timers are not state: each slice's end, or the first window end after the watermark for a slice a window
    // that has fired already read (it fires again in later windows).
    this.pending = new PendingEnds();
    const unfired = this.watermark === -Infinity ? -Infinity : this.sliceEnd(this.watermark + 1);
    const range = ctx.keyGroupRange;
    for (let kg = range.start; kg <= range.end; kg++)
      for await (const [key, s] of this.table.scan(kg))
        for (const x of s[1]) this.pending.add(Math.max(x[0], unfired), key, kg);
  }

  /** The end of the slice holding time `t`. */
  private sliceEnd(t: number): number {
    const n = this.slice;
    return t - (((t % n) + n) % n) + n;
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    switch (call.kind) {
      case 'batch':
        return addRowKeys(call.batch.rows, this.select, this.ctx.maxParallelism, into);
      case 'watermark':
        if (call.timestamp > this.watermark) this.pending.keysUpTo(call.timestamp + 1, into);
        return;
      case 'finish':
        return this.pending.keysUpTo(Infinity, into);
      default:
        return;
    }
  }

  snapshotState(): unknown {
    return this.watermark === -Infinity ? null : this.watermark;
  }

  processBatch(_input: number, batch: RecordBatch): void {
    const rows = batch.rows;
    const aggs = this.spec.aggs;
    const specs = this.specs;
    const W = this.watermark;
    // Per batch, each touched key's mutable state (no snapshot can start inside a batch).
    const touched = new Map<StateKey, KeyState>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const ts = row[this.timeCol];
      if (typeof ts !== 'number') continue;
      const end = this.sliceEnd(ts);
      if (end - 1 <= W) {
        this.ctx.metrics.lateRecords++;
        continue;
      }
      const key = this.select(row);
      let s = touched.get(key);
      if (s === undefined) {
        const kg = keyGroupOf(key, this.ctx.maxParallelism);
        s = this.table.getMutable(kg, key, this.clone);
        if (s === undefined) {
          s = [this.groupCols.map((c) => row[c]), []];
          this.table.put(kg, key, s);
        }
        touched.set(key, s);
      }
      const slices = s[1];
      let target = slices[slices.length - 1];
      if (target === undefined || target[0] !== end) target = this.findSlice(s, end, key);
      for (let a = 0; a < aggs.length; a++) {
        const c = aggs[a]!;
        if (c.filterArg !== undefined && row[c.filterArg] !== true) continue;
        target[a + 1] = specs[a]!.add(target[a + 1], c.args.length === 0 ? 1 : row[c.args[0]!]);
      }
    }
  }

  /** The slice of `s` ending at `end`, created (in order, with a timer at its end) when missing. */
  private findSlice(s: KeyState, end: number, key: StateKey): Slice {
    const slices = s[1];
    let j = slices.length;
    while (j > 0 && slices[j - 1]![0] > end) j--;
    if (j > 0 && slices[j - 1]![0] === end) return slices[j - 1]!;
    const created: Slice = [end, ...this.specs.map((a) => a.create())];
    slices.splice(j, 0, created);
    this.pending.add(end, key, keyGroupOf(key, this.ctx.maxParallelism));
    return created;
  }

  processWatermark(timestamp: number, out: Output): void {
    if (timestamp > this.watermark) {
      this.watermark = timestamp;
      // A window [start, end) is complete once the watermark reaches end − 1.
      this.fire(timestamp + 1, out);
    }
    out.emitWatermark(timestamp);
  }

  finish(out: Output): void {
    this.fire(Infinity, out);
  }

  /** Emits every window with end ≤ `limit`, in order of end, and drops the slices no later window needs. */
  private fire(limit: number, out: Output): void {
    const rows: Row[] = [];
    for (let next = this.pending.peek(); next !== undefined && next <= limit; next = this.pending.peek()) {
      const [end, keys] = this.pending.pop();
      const start = this.cumulate
        ? end - 1 - ((((end - 1) % this.size) + this.size) % this.size)
        : end - this.size;
      for (const [key, kg] of keys) {
        const s = this.table.get(kg, key);
        if (s === undefined) continue;
        const merged = this.specs.map((a) => a.create());
        let any = false;
        for (const x of s[1]) {
          if (x[0] <= start || x[0] > end) continue;
          any = true;
          for (let a = 0; a < this.specs.length; a++) merged[a] = this.specs[a]!.merge(merged[a], x[a + 1]);
        }
        if (any) rows.push(this.result(s[0], start, end, merged));
        // Slices a later window still reads: HOP, those ending after next − size; CUMULATE, those of this period.
        const nextEnd = end + this.slice;
        const keepAfter = this.cumulate ? (end - start >= this.size ? end : start) : nextEnd - this.size;
        const kept = s[1].filter((x) => x[0] > keepAfter);
        if (kept.length === 0) {
          this.table.delete(kg, key);
          continue;
        }
        if (kept.length !== s[1].length) this.table.getMutable(kg, key, this.clone)![1] = kept;
        // The next window that reads a kept slice ending at or before this end.
        if (kept[0]![0] <= end) this.pending.add(nextEnd, key, kg);
      }
    }
    if (rows.length > 0) out.emit({ rows, kinds: undefined });
  }

  private result(keyRow: readonly unknown[], start: number, end: number, accs: unknown[]): Row {
    const { keys, windowStart, windowEnd } = this.spec;
    const r: Row = new Array(keys.length + this.specs.length);
    let k = 0;
    for (let i = 0; i < keys.length; i++)
      r[i] = i === windowStart ? start : i === windowEnd ? end : keyRow[k++];
    for (let a = 0; a < this.specs.length; a++) r[keys.length + a] = this.specs[a]!.result(accs[a]);
    return r;
  }

  private cloneSlice(x: Slice): Slice {
    const c = x.slice() as Slice;
    for (let a = 0; a < this.specs.length; a++) c[a + 1] = this.specs[a]!.clone(x[a + 1]);
    return c;
  }
}
