// Legacy group windows (GROUP BY TUMBLE/HOP/SESSION(time, …) with TUMBLE_START and friends) → a window TVF and its columns.
import type * as A from '../../grammar/ast';
import type { LogicalNode, WindowKind, WindowSpec } from '../logical/plan';
import { isTimestamp, materialize, T } from '../types';
import { type ExprContext, intervalArgument } from './expressions';
import { outputName } from './output-name';
import type { Problems } from './problems';
import type { Analyzed } from './query';
import { Scope, type ScopeField } from './scope';

/** Group window functions and their interval arguments (Flink's legacy HOP takes the slide first). */
const GROUP_WINDOWS: Record<string, { kind: WindowKind; args: string[] }> = {
  TUMBLE: { kind: 'TUMBLE', args: ['size'] },
  HOP: { kind: 'HOP', args: ['slide', 'size'] },
  SESSION: { kind: 'SESSION', args: ['gap'] },
};

/** Auxiliary functions' suffixes → the window column they read. */
const AUXILIARY: Record<string, 'start' | 'end' | 'rowtime' | 'proctime'> = {
  START: 'start',
  END: 'end',
  ROWTIME: 'rowtime',
  PROCTIME: 'proctime',
};

/** The names of the window columns a group window adds (Flink's names for a group window's properties). */
const HIDDEN = { start: 'w$start', end: 'w$end' } as const;
const timeName = (spec: WindowSpec) => (spec.timeAttribute === 'rowtime' ? 'w$rowtime' : 'w$proctime');

/** A group window call written in GROUP BY, analyzed. */
interface GroupWindow {
  readonly call: A.CallExpr;
  readonly spec: WindowSpec;
  /** The time column's index and the intervals in ms, to match auxiliary calls against. */
  readonly timeIndex: number;
  readonly intervals: readonly number[];
}

/** `fn` as a group window function name, or undefined. */
function groupWindowKind(e: A.Expr): string | undefined {
  if (e.kind !== 'call' || e.over) return undefined;
  const name = e.name.name.toUpperCase();
  return name in GROUP_WINDOWS ? name : undefined;
}

/** `TUMBLE_START` → ['TUMBLE', 'start'], or undefined when `e` is no auxiliary call. */
function auxiliary(e: A.Expr): [string, 'start' | 'end' | 'rowtime' | 'proctime'] | undefined {
  if (e.kind !== 'call' || e.over) return undefined;
  const name = e.name.name.toUpperCase();
  const cut = name.indexOf('_');
  if (cut < 0) return undefined;
  const [fn, part] = [name.slice(0, cut), AUXILIARY[name.slice(cut + 1)]];
  return fn in GROUP_WINDOWS && part ? [fn, part] : undefined;
}

/** A copy of `e` with every sub-expression that `f` replaces replaced (`f` returns undefined to descend). */
function mapExpr(e: A.Expr, f: (e: A.Expr) => A.Expr | undefined): A.Expr {
  const r = f(e);
  if (r) return r;
  const m = (x: A.Expr) => mapExpr(x, f);
  switch (e.kind) {
    case 'unary':
      return { ...e, operand: m(e.operand) };
    case 'binary':
      return { ...e, left: m(e.left), right: m(e.right) };
    case 'between':
      return { ...e, expr: m(e.expr), low: m(e.low), high: m(e.high) };
    case 'in':
      return { ...e, expr: m(e.expr), list: e.list.map(m) };
    case 'like':
      return { ...e, expr: m(e.expr), pattern: m(e.pattern) };
    case 'isNull':
    case 'cast':
      return { ...e, expr: m(e.expr) };
    case 'case':
      return {
        ...e,
        ...(e.operand ? { operand: m(e.operand) } : {}),
        whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        ...(e.otherwise ? { otherwise: m(e.otherwise) } : {}),
      };
    case 'call':
      return { ...e, args: e.args.map(m), ...(e.filter ? { filter: m(e.filter) } : {}) };
    default:
      return e;
  }
}

/** Calls `f` on every sub-expression of `e`. */
function forEachExpr(e: A.Expr, f: (e: A.Expr) => void): void {
  mapExpr(e, (x) => {
    f(x);
    return undefined;
  });
}

const column = (name: string, span: A.Span): A.ColumnRef => ({
  kind: 'column',
  path: [{ name, quoted: true, span }],
  span,
});

/**
 * A SELECT grouped by a legacy group window (`GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND)`), rewritten onto the
 * window table function it means: the input gets window_start, window_end and window_time columns (hidden names),
 * GROUP BY names window_start and window_end instead of the call, and `TUMBLE_START(ts, …)`, `_END`, `_ROWTIME`
 * and `_PROCTIME` read those columns. Undefined when `s` has no group window. An auxiliary call without its group
 * window, or with other arguments, is an error at the call.
 *
 * @example groupWindowSelect(select, input, p)?.select.groupBy // [k, $window_start, $window_end]
 */
export function groupWindowSelect(
  s: A.SelectQuery,
  input: Analyzed,
  p: Problems,
): { select: A.SelectQuery; input: Analyzed } | undefined {
  const windows = s.groupBy.filter((g) => groupWindowKind(g) !== undefined) as A.CallExpr[];
  const found = windows.length > 0 ? analyzeGroupWindow(windows[0]!, s, input, p) : undefined;
  if (windows.length > 1)
    throw p.bail('syntax', 'GROUP BY takes one group window function', windows[1]!.span);
  // Every auxiliary call must name this group window with the same arguments.
  const replace = (e: A.Expr): A.Expr | undefined => {
    const aux = auxiliary(e);
    if (!aux) return undefined;
    const call = e as A.CallExpr;
    const [fn, part] = aux;
    const name = call.name.name.toUpperCase();
    if (!found || found.call.name.name.toUpperCase() !== fn) {
      throw p.bail(
        'syntax',
        `${name}(...) needs GROUP BY ${fn}(...) with the same arguments${found ? ` (this query is grouped by ${found.call.name.name.toUpperCase()}(...))` : ''}`,
        call.span,
      );
    }
    if (!sameArguments(call, found, input, p)) {
      throw p.bail(
        'syntax',
        `${name}(...) must repeat the arguments of GROUP BY ${fn}(...): the same time column and intervals`,
        call.span,
      );
    }
    if ((part === 'rowtime' || part === 'proctime') && found.spec.timeAttribute !== part) {
      throw p.bail(
        'syntax',
        `${name}(...) needs a ${part === 'rowtime' ? 'event-time' : 'processing-time'} window; this one is on ${found.spec.timeAttribute === 'rowtime' ? 'event time' : 'processing time'}: use ${fn}_${found.spec.timeAttribute.toUpperCase()}`,
        call.span,
      );
    }
    const col = part === 'start' ? HIDDEN.start : part === 'end' ? HIDDEN.end : timeName(found.spec);
    return column(col, call.span);
  };
  if (!found) {
    // No group window: an auxiliary call anywhere is an error (replace throws).
    for (const item of s.items) if (item.kind === 'expr') forEachExpr(item.expr, (e) => void replace(e));
    if (s.having) forEachExpr(s.having, (e) => void replace(e));
    return undefined;
  }
  const items = s.items.map((item, i) =>
    item.kind === 'expr'
      ? {
          ...item,
          expr: mapExpr(item.expr, replace),
          // Keep the name the item had as written (EXPR$n for an unaliased TUMBLE_START(...)).
          alias: item.alias ?? { name: outputName(item, i), quoted: true, span: item.span },
        }
      : item,
  );
  const groupBy = s.groupBy.flatMap((g) =>
    g === found.call ? [column(HIDDEN.start, g.span), column(HIDDEN.end, g.span)] : [g],
  );
  const select: A.SelectQuery = {
    ...s,
    items,
    groupBy,
    ...(s.having ? { having: mapExpr(s.having, replace) } : {}),
  };
  return { select, input: windowed(input, found.spec) };
}

function analyzeGroupWindow(call: A.CallExpr, s: A.SelectQuery, input: Analyzed, p: Problems): GroupWindow {
  const name = call.name.name.toUpperCase();
  const shape = GROUP_WINDOWS[name]!;
  const ctx: ExprContext = { scope: input.scope, problems: p, clause: 'GROUP BY' };
  if (call.args.length !== shape.args.length + 1) {
    throw p.bail(
      'syntax',
      `${name} expects (time attribute, ${shape.args.join(', ')}), got ${call.args.length} arguments${name === 'TUMBLE' && call.args.length === 3 ? ' (a window offset is not supported)' : ''}`,
      call.span,
    );
  }
  const [timeArg, ...intervalArgs] = call.args;
  const time = timeColumn(timeArg!, input, p);
  const ms = intervalArgs.map((a, i) => intervalArgument(a, ctx, `${name} ${shape.args[i]}`));
  const kind = shape.kind;
  if (kind === 'HOP' && ms[1]! % ms[0]! !== 0) {
    throw p.bail(
      'bad-interval',
      `HOP window size must be an integral multiple of its slide: ${ms[1]! / 1000} s is not a multiple of ${ms[0]! / 1000} s`,
      intervalArgs[1]!.span,
    );
  }
  // A session is per key: the other GROUP BY columns partition it (as the SESSION TVF's PARTITION BY).
  const partitionKeys =
    kind === 'SESSION'
      ? s.groupBy.flatMap((g) => {
          if (g === call || g.kind !== 'column') return [];
          const r = input.scope.resolve(g, p);
          return r.kind === 'inputRef' ? [r.index] : [];
        })
      : [];
  const spec: WindowSpec = {
    kind,
    timeIndex: time.index,
    timeAttribute: time.attribute,
    partitionKeys,
    ...(kind === 'TUMBLE' ? { size: ms[0] } : {}),
    ...(kind === 'HOP' ? { slide: ms[0], size: ms[1] } : {}),
    ...(kind === 'SESSION' ? { gap: ms[0] } : {}),
  };
  return { call, spec, timeIndex: time.index, intervals: ms };
}

/** The time attribute column a group window (or its auxiliary call) names. */
function timeColumn(
  e: A.Expr,
  input: Analyzed,
  p: Problems,
): { index: number; attribute: 'rowtime' | 'proctime' } {
  const r = e.kind === 'column' ? input.scope.resolve(e, p) : undefined;
  const t = r?.type;
  if (r?.kind !== 'inputRef' || !t || !isTimestamp(t) || !t.timeAttribute) {
    throw p.bail(
      'not-a-time-attribute',
      'a group window needs a time attribute column as its first argument (a TIMESTAMP(3) with a WATERMARK, or PROCTIME())',
      e.span,
    );
  }
  return { index: r.index, attribute: t.timeAttribute };
}

function sameArguments(call: A.CallExpr, w: GroupWindow, input: Analyzed, p: Problems): boolean {
  if (call.args.length !== w.intervals.length + 1) return false;
  const [timeArg, ...intervalArgs] = call.args;
  if (timeColumn(timeArg!, input, p).index !== w.timeIndex) return false;
  const ctx: ExprContext = { scope: input.scope, problems: p, clause: call.name.name };
  return intervalArgs.every((a, i) => intervalArgument(a, ctx, 'an interval') === w.intervals[i]);
}

/** `input` under the window table function `spec`: its columns (the time column materialized) and the window's. */
function windowed(input: Analyzed, spec: WindowSpec): Analyzed {
  const width = input.plan.schema.length;
  const windowTime =
    spec.timeAttribute === 'rowtime'
      ? T.timestamp(3, false, 'rowtime')
      : T.timestampLtz(3, false, 'proctime');
  const added: ScopeField[] = [
    { name: HIDDEN.start, type: T.timestamp(3, false), window: { spec, role: 'start' } },
    { name: HIDDEN.end, type: T.timestamp(3, false), window: { spec, role: 'end' } },
    { name: timeName(spec), type: windowTime, window: { spec, role: 'time' } },
  ];
  const relations = input.scope.relations.map((r) => ({
    ...r,
    fields: r.fields.map((f, i) =>
      r.offset + i === spec.timeIndex ? { ...f, type: materialize(f.type) } : f,
    ),
  }));
  const scope = new Scope([...relations, { fields: added, offset: width }]);
  const plan: LogicalNode = {
    kind: 'windowTableFunction',
    input: input.plan,
    window: spec,
    schema: [
      ...input.plan.schema.map((f, i) => (i === spec.timeIndex ? { ...f, type: materialize(f.type) } : f)),
      ...added.map(({ name, type }) => ({ name, type })),
    ],
    changelog: input.plan.changelog,
  };
  return { plan, scope };
}
