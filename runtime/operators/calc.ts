// Calc: a filter and/or projection compiled once into JS functions, applied row by row within a batch.
import { compilePredicate, compileProjection } from '../../compiler/codegen/compile-rex';
import type { Rex } from '../../compiler/rex';
import type { RecordBatch, Row, RowKind } from '../messages';
import type { Output, StreamOperator } from '../operator';

export class CalcOperator implements StreamOperator {
  private readonly where: ((row: Row) => boolean) | undefined;
  private readonly select: ((row: Row) => Row) | undefined;

  constructor(condition: Rex | undefined, projection: readonly Rex[] | undefined) {
    this.where = condition ? compilePredicate(condition) : undefined;
    this.select = projection ? (compileProjection(projection) as (row: Row) => Row) : undefined;
  }

  open(): void {}

  processBatch(_input: number, batch: RecordBatch, out: Output): void {
    const { rows, kinds } = batch;
    const where = this.where;
    const select = this.select;
    const outRows: Row[] = [];
    let outKinds: RowKind[] | undefined;
    if (kinds) outKinds = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (where !== undefined && !where(row)) continue;
      outRows.push(select !== undefined ? select(row) : row);
      if (outKinds) outKinds.push(kinds![i]!);
    }
    out.emit({ rows: outRows, kinds: outKinds });
  }
}
