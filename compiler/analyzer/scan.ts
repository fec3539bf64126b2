// The logical plan that reads a catalog table: scan, computed columns, watermark.
import type { TableDef } from '../catalog';
import { type LogicalNode, makeProject } from '../logical/plan';
import { inputRef } from '../rex';
import { materialize } from '../types';

/** The plan that reads a table: scan of the physical columns, computed columns, then the watermark. */
export function scanPlan(table: TableDef): LogicalNode {
  const physical = table.physical.map((i) => table.columns[i]!);
  let plan: LogicalNode = {
    kind: 'scan',
    table,
    schema: physical.map((f) => ({ ...f, type: materialize(f.type) })),
    changelog: 'append',
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
      changelog: 'append',
    };
  }
  return plan;
}
