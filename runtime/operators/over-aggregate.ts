// OverAggregate (Flink's OVER aggregates): each row with COUNT/SUM/MIN/MAX/AVG over its partition's frame ending at it.
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import type { Field } from '../../compiler/types';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import type { RecordBatch, Row } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { type AccumulatorSpec, accumulatorFor } from './accumulators';
import { PendingEnds } from './pending-ends';

export type OverAggregateSpec = Extract<OperatorSpec, { kind: 'overAggregate' }>;

/**
 * A partition's rows waiting for the watermark (event time), the rows in its frame with their times (bounded
 * frames), and one accumulator per call. Arrays only, so that it survives msgpack round-trips.
 */
type Partition = [pending: Row[], frame: Row[], times: number[], accs: unknown[]];

/**
 * `agg(x) OVER (PARTITION BY … ORDER BY time ROWS|RANGE BETWEEN … PRECEDING AND CURRENT ROW)` on an insert-only
 * input, as Flink's over-aggregate functions:
 *
 * - Event time: a row waits in state until the watermark reaches its time, then rows are emitted in time order
 *   (ties in arrival order). Rows at or behind the watermark are late: dropped and counted.
 *   ROWS: each row's frame is itself and the `n` rows before it. RANGE: rows with the same time are peers, all
 *   emitted with the aggregate over every row whose time is within the interval before theirs (inclusive).
 * - Processing time: each row goes out on arrival, its time the clock's.
 *
 * Output: the input row followed by one value per call; append-only. Bounded frames keep their rows (and
 * retract those that leave); UNBOUNDED PRECEDING keeps only the accumulators.
 */
export class OverAggregateOperator implements StreamOperator {
  private table!: KeyedTable<Partition>;
  private ctx!: OperatorContext;
  private select!: (row: Row) => StateKey;
  private specs!: AccumulatorSpec[];
  private pending = new PendingEnds();
  private watermark = -Infinity;
  private readonly eventTime: boolean;
  private readonly bounded: boolean;
  private readonly clone = (p: Partition): Partition => [
    p[0].slice(),
    p[1].slice(),
    p[2].slice(),
    p[3].map((a, i) => this.specs[i]!.clone(a)),
  ];

  constructor(
    private readonly spec: OverAggregateSpec,
    private readonly inputSchema: readonly Field[],
  ) {
    this.eventTime = spec.timeAttribute === 'rowtime';
    this.bounded = spec.frame.preceding !== undefined;
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.table = ctx.state!.table<Partition>('over');
    this.select = keySelector(this.spec.partitionKeys);
    this.specs = this.spec.aggs.map((a) =>
      accumulatorFor(a, a.args.length ? this.inputSchema[a.args[0]!]!.type : undefined, this.bounded),
    );
    this.pending = new PendingEnds();
    const range = ctx.keyGroupRange;
    if (this.eventTime)
      for (let kg = range.start; kg <= range.end; kg++)
        for await (const [key, p] of this.table.scan(kg))
          for (const row of p[0]) this.pending.add(row[this.spec.timeIndex] as number, key, kg);
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    switch (call.kind) {
      case 'batch':
        return addRowKeys(call.batch.rows, this.select, this.ctx.maxParallelism, into);
      case 'watermark':
        if (call.timestamp > this.watermark) this.pending.keysUpTo(call.timestamp, into);
        return;
      case 'finish':
        return this.pending.keysUpTo(Infinity, into);
      default:
        return;
    }
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const rows = batch.rows;
    const emitted: Row[] = [];
    const now = this.eventTime ? 0 : this.ctx.clock.now();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const ts = row[this.spec.timeIndex] as number;
      if (this.eventTime && ts <= this.watermark) {
        this.ctx.metrics.lateRecords++;
        continue;
      }
      const key = this.select(row);
      const keyGroup = keyGroupOf(key, this.ctx.maxParallelism);
      let p = this.table.getMutable(keyGroup, key, this.clone);
      if (p === undefined) {
        p = [[], [], [], this.specs.map((s) => s.create())];
        this.table.put(keyGroup, key, p);
      }
      if (this.eventTime) {
        p[0].push(row);
        this.pending.add(ts, key, keyGroup);
      } else this.accumulate(p, [row], now, emitted);
    }
    if (emitted.length > 0) out.emit({ rows: emitted, kinds: undefined });
  }

  processWatermark(timestamp: number, out: Output): void {
    if (timestamp > this.watermark) {
      this.watermark = timestamp;
      if (this.eventTime) this.fire(timestamp, out);
    }
    out.emitWatermark(timestamp);
  }

  finish(out: Output): void {
    if (this.eventTime) this.fire(Infinity, out);
  }

  /** Emits, in time order, every waiting row with a time ≤ `limit`. */
  private fire(limit: number, out: Output): void {
    const emitted: Row[] = [];
    const t = this.spec.timeIndex;
    for (let next = this.pending.peek(); next !== undefined && next <= limit; next = this.pending.peek()) {
      const [ts, keys] = this.pending.pop();
      for (const [key, keyGroup] of keys) {
        const p = this.table.getMutable(keyGroup, key, this.clone);
        if (p === undefined) continue;
        const due = p[0].filter((r) => r[t] === ts);
        if (due.length === 0) continue;
        p[0] = p[0].filter((r) => r[t] !== ts);
        this.accumulate(p, due, ts, emitted);
      }
    }
    if (emitted.length > 0) out.emit({ rows: emitted, kinds: undefined });
  }

  /** Adds rows of one time `ts` to the partition's frame and emits each with its aggregates. */
  private accumulate(p: Partition, rows: readonly Row[], ts: number, emitted: Row[]): void {
    const f = this.spec.frame;
    if (f.unit === 'RANGE') {
      for (const row of rows) this.add(p, row, ts);
      // Rows more than `preceding` before ts leave the frame (the bound itself is inside).
      if (f.preceding !== undefined)
        while (p[2].length > 0 && p[2][0]! < ts - f.preceding) this.retractFirst(p);
      const values = this.results(p);
      for (const row of rows) emitted.push([...row, ...values]);
      return;
    }
    for (const row of rows) {
      this.add(p, row, ts);
      if (f.preceding !== undefined) while (p[1].length > f.preceding + 1) this.retractFirst(p);
      emitted.push([...row, ...this.results(p)]);
    }
  }

  private add(p: Partition, row: Row, ts: number): void {
    const aggs = this.spec.aggs;
    for (let a = 0; a < aggs.length; a++)
      p[3][a] = this.specs[a]!.add(p[3][a], aggs[a]!.args.length ? row[aggs[a]!.args[0]!] : 1);
    if (this.bounded) {
      p[1].push(row);
      p[2].push(ts);
    }
  }

  private retractFirst(p: Partition): void {
    const row = p[1].shift()!;
    p[2].shift();
    const aggs = this.spec.aggs;
    for (let a = 0; a < aggs.length; a++)
      p[3][a] = this.specs[a]!.retract(p[3][a], aggs[a]!.args.length ? row[aggs[a]!.args[0]!] : 1);
  }

  private results(p: Partition): unknown[] {
    return this.specs.map((s, a) => s.result(p[3][a]));
  }
}
