// Rank (Flink's Top-N): per partition key, the rows ranked rankStart..rankEnd, kept current with a changelog.
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind, isAccumulate } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { sweepExpired } from '../state/ttl';
import { rowComparator } from './row-order';

export type RankSpec = Extract<OperatorSpec, { kind: 'rank' }>;

/** A partition's rows in rank order (ties: earlier arrival first), and its last write time (state TTL). */
type Partition = [rows: Row[], written: number];

/**
 * Top-N over a changelog, with the output Flink's rank functions emit, one input row at a time:
 *
 * - With the rank number selected (or a rank range not starting at 1), every rank position whose row changed
 *   emits `-U[old, r]`, `+U[new, r]`, in rank order; a position newly filled `+I[row, r]`, one emptied
 *   `-D[row, r]` (AppendOnlyTopNFunction, RetractableTopNFunction with row numbers).
 * - Without it, the rows leaving the Top-N emit `-D`, then the rows entering it `+I` (the updates by unique
 *   key Flink emits when the rank number is not selected).
 *
 * An insert-only input keeps only the rankEnd best rows per partition (no row can come back once pushed
 * out); an updating input keeps every row, since a retraction can promote one from below.
 */
export class RankOperator implements StreamOperator {
  private table!: KeyedTable<Partition>;
  private ctx!: OperatorContext;
  private select!: (row: Row) => StateKey;
  private readonly compare: (a: Row, b: Row) => number;
  /** Positional output: rank-number rows, or updates of positions when the range starts after 1. */
  private readonly positional: boolean;
  /** Insert-only input: rows beyond rankEnd are dropped. */
  private appendOnly = true;
  private ttl = 0;
  private sweep = 0;
  private readonly clone = (p: Partition): Partition => [p[0].slice(), p[1]];

  constructor(private readonly spec: RankSpec) {
    this.compare = rowComparator(spec.orderKeys);
    this.positional = spec.outputRankNumber || spec.rankStart > 1;
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
    this.table = ctx.state!.table<Partition>('topn');
    this.select = keySelector(this.spec.partitionKeys);
    this.appendOnly = !(ctx.inputUpdating[0] ?? false);
    this.ttl = ctx.stateTtl;
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    if (call.kind === 'batch') addRowKeys(call.batch.rows, this.select, this.ctx.maxParallelism, into);
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const { rows, kinds } = batch;
    const b = new BatchBuilder();
    const now = this.ttl > 0 ? this.ctx.clock.now() : 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = this.select(row);
      const keyGroup = keyGroupOf(key, this.ctx.maxParallelism);
      let p = this.table.getMutable(keyGroup, key, this.clone);
      // State TTL: an idle partition starts afresh (its old rows are not retracted, as in Flink).
      if (p !== undefined && this.ttl > 0 && now - p[1] > this.ttl) p = undefined;
      const add = kinds === undefined || isAccumulate(kinds[i]!);
      if (p === undefined) {
        if (!add) continue; // retracting a row never seen (expired): nothing to do
        p = [[], now];
        this.table.put(keyGroup, key, p);
      }
      p[1] = now;
      const sorted = p[0];
      const before = this.visible(sorted);
      if (add) {
        const at = upperBound(sorted, row, this.compare);
        if (this.appendOnly && at >= this.spec.rankEnd) continue; // cannot enter the Top-N
        sorted.splice(at, 0, row);
        if (this.appendOnly && sorted.length > this.spec.rankEnd) sorted.length = this.spec.rankEnd;
      } else {
        const at = indexOfRow(sorted, row, this.compare);
        if (at < 0) continue;
        sorted.splice(at, 1);
        if (sorted.length === 0) this.table.delete(keyGroup, key);
      }
      this.emitChanges(before, this.visible(sorted), b);
    }
    out.emit(b.take());
  }

  /** State TTL: a background sweep deletes partitions idle longer than the TTL. */
  processProcessingTime(now: number): void {
    if (this.ttl <= 0) return;
    this.sweep = sweepExpired([this.table], this.ctx.keyGroupRange, this.sweep, (p) => now - p[1] > this.ttl);
  }

  /** The rows at ranks rankStart..rankEnd. */
  private visible(sorted: readonly Row[]): Row[] {
    return sorted.slice(this.spec.rankStart - 1, this.spec.rankEnd);
  }

  private emitChanges(before: readonly Row[], after: readonly Row[], b: BatchBuilder): void {
    if (this.positional) {
      const first = this.spec.rankStart;
      const number = this.spec.outputRankNumber;
      const withRank = (r: Row, i: number) => [...r, number ? first + i : null];
      for (let i = 0; i < Math.max(before.length, after.length); i++) {
        const o = before[i];
        const n = after[i];
        if (o === n) continue;
        if (o !== undefined && n !== undefined) {
          b.add(withRank(o, i), RowKind.UpdateBefore);
          b.add(withRank(n, i), RowKind.UpdateAfter);
        } else if (n !== undefined) b.add(withRank(n, i), RowKind.Insert);
        else b.add(withRank(o!, i), RowKind.Delete);
      }
      return;
    }
    const kept = new Set(after);
    const had = new Set(before);
    for (const o of before) if (!kept.has(o)) b.add([...o, null], RowKind.Delete);
    for (const n of after) if (!had.has(n)) b.add([...n, null], RowKind.Insert);
  }
}

/** The first position whose row sorts after `row`: a new row goes after the rows it ties with. */
function upperBound(sorted: readonly Row[], row: Row, compare: (a: Row, b: Row) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(row, sorted[mid]!) < 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The position of a row with the same values as `row` (a retraction), or -1. */
function indexOfRow(sorted: readonly Row[], row: Row, compare: (a: Row, b: Row) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(sorted[mid]!, row) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && compare(sorted[i]!, row) === 0; i++)
    if (sameValues(sorted[i]!, row)) return i;
  return -1;
}

function sameValues(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && JSON.stringify(a[i]) !== JSON.stringify(b[i])) return false;
  return true;
}
