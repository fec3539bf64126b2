// The logical plan that reads a catalog table: scan, computed columns, watermark.
import type { TableDef } from '../catalog';
import { isChangelogSource } from '../connectors';
import { type LogicalNode, makeProject } from '../logical/plan';
import { inputRef } from '../rex';
import { materialize } from '../types';

/**
 * The plan that reads a table: scan of the physical columns, computed columns, then the watermark; a changelog
 * source with a PRIMARY KEY then goes through ChangelogNormalize (as Flink plans an upsert source).
 */
export function scanPlan(table: TableDef, upsert = false): LogicalNode {
  const physical = table.physical.map((i) => table.columns[i]!);
  const changelog = isChangelogSource(table.connector, table.options) ? 'updating' : 'append';
  let plan: LogicalNode = {
    kind: 'scan',
    table,
    schema: physical.map((f) => ({ ...f, type: materialize(f.type) })),
    changelog,
  };
  if (table.computed.length > 0) {
    const exprs = table.columns.map((f, i) => {
      const c = table.computed.find((x) => x.index === i);
      return c ? c.expr : inputRef(table.physical.indexOf(i), materialize(f.type));
    });
    plan = makeProject(
      plan,
      exprs,
      table.columns.map((f) => f.name),
    );
  }
  if (table.watermark) {
    plan = {
      kind: 'watermarkAssigner',
      input: plan,
      rowtimeIndex: table.watermark.column,
      watermark: table.watermark.expr,
      schema: table.columns,
      changelog,
    };
  }
  if (changelog === 'updating' && table.primaryKey.length > 0) {
    // Past the computed columns the schema is every column; before them only the physical ones.
    const all = table.computed.length > 0 || table.watermark !== undefined;
    const keys = table.primaryKey.map((k) => (all ? k : table.physical.indexOf(k)));
    plan = {
      kind: 'changelogNormalize',
      input: plan,
      keys,
      dropUpdateBefore: upsert,
      schema: plan.schema,
      changelog,
      span: table.span,
    };
  }
  return plan;
}
