// Operator names for people (`GroupAggregate(groupBy=[…], select=[…])`): how columns, aggregates and windows print.
import {
  type AggCall,
  type LogicalNode,
  type OverNode,
  type RankNode,
  type WindowSpec,
  rankStrategy,
  windowDeduplication,
} from '../logical/plan';

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

/** `Rank(rankRange=[1, 10], partitionBy=[auction], orderBy=[price DESC], select=[…, rn])`, as Flink names it. */
export function rankString(n: OverNode | RankNode, c: readonly string[]): string {
  const orderBy = n.orderKeys.map((k) => `${c[k.index]}${k.descending ? ' DESC' : ' ASC'}`).join(', ');
  const partitionBy = n.partitionKeys.map((k) => c[k]).join(', ');
  if (n.kind === 'over') {
    const f = n.frame;
    const from =
      f.preceding === undefined
        ? 'UNBOUNDED'
        : f.unit === 'RANGE'
          ? `${f.preceding / 1000} s`
          : String(f.preceding);
    const calls = n.calls.map(
      (x) =>
        `${x.fn}(${x.fn === 'ROW_NUMBER' ? '' : x.args.length ? x.args.map((a) => c[a]).join(', ') : '*'}) AS ${x.name}`,
    );
    return `OverAggregate(partitionBy=[${partitionBy}], orderBy=[${orderBy}], window=[${f.unit} BETWEEN ${from} PRECEDING AND CURRENT ROW], select=[${[...c, ...calls].join(', ')}])`;
  }
  const strategy = rankStrategy(n);
  const windowKeep = windowDeduplication(n);
  const what = windowKeep
    ? `WindowDeduplicate(keep=[${windowKeep === 'last' ? 'LastRow' : 'FirstRow'}], partitionBy=[${partitionBy}], order=[${c[n.orderKeys[0]!.index]}]`
    : strategy.kind === 'deduplicate'
      ? `Deduplicate(keep=[${strategy.keepLastRow ? 'LastRow' : 'FirstRow'}], key=[${partitionBy}], order=[${strategy.timeAttribute.toUpperCase()}]`
      : `${strategy.kind === 'window' ? 'WindowRank' : 'Rank'}(rankType=[ROW_NUMBER], rankRange=[rankStart=${n.rankStart}, rankEnd=${n.rankEnd}], partitionBy=[${partitionBy}], orderBy=[${orderBy}]`;
  return `${what}, select=[${[...c, ...(n.outputRankNumber ? [n.rankColumn] : [])].join(', ')}])`;
}
