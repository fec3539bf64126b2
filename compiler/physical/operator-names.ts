// Operator names for people (`GroupAggregate(groupBy=[…], select=[…])`): how columns, aggregates and windows print.
import type { AggCall, LogicalNode, WindowSpec } from '../logical/plan';

/** The output column names of `node`, by position: what expressions over its rows print with. */
export function columnNames(node: LogicalNode): string[] {
  return node.schema.map((f) => f.name);
}

export function renderAs(expr: string, name: string): string {
  return expr === name ? expr : `${expr} AS ${name}`;
}

export function aggString(a: AggCall, cols: readonly string[]): string {
  const args =
    a.args.length === 0 ? '*' : `${a.distinct ? 'DISTINCT ' : ''}${a.args.map((i) => cols[i]).join(', ')}`;
  const filter = a.filterArg !== undefined ? ` FILTER (WHERE ${cols[a.filterArg]})` : '';
  return `${a.fn}(${args})${filter}`;
}

export function windowString(w: WindowSpec, cols: readonly string[] | undefined): string {
  const s = (ms?: number) => `${(ms ?? 0) / 1000} s`;
  // Without column names (a window join's inputs have their own time columns): the window's shape only.
  const time = cols ? [`DESCRIPTOR(${cols[w.timeIndex]})`] : [];
  switch (w.kind) {
    case 'TUMBLE':
      return `TUMBLE(${[...time, `size=[${s(w.size)}]`].join(', ')})`;
    case 'HOP':
      return `HOP(${[...time, `slide=[${s(w.slide)}]`, `size=[${s(w.size)}]`].join(', ')})`;
    case 'CUMULATE':
      return `CUMULATE(${[...time, `step=[${s(w.step)}]`, `size=[${s(w.size)}]`].join(', ')})`;
    case 'SESSION': {
      const by =
        cols && w.partitionKeys.length
          ? [`partitionBy=[${w.partitionKeys.map((k) => cols[k]).join(', ')}]`]
          : [];
      return `SESSION(${[...time, `gap=[${s(w.gap)}]`, ...by].join(', ')})`;
    }
  }
}
