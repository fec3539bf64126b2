// SESSION window TVF aggregates rewritten as Flink's group window `GROUP BY k, SESSION(time, gap)`.
import type * as A from '../../grammar/ast';
import { type ExprContext, expr } from './expressions';
import { ident } from './identifiers';

/** How a SELECT over a SESSION TVF prints as a group-window aggregate. */
export interface SessionGroupWindow {
  /** The FROM clause: the TVF's input table itself. */
  readonly from: string;
  /** The GROUP BY items: the keys, then SESSION(time, gap) in place of window_start and window_end. */
  readonly groupBy: readonly string[];
  /** window_start → SESSION_START(time, gap), window_end → SESSION_END(...), window_time → SESSION_ROWTIME(...). */
  readonly column: (ref: A.ColumnRef) => string | undefined;
}

const AUXILIARY: Readonly<Record<string, string>> = {
  window_start: 'SESSION_START',
  window_end: 'SESSION_END',
  window_time: 'SESSION_ROWTIME',
};

/**
 * For `SELECT k, COUNT(*), window_start FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), gap))
 * GROUP BY k, window_start, window_end`: the same aggregate as a group window, which every Flink version runs
 * (the SESSION TVF needs Flink 1.19 or later, and dt-sql-parser does not know it). Undefined for any other
 * shape: the TVF is then printed as written.
 * @example sessionGroupWindow(select, ctx)?.groupBy // ['k', "SESSION(`ts`, INTERVAL '10' SECOND)"]
 */
export function sessionGroupWindow(q: A.SelectQuery, ctx: ExprContext): SessionGroupWindow | undefined {
  const tvf = q.from;
  if (tvf?.kind !== 'windowTvf' || tvf.fn.name.toUpperCase() !== 'SESSION' || tvf.args.length !== 2)
    return undefined;
  const [descriptor, gap] = tvf.args as [A.Expr, A.Expr];
  const time = descriptor.kind === 'call' && descriptor.args.length === 1 ? descriptor.args[0]! : undefined;
  if (time?.kind !== 'column') return undefined;
  const windowColumn = (e: A.Expr): string | undefined => {
    if (e.kind !== 'column' || e.path.length > 2) return undefined;
    if (e.path.length === 2 && e.path[0]!.name !== tvf.alias?.name) return undefined;
    const name = e.path[e.path.length - 1]!.name;
    return Object.hasOwn(AUXILIARY, name) ? name : undefined;
  };
  const grouped = new Set(q.groupBy.map(windowColumn));
  const keys = q.groupBy.filter((g) => windowColumn(g) === undefined);
  const keyNames = new Set(
    keys.flatMap((k) => (k.kind === 'column' ? [k.path[k.path.length - 1]!.name] : [])),
  );
  const partitioned = tvf.partitionBy.every(
    (p) => p.kind === 'column' && keyNames.has(p.path[p.path.length - 1]!.name),
  );
  if (!grouped.has('window_start') || !grouped.has('window_end') || !partitioned) return undefined;

  const window = `${expr(time, ctx)}, ${expr(gap, ctx)}`;
  ctx.notes.add(
    'The SESSION window table function is written as the group window GROUP BY ..., SESSION(time, gap) with ' +
      'SESSION_START / SESSION_END: the same windows, and it runs on every Flink version (the table function ' +
      'needs Flink 1.19 or later).',
  );
  return {
    from: tvf.alias ? `${ident(tvf.table)} AS ${ident(tvf.alias)}` : ident(tvf.table),
    groupBy: [...keys.map((k) => expr(k, ctx)), `SESSION(${window})`],
    column: (ref) => {
      const name = windowColumn(ref);
      return name === undefined ? undefined : `${AUXILIARY[name]}(${window})`;
    },
  };
}
