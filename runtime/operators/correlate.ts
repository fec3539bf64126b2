// Correlate: a user table function (LATERAL TABLE(f(x))) run per input row, its rows appended to that row's columns.
import { compileScalar } from '../../compiler/codegen/compile-rex';
import type { RexCall } from '../../compiler/rex';
import type { SqlType } from '../../compiler/types';
import { fromJs, udfFailure } from '../../compiler/udf/invoke';
import { udfDefinition } from '../../compiler/udf/registry';
import type { RecordBatch, Row, RowKind } from '../messages';
import type { Output, StreamOperator } from '../operator';

type Eval = (...args: unknown[]) => Iterable<unknown>;

/** Each output row keeps its input row's change kind, as Flink's correlate does on an updating input. */
export class CorrelateOperator implements StreamOperator {
  private readonly args: ((row: Row) => unknown)[];
  private readonly def: Record<string, unknown>;
  private readonly eval: Eval;
  private readonly fields: SqlType[];

  constructor(
    private readonly call: RexCall,
    private readonly joinType: 'INNER' | 'LEFT',
  ) {
    this.args = call.args.map((a) => compileScalar(a) as (row: Row) => unknown);
    this.def = udfDefinition(call.udf!.module, call.udf!.name);
    this.eval = this.def['eval'] as Eval;
    const t = call.type;
    this.fields = t.kind === 'ROW' ? t.fields.map((f) => f.type) : [t];
  }

  open(): void {}

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const { rows, kinds } = batch;
    const outRows: Row[] = [];
    const outKinds: RowKind[] | undefined = kinds ? [] : undefined;
    const ref = this.call.udf!;
    const width = this.fields.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const args = this.args.map((f) => f(row));
      let n = 0;
      try {
        for (const v of this.eval.apply(this.def, args)) {
          const r = fromJs(v, this.call.type);
          const values = Array.isArray(r) ? r : [r];
          const o = row.slice();
          for (let j = 0; j < width; j++) o.push(values[j] ?? null);
          outRows.push(o);
          if (outKinds) outKinds.push(kinds![i]!);
          n++;
        }
      } catch (e) {
        throw udfFailure(ref, 'eval', row, e);
      }
      if (n === 0 && this.joinType === 'LEFT') {
        const o = row.slice();
        for (let j = 0; j < width; j++) o.push(null);
        outRows.push(o);
        if (outKinds) outKinds.push(kinds![i]!);
      }
    }
    out.emit({ rows: outRows, kinds: outKinds });
  }
}
