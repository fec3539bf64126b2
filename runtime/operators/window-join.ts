// WindowJoin (Flink's): both sides' rows of one window and key, joined once when the watermark passes the window's end.
import { compilePredicate } from '../../compiler/codegen/compile-rex';
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind } from '../messages';
import type { OperatorContext, Output, RestoredOperatorState, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { PendingEnds } from './pending-ends';

export type WindowJoinSpec = Extract<OperatorSpec, { kind: 'windowJoin' }>;

const cloneRows = (rows: Row[]): Row[] => rows.slice();

/**
 * Each side's rows are stored under their key (the equality keys, window_start and window_end included, so a key
 * is one window). A window [start, end) is complete once the watermark reaches end − 1 (its window_time): then
 * the key's left and right rows are joined (nested loop, with the rest of the ON condition), outer joins pad the
 * rows that matched nothing, and both sides' rows leave state. A row whose window is complete on arrival is late:
 * dropped and counted in `lateRecords`. Output: append-only (+I), in window-end order.
 *
 * @example new WindowJoinOperator(spec) // spec from the job graph's `windowJoin`
 */
export class WindowJoinOperator implements StreamOperator {
  private tables!: [KeyedTable<Row[]>, KeyedTable<Row[]>];
  private readonly selectors: [(r: Row) => StateKey, (r: Row) => StateKey];
  /** A row with a NULL join key matches nothing (NULL = NULL is not true). */
  private readonly nullKey: [(r: Row) => boolean, (r: Row) => boolean];
  private readonly condition: ((row: Row) => boolean) | undefined;
  /** Whether unmatched rows of side 0 (left) / side 1 (right) are emitted padded with NULLs. */
  private readonly preserve: [boolean, boolean];
  private readonly endCol: [number, number];
  private pending = new PendingEnds();
  private watermark = -Infinity;
  private ctx!: OperatorContext;
  private maxParallelism = 128;

  constructor(private readonly spec: WindowJoinSpec) {
    this.selectors = [keySelector(spec.leftKeys), keySelector(spec.rightKeys)];
    const hasNull = (keys: readonly number[]) => (r: Row) =>
      keys.some((k) => r[k] === null || r[k] === undefined);
    this.nullKey = [hasNull(spec.leftKeys), hasNull(spec.rightKeys)];
    this.condition = spec.condition ? compilePredicate(spec.condition) : undefined;
    const t = spec.joinType;
    this.preserve = [t === 'LEFT' || t === 'FULL', t === 'RIGHT' || t === 'FULL'];
    this.endCol = [spec.leftEnd, spec.rightEnd];
  }

  async open(ctx: OperatorContext, restored: RestoredOperatorState | undefined): Promise<void> {
    this.ctx = ctx;
    this.maxParallelism = ctx.maxParallelism;
    this.tables = [ctx.state!.table<Row[]>('left'), ctx.state!.table<Row[]>('right')];
    // Event time does not go back after a restore: the smallest watermark of the subtasks that snapshotted.
    const marks = restored?.all ?? [];
    if (marks.length > 0 && marks.every((w) => typeof w === 'number'))
      this.watermark = Math.min(...(marks as number[]));
    // The window timers are not state: rebuilt from the stored rows (every row of a key has the same end).
    this.pending = new PendingEnds();
    for (let kg = ctx.keyGroupRange.start; kg <= ctx.keyGroupRange.end; kg++)
      for (const side of [0, 1] as const)
        for await (const [key, rows] of this.tables[side].scan(kg))
          this.pending.add(rows[0]![this.endCol[side]] as number, key, kg);
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    if (call.kind === 'batch')
      addRowKeys(call.batch.rows, this.selectors[call.input]!, this.maxParallelism, into);
    else if (call.kind === 'watermark' && call.timestamp > this.watermark)
      this.pending.keysUpTo(call.timestamp + 1, into);
    else if (call.kind === 'finish') this.pending.keysUpTo(Infinity, into);
  }

  snapshotState(): unknown {
    return this.watermark === -Infinity ? null : this.watermark;
  }

  private padded(side: number, row: Row): Row {
    return side === 0
      ? row.concat(new Array<null>(this.spec.rightWidth).fill(null))
      : new Array<unknown>(this.spec.leftWidth).fill(null).concat(row);
  }

  processBatch(input: number, batch: RecordBatch, out: Output): void {
    const side = input;
    const table = this.tables[side];
    const select = this.selectors[side];
    const endCol = this.endCol[side];
    const W = this.watermark;
    let padded: BatchBuilder | undefined;
    const rows = batch.rows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const end = row[endCol] as number;
      if (end - 1 <= W) {
        this.ctx.metrics.lateRecords++;
        continue;
      }
      if (this.nullKey[side](row)) {
        // Matches nothing, now or later.
        if (this.preserve[side]) (padded ??= new BatchBuilder()).add(this.padded(side, row), RowKind.Insert);
        continue;
      }
      const key = select(row);
      const kg = keyGroupOf(key, this.maxParallelism);
      const stored = table.getMutable(kg, key, cloneRows);
      if (stored !== undefined) stored.push(row);
      else {
        table.put(kg, key, [row]);
        this.pending.add(end, key, kg);
      }
    }
    if (padded) out.emit(padded.take());
  }

  processWatermark(timestamp: number, out: Output): void {
    if (timestamp > this.watermark) {
      this.watermark = timestamp;
      this.fire(timestamp + 1, out);
    }
    out.emitWatermark(timestamp);
  }

  finish(out: Output): void {
    this.fire(Infinity, out);
  }

  /** Joins and forgets every window with end ≤ `limit`, in order of end. */
  private fire(limit: number, out: Output): void {
    const b = new BatchBuilder();
    const [lefts, rights] = this.tables;
    for (let next = this.pending.peek(); next !== undefined && next <= limit; next = this.pending.peek()) {
      const [, keys] = this.pending.pop();
      for (const [key, kg] of keys) {
        const l = lefts.get(kg, key);
        const r = rights.get(kg, key);
        if (l !== undefined) lefts.delete(kg, key);
        if (r !== undefined) rights.delete(kg, key);
        this.joinWindow(l ?? [], r ?? [], b);
      }
    }
    if (b.size > 0) out.emit(b.take());
  }

  private joinWindow(left: readonly Row[], right: readonly Row[], b: BatchBuilder): void {
    const [padLeft, padRight] = this.preserve;
    const rightMatched = padRight ? new Array<boolean>(right.length).fill(false) : undefined;
    for (const l of left) {
      let matched = false;
      for (let j = 0; j < right.length; j++) {
        const joined = l.concat(right[j]!);
        if (this.condition && !this.condition(joined)) continue;
        b.add(joined, RowKind.Insert);
        matched = true;
        if (rightMatched) rightMatched[j] = true;
      }
      if (!matched && padLeft) b.add(this.padded(0, l), RowKind.Insert);
    }
    if (rightMatched)
      for (let j = 0; j < right.length; j++)
        if (!rightMatched[j]) b.add(this.padded(1, right[j]!), RowKind.Insert);
  }
}
