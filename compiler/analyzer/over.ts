// OVER in a select list: `ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)` → an Over node whose column the select reads.
import type * as A from '../../grammar/ast';
import { AGGREGATE_FUNCTIONS, RANKING_FUNCTIONS } from '../functions';
import type { OrderKey, OverCall, OverFrame, OverNode, RankWindow } from '../logical/plan';
import { type Rex, inputRef } from '../rex';
import { T } from '../types';
import { analyzeExpr, intervalArgument } from './expressions';
import type { Problems } from './problems';
import type { Scope } from './scope';

/** Ranking functions Flink rejects on streams (StreamExecRank), with what to write instead. */
const STREAM_RANKS = new Set(['RANK', 'DENSE_RANK']);

/** Every call with an OVER clause in `e`, outermost first (not inside another OVER call). */
export function overCalls(e: A.Expr, into: A.CallExpr[] = []): A.CallExpr[] {
  if (e.kind === 'call' && e.over) {
    into.push(e);
    return into;
  }
  for (const child of children(e)) overCalls(child, into);
  return into;
}

/** The sub-expressions of `e`. */
export function children(e: A.Expr): A.Expr[] {
  switch (e.kind) {
    case 'call':
      return [...e.args, ...(e.filter ? [e.filter] : [])];
    case 'binary':
      return [e.left, e.right];
    case 'unary':
      return [e.operand];
    case 'between':
      return [e.expr, e.low, e.high];
    case 'in':
      return [e.expr, ...e.list];
    case 'like':
      return [e.expr, e.pattern];
    case 'isNull':
    case 'cast':
      return [e.expr];
    case 'case':
      return [
        ...(e.operand ? [e.operand] : []),
        ...e.whens.flatMap((w) => [w.when, w.then]),
        ...(e.otherwise ? [e.otherwise] : []),
      ];
    default:
      return [];
  }
}

/** The Over node for the OVER calls of one select list, and what stands in for each call there. */
export interface AnalyzedOver {
  readonly node: OverNode;
  readonly refs: ReadonlyMap<A.Expr, Rex>;
}

/**
 * Analyzes the OVER calls of a select list over `input`/`scope`. All calls MUST share one window
 * (PARTITION BY and ORDER BY); each becomes a column after the input's.
 */
export function analyzeOver(
  calls: readonly A.CallExpr[],
  input: { readonly plan: OverNode['input']; readonly scope: Scope },
  problems: Problems,
): AnalyzedOver {
  const first = calls[0]!;
  const over = first.over!;
  for (const c of calls.slice(1)) {
    if (windowText(c.over!) !== windowText(over))
      throw problems.unsupported(
        'OVER clauses with different windows in one SELECT; compute each in its own subquery',
        c.over!.span,
      );
  }
  const ctx = { scope: input.scope, problems, clause: 'OVER' };
  const column = (e: A.Expr, what: string): number => {
    const r = analyzeExpr(e, ctx);
    if (r.kind !== 'inputRef')
      throw problems.unsupported(
        `an expression in ${what} of OVER; compute it as a column in a subquery and name that column here`,
        e.span,
      );
    return r.index;
  };
  const partitionKeys = over.partitionBy.map((e) => column(e, 'PARTITION BY'));
  const orderKeys: OrderKey[] = over.orderBy.map((o) => ({
    index: column(o.expr, 'ORDER BY'),
    descending: o.descending,
  }));
  const width = input.plan.schema.length;
  const refs = new Map<A.Expr, Rex>();
  const ranking = calls.some((c) => RANKING_FUNCTIONS.has(c.name.name.toUpperCase()));
  const overCallsOut: OverCall[] = calls.map((c, i) => {
    const name = c.name.name.toUpperCase();
    if (STREAM_RANKS.has(name))
      throw problems.unsupported(
        `${name}() on a streaming table (Flink runs Top-N and deduplication with ROW_NUMBER() only); write ROW_NUMBER() OVER (…)`,
        c.name.span,
      );
    if (name === 'ROW_NUMBER') {
      if (calls.length > 1)
        throw problems.unsupported(
          'ROW_NUMBER() together with other OVER calls in one SELECT; rank in its own subquery',
          c.span,
        );
      if (c.args.length > 0)
        throw problems.bail('syntax', 'ROW_NUMBER() takes no arguments', c.args[0]!.span);
      if (over.frame)
        throw problems.bail('syntax', 'ROW_NUMBER() OVER (…) takes no ROWS/RANGE frame', over.frame);
      if (orderKeys.length === 0)
        throw problems.bail(
          'syntax',
          'ROW_NUMBER() needs ORDER BY in its OVER clause: OVER (PARTITION BY … ORDER BY …)',
          over.span,
        );
      const type = T.bigint(false);
      refs.set(c, inputRef(width + i, type));
      return { fn: 'ROW_NUMBER', args: [], type, name: `w${i}$o0`, span: c.span };
    }
    const agg = AGGREGATE_FUNCTIONS.get(name);
    if (!agg || ranking)
      throw problems.unsupported(
        `${name}(…) OVER (…) on a stream; OVER aggregates take COUNT, SUM, MIN, MAX and AVG, and Top-N takes ROW_NUMBER()`,
        c.name.span,
      );
    if (c.distinct || c.filter)
      throw problems.unsupported(`${c.distinct ? 'DISTINCT' : 'FILTER'} in an OVER aggregate`, c.span);
    const args = c.args.filter((a) => a.kind !== 'star').map((a) => column(a, `the argument of ${name}`));
    const inferred = agg.infer(args.map((k) => input.plan.schema[k]!.type));
    if ('error' in inferred) throw problems.bail('type-mismatch', inferred.error, c.span);
    refs.set(c, inputRef(width + i, inferred));
    return { fn: agg.name, args, type: inferred, name: `w0$o${i}`, span: c.span };
  });
  const frame: OverFrame = ranking ? { unit: 'ROWS' } : aggregateFrame(over, orderKeys, input, problems);
  const node: OverNode = {
    kind: 'over',
    input: input.plan,
    partitionKeys,
    orderKeys,
    calls: overCallsOut,
    frame,
    ...(rankWindow(partitionKeys, input.scope) ?? {}),
    schema: [...input.plan.schema, ...overCallsOut.map((c) => ({ name: c.name, type: c.type }))],
    changelog: input.plan.changelog,
    span: over.span,
  };
  return { node, refs };
}

/**
 * Checks an OVER aggregate's window as Flink does on streams — ordered by one time attribute ascending, over an
 * insert-only input, a frame ending at the current row — and returns its frame.
 */
function aggregateFrame(
  over: A.OverClause,
  orderKeys: readonly OrderKey[],
  input: { readonly plan: OverNode['input']; readonly scope: Scope },
  problems: Problems,
): OverFrame {
  const time = orderKeys.length === 1 ? input.plan.schema[orderKeys[0]!.index]!.type : undefined;
  const onTime = time && (time.kind === 'TIMESTAMP' || time.kind === 'TIMESTAMP_LTZ') && time.timeAttribute;
  if (!onTime || orderKeys[0]!.descending)
    throw problems.unsupported(
      "an OVER window not ordered by a time attribute; on a stream OVER aggregates need ORDER BY one rowtime or proctime column, ascending (Flink: OVER windows' ordering in stream mode must be defined on a time attribute)",
      over.orderBy[0]?.expr.span ?? over.span,
    );
  if (input.plan.changelog === 'updating')
    throw problems.unsupported(
      'an OVER aggregate over an updating input (Flink takes insert-only input here)',
      over.span,
    );
  const f = over.frameSpec;
  if (!f) return { unit: 'RANGE' };
  if (f.upper.direction !== 'CURRENT')
    throw problems.unsupported(
      'an OVER frame that does not end at the current row; write … PRECEDING AND CURRENT ROW',
      f.upper.span,
    );
  const lower = f.lower;
  if (lower.direction === 'FOLLOWING')
    throw problems.unsupported('a frame starting after the current row', lower.span);
  if (lower.kind === 'unbounded') return { unit: f.unit };
  if (lower.kind === 'current') return { unit: f.unit, preceding: 0 };
  const ctx = { scope: input.scope, problems, clause: 'OVER' };
  if (f.unit === 'RANGE')
    return { unit: 'RANGE', preceding: intervalArgument(lower.offset!, ctx, 'a RANGE frame offset') };
  const n = analyzeExpr(lower.offset!, ctx);
  if (n.kind !== 'literal' || typeof n.value !== 'number' || !Number.isInteger(n.value) || n.value < 0)
    throw problems.bail(
      'syntax',
      'a ROWS frame offset must be a non-negative integer literal',
      lower.offset!.span,
    );
  return { unit: 'ROWS', preceding: n.value };
}

/** `{ window }` when window_start and window_end of one window table function are among the partition keys. */
function rankWindow(keys: readonly number[], scope: Scope): { window: RankWindow } | undefined {
  const role = (r: 'start' | 'end') => keys.find((k) => scope.field(k).window?.role === r);
  const start = role('start');
  const end = role('end');
  if (start === undefined || end === undefined) return undefined;
  const spec = scope.field(start).window!.spec;
  if (scope.field(end).window!.spec !== spec) return undefined;
  return { window: { spec, startIndex: start, endIndex: end } };
}

function windowText(o: A.OverClause): string {
  return JSON.stringify({ p: o.partitionBy, o: o.orderBy, f: o.frame !== undefined }, (k, v: unknown) =>
    k === 'span' ? undefined : v,
  );
}
