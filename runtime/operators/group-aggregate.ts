// GroupAggregate: an unbounded GROUP BY with retractions; per batch, each touched key emits one -U/+U pair (mini-batch).
import type { AggCall } from '../../compiler/logical/plan';
import type { Field } from '../../compiler/types';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind, isAccumulate } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { sweepExpired } from '../state/ttl';
import { type AccumulatorSpec, accumulatorFor } from './accumulators';

/** Per key: how many rows are accumulated (0 → the key's result is deleted), and one accumulator per call. */
type GroupState = [rows: number, ...accs: unknown[]];

interface Touched {
  readonly keyGroup: number;
  readonly key: StateKey;
  readonly keyRow: Row;
  /** The result emitted before this batch, if any. */
  readonly before: Row | undefined;
  acc: GroupState;
}

export class GroupAggregateOperator implements StreamOperator {
  private table!: KeyedTable<GroupState>;
  private specs!: AccumulatorSpec[];
  private select!: (row: Row) => StateKey;
  private maxParallelism = 128;
  /** `table.exec.state.ttl` in ms (0: keys never expire); with a TTL the last element of GroupState is the last write time. */
  private ttl = 0;
  private sweep = 0;
  private ctx!: OperatorContext;
  private readonly clone = (s: GroupState): GroupState => {
    const c = s.slice() as GroupState;
    for (let i = 0; i < this.specs.length; i++) c[i + 1] = this.specs[i]!.clone(s[i + 1]);
    return c;
  };

  constructor(
    private readonly keys: readonly number[],
    private readonly aggs: readonly AggCall[],
    private readonly inputSchema: readonly Field[],
  ) {}

  open(ctx: OperatorContext): void {
    this.table = ctx.state!.table<GroupState>('groups');
    const retractable = ctx.inputUpdating[0] ?? false;
    this.specs = this.aggs.map((a) =>
      accumulatorFor(a, a.args.length ? this.inputSchema[a.args[0]!]!.type : undefined, retractable),
    );
    this.select = keySelector(this.keys);
    this.maxParallelism = ctx.maxParallelism;
    this.ttl = ctx.stateTtl;
    this.ctx = ctx;
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    // A TTL sweep only touches keys in memory: nothing to load for processing time.
    if (call.kind === 'batch') addRowKeys(call.batch.rows, this.select, this.maxParallelism, into);
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const { rows, kinds } = batch;
    const touched = new Map<StateKey, Touched>();
    const now = this.ttl > 0 ? this.ctx.clock.now() : 0;
    const specs = this.specs;
    const aggs = this.aggs;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = this.select(row);
      let t = touched.get(key);
      if (t === undefined) {
        const keyGroup = keyGroupOf(key, this.maxParallelism);
        let acc = this.table.getMutable(keyGroup, key, this.clone);
        // State TTL: a key idle longer than the TTL starts afresh (as in Flink, its old result is not retracted).
        if (acc !== undefined && this.ttl > 0 && now - (acc[acc.length - 1] as number) > this.ttl) {
          this.table.delete(keyGroup, key);
          acc = undefined;
        }
        const before = acc !== undefined && acc[0] > 0 ? this.result(row, acc) : undefined;
        if (acc === undefined) {
          acc = [0, ...specs.map((s) => s.create())] as GroupState;
          if (this.ttl > 0) acc.push(now);
          this.table.put(keyGroup, key, acc);
        }
        t = { keyGroup, key, keyRow: row, before, acc };
        touched.set(key, t);
      }
      const add = kinds === undefined || isAccumulate(kinds[i]!);
      const acc = t.acc;
      if (!add && acc[0] <= 0) continue; // a retraction for a key with nothing accumulated: Flink ignores it too
      acc[0] += add ? 1 : -1;
      for (let j = 0; j < specs.length; j++) {
        const a = aggs[j]!;
        if (a.filterArg !== undefined && row[a.filterArg] !== true) continue;
        const v = a.args.length === 0 ? 1 : a.args.length === 1 ? row[a.args[0]!] : a.args.map((c) => row[c]);
        acc[j + 1] = add ? specs[j]!.add(acc[j + 1], v) : specs[j]!.retract(acc[j + 1], v);
      }
    }
    const b = new BatchBuilder();
    for (const t of touched.values()) {
      if (this.ttl > 0) t.acc[t.acc.length - 1] = now;
      const after = t.acc[0] > 0 ? this.result(t.keyRow, t.acc) : undefined;
      if (after === undefined) this.table.delete(t.keyGroup, t.key);
      if (t.before === undefined) {
        if (after !== undefined) b.add(after, RowKind.Insert);
      } else if (after === undefined) {
        b.add(t.before, RowKind.Delete);
      } else if (!sameRow(t.before, after)) {
        b.add(t.before, RowKind.UpdateBefore);
        b.add(after, RowKind.UpdateAfter);
      }
    }
    out.emit(b.take());
  }

  processWatermark(): void {}

  /** State TTL: a background sweep deletes keys idle longer than the TTL (silently, as Flink does). */
  processProcessingTime(now: number): void {
    if (this.ttl <= 0) return;
    this.sweep = sweepExpired(
      [this.table],
      this.ctx.keyGroupRange,
      this.sweep,
      (acc) => now - (acc[acc.length - 1] as number) > this.ttl,
    );
  }

  private result(keyRow: Row, acc: GroupState): Row {
    const r: Row = new Array(this.keys.length + this.specs.length);
    for (let i = 0; i < this.keys.length; i++) r[i] = keyRow[this.keys[i]!];
    for (let j = 0; j < this.specs.length; j++) r[this.keys.length + j] = this.specs[j]!.result(acc[j + 1]);
    return r;
  }
}

export function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
