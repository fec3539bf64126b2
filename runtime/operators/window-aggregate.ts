// WindowAggregate: GROUP BY window_start, window_end, … — accumulates each key's open windows, emits each once (+I) when it closes.
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import type { Field } from '../../compiler/types';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { type RecordBatch, type Row, RowKind } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { PendingEnds } from './pending-ends';
import { type AccumulatorSpec, accumulatorFor } from './accumulators';

export type WindowAggregateSpec = Extract<OperatorSpec, { kind: 'windowAggregate' }>;

/** One open window: [start, end) and one accumulator per aggregate call. */
type Window = [start: number, end: number, ...accs: unknown[]];

/**
 * The state of one group key (the GROUP BY columns other than window_start/window_end): their values, and
 * the key's open windows. Arrays only, so that it survives msgpack round-trips. Invariant: the windows of a
 * key have distinct ends (TUMBLE/HOP/CUMULATE by construction; SESSION windows are disjoint, merged on touch).
 */
type KeyState = [keyRow: unknown[], windows: Window[]];

/**
 * Windowed aggregation over the rows of a window table function (window_start/window_end already in each
 * row). Event time: a window fires when the watermark reaches `end − 1`; a row for a window that already
 * fired is late — dropped and counted in `lateRecords` (per window row, so a HOP row late for two windows
 * counts twice). SESSION rows bring [ts, ts + gap) and merge with every open window of their key that they
 * overlap or touch. Processing time: a window fires once the clock reaches its end, and everything left
 * fires at the end of input; a row is never late (its window may fire after its end, at the next tick). Output: append-only, one +I row per window and key. Fired windows leave state.
 *
 * @example new WindowAggregateOperator(spec, inputSchema) // spec from the job graph's `windowAggregate`
 */
export class WindowAggregateOperator implements StreamOperator {
  private table!: KeyedTable<KeyState>;
  private specs!: AccumulatorSpec[];
  private ctx!: OperatorContext;
  private select!: (row: Row) => StateKey;
  /** Input columns of the group keys other than window_start/window_end. */
  private readonly groupCols: number[];
  private readonly startCol: number;
  private readonly endCol: number;
  private readonly eventTime: boolean;
  private readonly session: boolean;
  private pending = new PendingEnds();
  private watermark = -Infinity;
  /** `table.exec.emit.allow-lateness` in ms (event time, not SESSION): fired windows stay this long for late rows. */
  private lateness = 0;
  /** Per key, the ends of windows that fired but are kept for late rows. */
  private fired!: KeyedTable<number[]>;
  /** Fired windows by the end at which they are dropped (end + lateness). */
  private cleanup = new PendingEnds();
  /** Output of the batch being processed: late rows into fired windows emit updates. */
  private out: Output | undefined;
  private readonly clone = (s: KeyState): KeyState => [s[0], s[1].map((w) => this.cloneWindow(w))];

  constructor(
    private readonly spec: WindowAggregateSpec,
    private readonly inputSchema: readonly Field[],
  ) {
    this.groupCols = spec.keys.filter((_, i) => i !== spec.windowStart && i !== spec.windowEnd);
    this.startCol = spec.keys[spec.windowStart]!;
    this.endCol = spec.keys[spec.windowEnd]!;
    this.eventTime = spec.window.timeAttribute === 'rowtime';
    this.session = spec.window.kind === 'SESSION';
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.table = ctx.state!.table<KeyState>('windows');
    // Window input is append-only: no retraction-aware accumulators.
    this.specs = this.spec.aggs.map((a) =>
      accumulatorFor(a, a.args.length ? this.inputSchema[a.args[0]!]!.type : undefined, false),
    );
    this.select = keySelector(this.groupCols);
    this.lateness = this.eventTime && !this.session ? ctx.allowLateness : 0;
    this.fired = ctx.state!.table<number[]>('fired');
    this.pending = new PendingEnds();
    this.cleanup = new PendingEnds();
    const range = ctx.keyGroupRange;
    for (let kg = range.start; kg <= range.end; kg++) {
      const firedEnds = new Map<StateKey, number[]>();
      for await (const [key, ends] of this.fired.scan(kg)) firedEnds.set(key, ends);
      for await (const [key, s] of this.table.scan(kg)) {
        const done = firedEnds.get(key) ?? [];
        for (const w of s[1]) {
          if (done.includes(w[1])) this.cleanup.add(w[1] + this.lateness, key, kg);
          else this.pending.add(w[1], key, kg);
        }
      }
    }
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    switch (call.kind) {
      case 'batch':
        return addRowKeys(call.batch.rows, this.select, this.ctx.maxParallelism, into);
      case 'watermark':
        if (call.timestamp <= this.watermark) return;
        if (this.lateness > 0) this.cleanup.keysUpTo(call.timestamp + 1, into);
        return this.pending.keysUpTo(
          this.eventTime
            ? call.timestamp + 1
            : call.timestamp >= Number.MAX_SAFE_INTEGER
              ? Infinity
              : -Infinity,
          into,
        );
      case 'time':
        if (!this.eventTime) this.pending.keysUpTo(call.now, into);
        return;
      case 'finish':
        return this.pending.keysUpTo(Infinity, into);
    }
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    this.out = out;
    const rows = batch.rows;
    // Per batch, each touched key's mutable state (no snapshot can start inside a batch).
    const touched = new Map<StateKey, [keyGroup: number, state: KeyState]>();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = this.select(row);
      let t = touched.get(key);
      if (t === undefined) {
        const keyGroup = keyGroupOf(key, this.ctx.maxParallelism);
        const s = this.table.getMutable(keyGroup, key, this.clone);
        if (s !== undefined) {
          t = [keyGroup, s];
          touched.set(key, t);
        } else {
          // A new key: created only once a row is accepted (a late row must not leave an empty entry).
          const created = this.accept(row, key, keyGroup, undefined);
          if (created !== undefined) touched.set(key, [keyGroup, created]);
          continue;
        }
      }
      this.accept(row, key, t[0], t[1]);
    }
  }

  /** Adds `row` to its window of key state `s` (created when undefined); returns the state, or undefined if late. */
  private accept(row: Row, key: StateKey, keyGroup: number, s: KeyState | undefined): KeyState | undefined {
    let start = row[this.startCol] as number;
    let end = row[this.endCol] as number;
    const windows = s?.[1];
    let target: Window | undefined;
    if (this.session) {
      // Merge every open window overlapping or touching [start, end) into one.
      if (windows !== undefined) {
        for (let j = 0; j < windows.length; j++) {
          const w = windows[j]!;
          if (w[0] > end || w[1] < start) continue;
          if (target === undefined) {
            target = w;
            continue;
          }
          for (let a = 0; a < this.specs.length; a++)
            target[a + 2] = this.specs[a]!.merge(target[a + 2], w[a + 2]);
          start = Math.min(start, w[0]);
          end = Math.max(end, w[1]);
          this.pending.remove(w[1], key);
          windows.splice(j--, 1);
        }
      }
      if (target !== undefined) {
        start = Math.min(start, target[0]);
        end = Math.max(end, target[1]);
        if (end !== target[1]) {
          this.pending.remove(target[1], key);
          this.pending.add(end, key, keyGroup);
        }
        target[0] = start;
        target[1] = end;
      }
    } else if (windows !== undefined) {
      for (let j = windows.length - 1; j >= 0; j--) {
        const w = windows[j]!;
        if (w[1] === end && w[0] === start) {
          target = w;
          break;
        }
      }
    }
    if (target === undefined) {
      if (this.eventTime && end - 1 + this.lateness <= this.watermark) {
        this.ctx.metrics.lateRecords++;
        return undefined;
      }
      target = [start, end, ...this.specs.map((a) => a.create())];
      if (s === undefined) {
        s = [this.groupCols.map((c) => row[c]), [target]];
        this.table.put(keyGroup, key, s);
      } else s[1].push(target);
      this.pending.add(end, key, keyGroup);
    }
    // Within the allowed lateness, a row for a window that already fired updates its result.
    const alreadyFired =
      this.lateness > 0 &&
      end - 1 <= this.watermark &&
      (this.fired.get(keyGroup, key)?.includes(end) ?? false);
    const before = alreadyFired ? this.result(s![0], target) : undefined;
    const aggs = this.spec.aggs;
    for (let a = 0; a < aggs.length; a++) {
      const call = aggs[a]!;
      if (call.filterArg !== undefined && row[call.filterArg] !== true) continue;
      const args = call.args;
      const v = args.length === 0 ? 1 : args.length === 1 ? row[args[0]!] : args.map((c) => row[c]);
      target[a + 2] = this.specs[a]!.add(target[a + 2], v);
    }
    if (before !== undefined) {
      this.out?.emit({
        rows: [before, this.result(s![0], target)],
        kinds: [RowKind.UpdateBefore, RowKind.UpdateAfter],
      });
    } else if (this.lateness > 0 && end - 1 <= this.watermark) {
      // A late row opened a window whose end has passed: it fires at once.
      this.fire(end, this.out!);
    }
    return s;
  }

  processWatermark(timestamp: number, out: Output): void {
    if (timestamp > this.watermark) {
      this.watermark = timestamp;
      if (this.lateness > 0) this.dropExpired(timestamp + 1);
      // A window [start, end) is complete once the watermark reaches end − 1 (its window_time).
      if (this.eventTime) this.fire(timestamp + 1, out);
      // End of bounded input (the largest watermark, sent before the final checkpoint's barrier, unlike
      // `finish`): processing-time windows fire too, so a transactional sink commits them.
      else if (timestamp >= Number.MAX_SAFE_INTEGER) this.fire(Infinity, out);
    }
    out.emitWatermark(timestamp);
  }

  processProcessingTime(now: number, out: Output): void {
    if (this.eventTime) return;
    const next = this.pending.peek();
    if (next !== undefined && next <= now) this.fire(now, out);
  }

  finish(out: Output): void {
    this.fire(Infinity, out);
  }

  /** Emits and forgets every window with end ≤ `limit`, in order of end. */
  private fire(limit: number, out: Output): void {
    const rows: Row[] = [];
    for (let next = this.pending.peek(); next !== undefined && next <= limit; next = this.pending.peek()) {
      const [end, keys] = this.pending.pop();
      for (const [key, keyGroup] of keys) {
        const s = this.table.get(keyGroup, key);
        if (s === undefined) continue;
        const j = s[1].findIndex((w) => w[1] === end);
        if (j < 0) continue;
        rows.push(this.result(s[0], s[1][j]!));
        if (this.lateness > 0 && limit !== Infinity) {
          // Kept for late rows until the watermark passes end + lateness.
          const done = this.fired.get(keyGroup, key) ?? [];
          this.fired.put(keyGroup, key, [...done, end]);
          this.cleanup.add(end + this.lateness, key, keyGroup);
          continue;
        }
        if (s[1].length === 1) this.table.delete(keyGroup, key);
        else this.table.getMutable(keyGroup, key, this.clone)![1].splice(j, 1);
      }
    }
    if (rows.length > 0) out.emit({ rows, kinds: undefined });
  }

  /** Drops fired windows whose allowed lateness has passed (end + lateness ≤ limit). */
  private dropExpired(limit: number): void {
    for (let next = this.cleanup.peek(); next !== undefined && next <= limit; next = this.cleanup.peek()) {
      const [at, keys] = this.cleanup.pop();
      const end = at - this.lateness;
      for (const [key, keyGroup] of keys) {
        const s = this.table.getMutable(keyGroup, key, this.clone);
        if (s === undefined) continue;
        const j = s[1].findIndex((w) => w[1] === end);
        if (j >= 0) s[1].splice(j, 1);
        if (s[1].length === 0) this.table.delete(keyGroup, key);
        const done = (this.fired.get(keyGroup, key) ?? []).filter((e) => e !== end);
        if (done.length) this.fired.put(keyGroup, key, done);
        else this.fired.delete(keyGroup, key);
      }
    }
  }

  private result(keyRow: readonly unknown[], w: Window): Row {
    const { keys, windowStart, windowEnd } = this.spec;
    const r: Row = new Array(keys.length + this.specs.length);
    let k = 0;
    for (let i = 0; i < keys.length; i++)
      r[i] = i === windowStart ? w[0] : i === windowEnd ? w[1] : keyRow[k++];
    for (let a = 0; a < this.specs.length; a++) r[keys.length + a] = this.specs[a]!.result(w[a + 2]);
    return r;
  }

  private cloneWindow(w: Window): Window {
    const c = w.slice() as Window;
    for (let a = 0; a < this.specs.length; a++) c[a + 2] = this.specs[a]!.clone(w[a + 2]);
    return c;
  }
}
