// WindowRank (Flink's window Top-N and window deduplication): each window's best rows, emitted once when it closes.
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { type RecordBatch, type Row } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { rowComparator } from './row-order';
import { PendingEnds } from './pending-ends';

export type WindowRankSpec = Extract<OperatorSpec, { kind: 'windowRank' }>;

/** A key's open windows: each window's end and its best rows so far, in rank order. Arrays only (msgpack). */
type KeyWindows = [end: number, rows: Row[]][];

/**
 * Top-N per window over the rows of a window table function or window aggregate (window_start and window_end
 * among the PARTITION BY columns). Rows are held per key and window, only the rankEnd best (ties: earlier
 * arrival first; for a keep-last window deduplication the later row wins a tie, as Flink's does); when the
 * watermark passes a window's end (`end − 1`), its ranks rankStart..rankEnd are emitted as inserts, in rank
 * order, and the window leaves state. Rows for a window already emitted are late: dropped and counted.
 * Processing-time windows close when the clock reaches their end. Output: append-only.
 */
export class WindowRankOperator implements StreamOperator {
  private table!: KeyedTable<KeyWindows>;
  private ctx!: OperatorContext;
  private select!: (row: Row) => StateKey;
  private pending = new PendingEnds();
  private watermark = -Infinity;
  private readonly compare: (a: Row, b: Row) => number;
  private readonly eventTime: boolean;
  private readonly clone = (s: KeyWindows): KeyWindows => s.map(([end, rows]) => [end, rows.slice()]);

  constructor(private readonly spec: WindowRankSpec) {
    this.compare = rowComparator(spec.orderKeys);
    this.eventTime = spec.timeAttribute === 'rowtime';
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.table = ctx.state!.table<KeyWindows>('windows');
    this.select = keySelector(this.spec.keys);
    this.pending = new PendingEnds();
    const range = ctx.keyGroupRange;
    for (let kg = range.start; kg <= range.end; kg++)
      for await (const [key, windows] of this.table.scan(kg))
        for (const [e] of windows) this.pending.add(e, key, kg);
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    switch (call.kind) {
      case 'batch':
        return addRowKeys(call.batch.rows, this.select, this.ctx.maxParallelism, into);
      case 'watermark':
        if (call.timestamp <= this.watermark) return;
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

  processBatch(_input: number, batch: RecordBatch): void {
    const rows = batch.rows;
    const { rankEnd, windowEndIndex, lastWinsTies } = this.spec;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const end = row[windowEndIndex] as number;
      if (this.eventTime && end - 1 <= this.watermark) {
        this.ctx.metrics.lateRecords++;
        continue;
      }
      const key = this.select(row);
      const keyGroup = keyGroupOf(key, this.ctx.maxParallelism);
      let windows = this.table.getMutable(keyGroup, key, this.clone);
      if (windows === undefined) {
        windows = [];
        this.table.put(keyGroup, key, windows);
      }
      let w = windows.find((x) => x[0] === end);
      if (w === undefined) {
        w = [end, []];
        windows.push(w);
        this.pending.add(end, key, keyGroup);
      }
      const sorted = w[1];
      const at = position(sorted, row, this.compare, lastWinsTies);
      if (at >= rankEnd) continue;
      sorted.splice(at, 0, row);
      if (sorted.length > rankEnd) sorted.length = rankEnd;
    }
  }

  processWatermark(timestamp: number, out: Output): void {
    if (timestamp > this.watermark) {
      this.watermark = timestamp;
      if (this.eventTime) this.fire(timestamp + 1, out);
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
    const { rankStart, outputRankNumber } = this.spec;
    const rows: Row[] = [];
    for (let next = this.pending.peek(); next !== undefined && next <= limit; next = this.pending.peek()) {
      const [end, keys] = this.pending.pop();
      for (const [key, keyGroup] of keys) {
        const windows = this.table.get(keyGroup, key);
        const j = windows?.findIndex((x) => x[0] === end) ?? -1;
        if (j < 0) continue;
        const sorted = windows![j]![1];
        for (let r = rankStart - 1; r < sorted.length; r++)
          rows.push([...sorted[r]!, outputRankNumber ? r + 1 : null]);
        if (windows!.length === 1) this.table.delete(keyGroup, key);
        else this.table.getMutable(keyGroup, key, this.clone)!.splice(j, 1);
      }
    }
    if (rows.length > 0) out.emit({ rows, kinds: undefined });
  }
}

/** Where a new row goes among `sorted`: after the rows it ties with, or before them when the later row wins. */
function position(
  sorted: readonly Row[],
  row: Row,
  compare: (a: Row, b: Row) => number,
  before: boolean,
): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compare(row, sorted[mid]!);
    if (c < 0 || (before && c === 0)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
