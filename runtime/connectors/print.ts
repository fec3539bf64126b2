// The `print` sink (Flink's row format `+I[1, foo]`), `blackhole`, and `collect` for a bare SELECT's results.
import type { TableDef } from '../../compiler/catalog';
import type { Field } from '../../compiler/types';
import { ROW_KIND_SHORT, type RecordBatch, RowKind } from '../messages';
import type { ConnectorContext, SinkWriter } from './connector';
import { formatValue } from './values';

export function formatRow(row: readonly unknown[], kind: RowKind, schema: readonly Field[]): string {
  return `${ROW_KIND_SHORT[kind]}[${row.map((v, i) => formatValue(v, schema[i]?.type)).join(', ')}]`;
}

export class PrintWriter implements SinkWriter {
  private ctx!: ConnectorContext;
  private prefix = '';
  private readonly stderr: boolean;

  constructor(
    table: TableDef | undefined,
    private readonly schema: readonly Field[],
  ) {
    this.stderr = table?.options['standard-error'] === 'true';
    this.identifier = table?.options['print-identifier'];
  }

  private readonly identifier: string | undefined;

  open(ctx: ConnectorContext): void {
    this.ctx = ctx;
    // Flink's PrintSinkOutputWriter: `id:2> `, `id> `, `2> ` or nothing.
    const sub = ctx.parallelism > 1 ? `${ctx.subtaskIndex + 1}` : '';
    const prefix = [this.identifier, sub].filter(Boolean).join(':');
    this.prefix = prefix ? `${prefix}> ` : '';
  }

  write(batch: RecordBatch): void {
    for (let i = 0; i < batch.rows.length; i++) {
      this.ctx.print(
        this.prefix + formatRow(batch.rows[i]!, batch.kinds ? batch.kinds[i]! : RowKind.Insert, this.schema),
        this.stderr,
      );
    }
  }
}

export class BlackholeWriter implements SinkWriter {
  rows = 0;

  open(): void {}

  write(batch: RecordBatch): void {
    this.rows += batch.rows.length;
  }
}
