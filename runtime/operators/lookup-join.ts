// LookupJoin (Flink's name): a processing-time temporal join; each left row joins the rows a lookup table has for its key now.
import { compilePredicate, compileScalar } from '../../compiler/codegen/compile-rex';
import type { OperatorSpec } from '../../compiler/physical/job-graph';
import type { ConnectorContext, LookupTable } from '../connectors/connector';
import { type StateKey, keySelector } from '../key-groups';
import { BatchBuilder, type RecordBatch, type Row, RowKind } from '../messages';
import type { OperatorContext, Output, StateCall, StreamOperator } from '../operator';

export type LookupJoinSpec = Extract<OperatorSpec, { kind: 'lookupJoin' }>;

/**
 * Stateless: the lookup table is the state (read into memory, or asked per batch). The output keeps the left
 * row's change kind, so an updating left input stays updating (as in Flink's LookupJoin).
 */
export class LookupJoinOperator implements StreamOperator {
  private readonly keyOf: ((row: Row) => unknown)[];
  private readonly select: (row: Row) => StateKey;
  private readonly condition: ((row: Row) => boolean) | undefined;
  private readonly keyRow: Row;

  constructor(
    private readonly spec: LookupJoinSpec,
    private readonly table: LookupTable,
    private readonly connector: (ctx: OperatorContext) => ConnectorContext,
  ) {
    this.keyOf = spec.leftKeys.map((k) => compileScalar(k));
    this.select = keySelector(spec.leftKeys.map((_, i) => i));
    this.keyRow = new Array<unknown>(spec.leftKeys.length);
    this.condition = spec.condition ? compilePredicate(spec.condition) : undefined;
  }

  open(ctx: OperatorContext): void | Promise<void> {
    return this.table.open(this.connector(ctx));
  }

  /** A table asked per batch (a database): loads the batch's keys before the task hands the batch over. */
  prefetch(call: StateCall): Promise<void> | undefined {
    if (call.kind !== 'batch' || !this.table.prepare) return undefined;
    const keys: StateKey[] = [];
    const values: unknown[][] = [];
    const seen = new Set<StateKey>();
    for (const row of call.batch.rows) {
      const key = this.key(row);
      if (key === undefined || seen.has(key)) continue;
      seen.add(key);
      keys.push(key);
      values.push(this.keyRow.slice());
    }
    return keys.length > 0 ? this.table.prepare(keys, values) : undefined;
  }

  /** The lookup key of a left row, or undefined when a part is NULL (NULL equals nothing). */
  key(row: Row): StateKey | undefined {
    for (let i = 0; i < this.keyOf.length; i++) {
      const v = this.keyOf[i]!(row);
      if (v === null || v === undefined) return undefined;
      this.keyRow[i] = v;
    }
    return this.select(this.keyRow);
  }

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const { rows, kinds } = batch;
    const b = new BatchBuilder();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const kind = kinds?.[i] ?? RowKind.Insert;
      const key = this.key(row);
      let matched = false;
      const found = key === undefined ? undefined : this.table.get(key);
      if (found)
        for (const r of found) {
          const joined = row.concat(r);
          if (this.condition && !this.condition(joined)) continue;
          b.add(joined, kind);
          matched = true;
        }
      if (!matched && this.spec.joinType === 'LEFT')
        b.add(row.concat(new Array<null>(this.spec.rightWidth).fill(null)), kind);
    }
    if (b.size > 0) out.emit(b.take());
  }

  close(): void | Promise<void> {
    return this.table.close?.();
  }
}
