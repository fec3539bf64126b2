// Event-time temporal join (Flink's TemporalRowTimeJoin): each left row joins its key's version valid at its time, once the watermark passes it.
import { compilePredicate } from '../../compiler/codegen/compile-rex';
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import { type StateKey, keyGroupOf, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind } from '../messages';
import type { OperatorContext, Output, RestoredOperatorState, StateCall, StreamOperator } from '../operator';
import type { KeyedTable } from '../state/backend';
import { type StateKeyRefs, addRowKeys } from '../state/key-refs';
import { ExpiryQueue } from './interval-join';

export type TemporalJoinSpec = Extract<OperatorSpec, { kind: 'temporalJoin' }>;

/** Left rows of a key waiting for the watermark, flat: `[time₀, row₀, time₁, row₁, …]`. */
type Pending = unknown[];
/** A key's versions in time order, flat: `[time₀, row₀ | null, …]`; null marks the key deleted from that time. */
type Versions = unknown[];

const copy = (v: unknown[]): unknown[] => v.slice();

/**
 * Per key, the left rows not yet emitted and the right side's versions. A watermark W (no row before W comes any
 * more) emits every left row at a time t < W joined with the version of greatest time ≤ t (none, or a deletion:
 * INNER drops the row, LEFT pads it), then keeps of the versions only the latest before W (older ones can match
 * no later left row) and those from W on. Right rows: +I/+U add a version at their rowtime (replacing one at the same time), -D marks
 * the key deleted at its rowtime, -U is ignored (the +U that follows replaces the version; Flink asks its
 * versioned side for upserts, without update-before rows). A left row that arrives when the watermark is
 * already past it is joined at once and counted late.
 */
export class TemporalJoinOperator implements StreamOperator {
  private pending!: KeyedTable<Pending>;
  private versions!: KeyedTable<Versions>;
  private readonly selectors: [(r: Row) => StateKey, (r: Row) => StateKey];
  private readonly nullKey: (r: Row) => boolean;
  private readonly condition: ((row: Row) => boolean) | undefined;
  /** Keys with left rows, by their earliest pending time; keys with versions to prune, by a version time. */
  private readonly leftQueue = new ExpiryQueue();
  private readonly rightQueue = new ExpiryQueue();
  private watermark = -Infinity;
  private maxParallelism = 128;
  private ctx!: OperatorContext;

  constructor(private readonly spec: TemporalJoinSpec) {
    this.selectors = [keySelector(spec.leftKeys), keySelector(spec.rightKeys)];
    this.nullKey = (r) => spec.leftKeys.some((k) => r[k] === null || r[k] === undefined);
    this.condition = spec.condition ? compilePredicate(spec.condition) : undefined;
  }

  async open(ctx: OperatorContext, restored: RestoredOperatorState | undefined): Promise<void> {
    this.ctx = ctx;
    this.maxParallelism = ctx.maxParallelism;
    this.pending = ctx.state!.table<Pending>('left');
    this.versions = ctx.state!.table<Versions>('right');
    const marks = restored?.all ?? [];
    if (marks.length > 0 && marks.every((w) => typeof w === 'number'))
      this.watermark = Math.min(...(marks as number[]));
    // The queues are not state: rebuilt from the restored rows.
    for (let kg = ctx.keyGroupRange.start; kg <= ctx.keyGroupRange.end; kg++) {
      for await (const [key, v] of this.pending.scan(kg)) this.leftQueue.push(minTime(v), key, kg);
      for await (const [key, v] of this.versions.scan(kg)) this.rightQueue.push(v[0] as number, key, kg);
    }
  }

  stateKeys(call: StateCall, into: StateKeyRefs): void {
    if (call.kind === 'batch')
      addRowKeys(call.batch.rows, this.selectors[call.input]!, this.maxParallelism, into);
    else if (call.kind === 'watermark' && call.timestamp > this.watermark) {
      this.leftQueue.dueBefore(call.timestamp, into);
      this.rightQueue.dueBefore(call.timestamp, into);
    }
  }

  snapshotState(): unknown {
    return this.watermark === -Infinity ? null : this.watermark;
  }

  processBatch(input: number, batch: RecordBatch, out: Output): void {
    if (input === 1) return this.addVersions(batch);
    const b = new BatchBuilder();
    const time = this.spec.leftTime;
    for (const row of batch.rows) {
      const t = row[time];
      if (typeof t !== 'number' || this.nullKey(row)) {
        if (this.spec.joinType === 'LEFT') b.add(this.padded(row), RowKind.Insert);
        continue;
      }
      const key = this.selectors[0](row);
      const kg = keyGroupOf(key, this.maxParallelism);
      if (t < this.watermark) {
        this.ctx.metrics.lateRecords++;
        this.join(row, t, this.versions.get(kg, key), b);
        continue;
      }
      const p = this.pending.getMutable(kg, key, copy);
      if (p === undefined) {
        this.pending.put(kg, key, [t, row]);
        this.leftQueue.push(t, key, kg);
      } else {
        if (t < minTime(p)) this.leftQueue.push(t, key, kg);
        p.push(t, row);
      }
    }
    if (b.size > 0) out.emit(b.take());
  }

  private addVersions(batch: RecordBatch): void {
    const { rows, kinds } = batch;
    const time = this.spec.rightTime;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds?.[i] ?? RowKind.Insert;
      if (kind === RowKind.UpdateBefore) continue;
      const row = rows[i]!;
      const t = row[time];
      if (typeof t !== 'number') continue;
      const key = this.selectors[1](row);
      const kg = keyGroupOf(key, this.maxParallelism);
      const value = kind === RowKind.Delete ? null : row;
      const v = this.versions.getMutable(kg, key, copy);
      if (v === undefined) {
        this.versions.put(kg, key, [t, value]);
      } else {
        // Insert in time order (versions mostly come in order: search from the end).
        let j = v.length - 2;
        while (j >= 0 && (v[j] as number) > t) j -= 2;
        if (j >= 0 && v[j] === t) v[j + 1] = value;
        else v.splice(j + 2, 0, t, value);
      }
      this.rightQueue.push(t, key, kg);
    }
  }

  processWatermark(timestamp: number, out: Output): void {
    if (timestamp > this.watermark) {
      this.watermark = timestamp;
      const b = new BatchBuilder();
      this.emitDue(timestamp, b);
      this.prune(timestamp);
      if (b.size > 0) out.emit(b.take());
    }
    out.emitWatermark(timestamp);
  }

  /** Emits the left rows before W (rows at W may still come on either side), by their keys' earliest times. */
  private emitDue(W: number, b: BatchBuilder): void {
    const q = this.leftQueue;
    while (q.size > 0 && q.peekTime() < W) {
      const time = q.peekTime();
      const key = q.peekKey();
      const kg = q.peekKeyGroup();
      q.pop();
      const p = this.pending.get(kg, key);
      if (p === undefined || minTime(p) !== time) continue; // stale
      const versions = this.versions.get(kg, key);
      const rest: Pending = [];
      // Rows of a key in time order (ties in arrival order).
      const due: number[] = [];
      for (let j = 0; j < p.length; j += 2) {
        if ((p[j] as number) < W) due.push(j);
        else rest.push(p[j], p[j + 1]);
      }
      due.sort((x, y) => (p[x] as number) - (p[y] as number) || x - y);
      for (const j of due) this.join(p[j + 1] as Row, p[j] as number, versions, b);
      if (rest.length === 0) this.pending.delete(kg, key);
      else {
        this.pending.put(kg, key, rest);
        q.push(minTime(rest), key, kg);
      }
    }
  }

  /** Drops the versions that no left row can match any more: all before the latest one before W. */
  private prune(W: number): void {
    const q = this.rightQueue;
    while (q.size > 0 && q.peekTime() < W) {
      const key = q.peekKey();
      const kg = q.peekKeyGroup();
      q.pop();
      const v = this.versions.get(kg, key);
      if (v === undefined) continue;
      let last = -1;
      for (let j = 0; j < v.length && (v[j] as number) < W; j += 2) last = j;
      if (last < 0) continue;
      // A deletion before W matches nothing from now on: it need not be kept either.
      const from = v[last + 1] === null ? last + 2 : last;
      if (from === 0) continue;
      if (from >= v.length) this.versions.delete(kg, key);
      else this.versions.put(kg, key, v.slice(from));
    }
  }

  /** Emits `row` joined with the version valid at `t`, or padded (LEFT) when none is. */
  private join(row: Row, t: number, versions: Versions | undefined, b: BatchBuilder): void {
    let match: Row | null = null;
    if (versions)
      for (let j = 0; j < versions.length && (versions[j] as number) <= t; j += 2)
        match = versions[j + 1] as Row | null;
    if (match !== null) {
      const joined = row.concat(match);
      if (!this.condition || this.condition(joined)) {
        b.add(joined, RowKind.Insert);
        return;
      }
    }
    if (this.spec.joinType === 'LEFT') b.add(this.padded(row), RowKind.Insert);
  }

  private padded(row: Row): Row {
    return row.concat(new Array<null>(this.spec.rightWidth).fill(null));
  }
}

function minTime(p: Pending): number {
  let m = Infinity;
  for (let j = 0; j < p.length; j += 2) if ((p[j] as number) < m) m = p[j] as number;
  return m;
}
