// The output column name of a SELECT list item, as Flink names it.
import type * as A from '../../grammar/ast';

/** A SELECT item's column name: its alias, a column's last name part, else EXPR$<position>. */
export function outputName(item: Extract<A.SelectItem, { kind: 'expr' }>, i: number): string {
  if (item.alias) return item.alias.name;
  const e = item.expr;
  if (e.kind === 'column') return e.path[e.path.length - 1]!.name;
  return `EXPR$${i}`;
}
