// Interval join (Flink's IntervalJoin): keyed rows of both sides, each kept until the watermark passes its last match.
import { compilePredicate } from '../../compiler/codegen/compile-rex';
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind } from '../messages';
import type { OperatorContext, Output, RestoredOperatorState, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';

export type IntervalJoinSpec = Extract<OperatorSpec, { kind: 'intervalJoin' }>;

/**
 * The rows of one side under one join key, flat (one array a key, not one a row): the key's next cleanup time
 * (the earliest `lastMatch` of its rows), then per row its time, whether it has joined (outer joins pad those
 * that never did), and the row: `[cleanup, time₀, joined₀, row₀, time₁, joined₁, row₁, …]`. An array, not an
 * object: snapshots round-trip it through msgpack unchanged.
 */
type SideRows = unknown[];

/** Slots a row takes in `SideRows`, after the leading cleanup time. */
const STRIDE = 3;

const cloneSide = (s: SideRows): SideRows => s.slice();

/** The end of event time: a bounded input has ended. */
const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

/**
 * With L = lowerBound and U = upperBound, a left row at time l and a right row at time r match when
 * `r + L ≤ l ≤ r + U`. A watermark W means no row at a time below W comes any more. Hence:
 * - a left row's last match is a right row at l − L, a right row's a left row at r + U (`lastMatch`); a row is
 *   stored while `lastMatch ≥ W` and dropped at the first watermark above it;
 * - so stored left rows have l ≥ W + L and stored right rows r ≥ W − U (`retention` = −L, U): a new row whose
 *   last match lies below the other side's retention (`lastMatch < W − retention[other]`) can match nothing,
 *   stored or future, and is late;
 * - a joined row's older time is at least W − max(−L, U): the output watermark is held back by that much
 *   (Flink's `getMaxOutputDelay`), so that joined rows are not late downstream.
 */
export class IntervalJoinOperator implements StreamOperator {
  private tables!: [KeyedTable<SideRows>, KeyedTable<SideRows>];
  private readonly selectors: [(r: Row) => StateKey, (r: Row) => StateKey];
  /** A row with a NULL join key matches nothing (NULL = NULL is not true). */
  private readonly nullKey: [(r: Row) => boolean, (r: Row) => boolean];
  private readonly condition: ((row: Row) => boolean) | undefined;
  /** Whether unmatched rows of side 0 (left) / side 1 (right) are emitted padded with NULLs. */
  private readonly preserve: [boolean, boolean];
  private readonly timeIndex: [number, number];
  private readonly retention: [number, number];
  private readonly delay: number;
  /** Per side, the keys' cleanup times in time order (an entry whose time is no longer its key's is stale). */
  private readonly queues: [ExpiryQueue, ExpiryQueue] = [new ExpiryQueue(), new ExpiryQueue()];
  private watermark = -Infinity;
  private emittedWatermark = -Infinity;
  private ctx!: OperatorContext;
  private maxParallelism = 128;

  constructor(private readonly spec: IntervalJoinSpec) {
    this.selectors = [keySelector(spec.leftKeys), keySelector(spec.rightKeys)];
    const hasNull = (keys: readonly number[]) => (r: Row) =>
      keys.some((k) => r[k] === null || r[k] === undefined);
    this.nullKey = [hasNull(spec.leftKeys), hasNull(spec.rightKeys)];
    this.condition = spec.condition ? compilePredicate(spec.condition) : undefined;
    const t = spec.joinType;
    this.preserve = [t === 'LEFT' || t === 'FULL', t === 'RIGHT' || t === 'FULL'];
    this.timeIndex = [spec.leftTime, spec.rightTime];
    this.retention = [-spec.lowerBound, spec.upperBound];
    this.delay = Math.max(0, -spec.lowerBound, spec.upperBound);
  }

  async open(ctx: OperatorContext, restored: RestoredOperatorState | undefined): Promise<void> {
    this.ctx = ctx;
    this.maxParallelism = ctx.maxParallelism;
    this.tables = [ctx.state!.table<SideRows>('left'), ctx.state!.table<SideRows>('right')];
    // Event time does not go back after a restore: the smallest watermark of the subtasks that snapshotted
    // (null: one had none yet), so that a rescaled subtask counts no row late that its old owner did not.
    const marks = restored?.all ?? [];
    if (marks.length > 0 && marks.every((w) => typeof w === 'number'))
      this.watermark = Math.min(...(marks as number[]));
    // The cleanup index is not state: rebuild it from the restored rows.
    for (let kg = ctx.keyGroupRange.start; kg <= ctx.keyGroupRange.end; kg++)
      for (const side of [0, 1] as const)
        for await (const [key, v] of this.tables[side].scan(kg))
          this.queues[side].push(v[0] as number, key, kg);
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    if (call.kind === 'batch')
      addRowKeys(call.batch.rows, this.selectors[call.input]!, this.maxParallelism, into);
    else if (call.kind === 'watermark' && call.timestamp > this.watermark)
      for (const q of this.queues) q.dueBefore(call.timestamp, into);
  }

  snapshotState(): unknown {
    return this.watermark === -Infinity ? null : this.watermark;
  }

  /** The latest time of the other side a row of `side` at time `t` can match. */
  private lastMatch(side: number, t: number): number {
    return side === 0 ? t - this.spec.lowerBound : t + this.spec.upperBound;
  }

  /** Whether a left row at `l` and a right row at `r` satisfy the bounds. */
  private inBounds(l: number, r: number): boolean {
    const d = l - r;
    const s = this.spec;
    return (
      (s.lowerInclusive ? d >= s.lowerBound : d > s.lowerBound) &&
      (s.upperInclusive ? d <= s.upperBound : d < s.upperBound)
    );
  }

  private padded(side: number, row: Row): Row {
    return side === 0
      ? row.concat(new Array<null>(this.spec.rightWidth).fill(null))
      : new Array<unknown>(this.spec.leftWidth).fill(null).concat(row);
  }

  processBatch(input: number, batch: RecordBatch, out: Output): void {
    const side = input;
    const other = 1 - side;
    const b = new BatchBuilder();
    const W = this.watermark;
    const theirs = this.tables[other];
    for (const row of batch.rows) {
      const t = row[this.timeIndex[side]];
      if (typeof t !== 'number' || this.nullKey[side](row)) {
        // Matches nothing: a NULL time fails every bound, a NULL key every equality.
        if (this.preserve[side]) b.add(this.padded(side, row), RowKind.Insert);
        continue;
      }
      const last = this.lastMatch(side, t);
      if (last < W - this.retention[other]) {
        this.ctx.metrics.lateRecords++;
        if (this.preserve[side]) b.add(this.padded(side, row), RowKind.Insert);
        continue;
      }
      const key = this.selectors[side](row);
      const kg = keyGroupOf(key, this.maxParallelism);
      let matched = false;
      const others = theirs.get(kg, key);
      if (others) {
        let marks: number[] | undefined;
        for (let j = 1; j < others.length; j += STRIDE) {
          const time = others[j] as number;
          if (!(side === 0 ? this.inBounds(t, time) : this.inBounds(time, t))) continue;
          const o = others[j + 2] as Row;
          const joined = side === 0 ? row.concat(o) : o.concat(row);
          if (this.condition && !this.condition(joined)) continue;
          b.add(joined, RowKind.Insert);
          matched = true;
          if (this.preserve[other] && others[j + 1] === false) (marks ??= []).push(j + 1);
        }
        if (marks) {
          const m = theirs.getMutable(kg, key, cloneSide)!;
          for (const j of marks) m[j] = true;
        }
      }
      if (last >= W) this.store(side, kg, key, row, t, matched, last);
      else if (!matched && this.preserve[side]) b.add(this.padded(side, row), RowKind.Insert);
    }
    if (b.size > 0) out.emit(b.take());
  }

  private store(
    side: number,
    kg: number,
    key: StateKey,
    row: Row,
    t: number,
    matched: boolean,
    last: number,
  ) {
    const mine = this.tables[side]!;
    const v = mine.getMutable(kg, key, cloneSide);
    if (v === undefined) {
      mine.put(kg, key, [last, t, matched, row]);
      this.queues[side]!.push(last, key, kg);
      return;
    }
    v.push(t, matched, row);
    if (last < (v[0] as number)) {
      v[0] = last;
      this.queues[side]!.push(last, key, kg);
    }
  }

  processWatermark(timestamp: number, out: Output): void {
    if (timestamp > this.watermark) {
      this.watermark = timestamp;
      const b = new BatchBuilder();
      this.expire(0, timestamp, b);
      this.expire(1, timestamp, b);
      if (b.size > 0) out.emit(b.take());
    }
    const w = timestamp >= MAX_WATERMARK ? timestamp : timestamp - this.delay;
    if (w > this.emittedWatermark) {
      this.emittedWatermark = w;
      out.emitWatermark(w);
    }
  }

  /** Drops the rows of `side` whose last match is before `W`; outer joins pad those that never joined. */
  private expire(side: number, W: number, b: BatchBuilder): void {
    const queue = this.queues[side]!;
    const table = this.tables[side]!;
    const pad = this.preserve[side];
    while (queue.size > 0 && queue.peekTime() < W) {
      const time = queue.peekTime();
      const key = queue.peekKey();
      const kg = queue.peekKeyGroup();
      queue.pop();
      const v = table.get(kg, key);
      if (v === undefined || v[0] !== time) continue; // stale: the key's cleanup moved earlier, or it is gone
      let kept = 0;
      let next = Infinity;
      for (let j = 1; j < v.length; j += STRIDE) {
        const last = this.lastMatch(side, v[j] as number);
        if (last >= W) {
          kept++;
          if (last < next) next = last;
        } else if (pad && v[j + 1] === false) b.add(this.padded(side, v[j + 2] as Row), RowKind.Insert);
      }
      if (kept === 0) {
        table.delete(kg, key);
        continue;
      }
      const rest: SideRows = [next];
      for (let j = 1; j < v.length; j += STRIDE)
        if (this.lastMatch(side, v[j] as number) >= W) rest.push(v[j], v[j + 1], v[j + 2]);
      table.put(kg, key, rest);
      queue.push(next, key, kg);
    }
  }
}

/** A binary min-heap of (time, key, key group) in parallel arrays. */
export class ExpiryQueue {
  private readonly times: number[] = [];
  private readonly keys: StateKey[] = [];
  private readonly groups: number[] = [];

  get size(): number {
    return this.times.length;
  }

  peekTime(): number {
    return this.times[0]!;
  }

  peekKey(): StateKey {
    return this.keys[0]!;
  }

  peekKeyGroup(): number {
    return this.groups[0]!;
  }

  push(time: number, key: StateKey, group: number): void {
    const { times, keys, groups } = this;
    let i = times.length;
    times.push(time);
    keys.push(key);
    groups.push(group);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p]! <= time) break;
      times[i] = times[p]!;
      keys[i] = keys[p]!;
      groups[i] = groups[p]!;
      i = p;
    }
    times[i] = time;
    keys[i] = key;
    groups[i] = group;
  }

  /** Adds the key of every entry with time < `limit` (visiting only those: the heap is pruned below them). */
  dueBefore(limit: number, into: StateKeyRefs): void {
    const stack = this.times.length > 0 ? [0] : [];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (i >= this.times.length || this.times[i]! >= limit) continue;
      into.add(this.groups[i]!, this.keys[i]!);
      stack.push(2 * i + 1, 2 * i + 2);
    }
  }

  pop(): void {
    const { times, keys, groups } = this;
    const time = times.pop()!;
    const key = keys.pop()!;
    const group = groups.pop()!;
    const n = times.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && times[c + 1]! < times[c]!) c++;
      if (times[c]! >= time) break;
      times[i] = times[c]!;
      keys[i] = keys[c]!;
      groups[i] = groups[c]!;
      i = c;
    }
    times[i] = time;
    keys[i] = key;
    groups[i] = group;
  }
}
