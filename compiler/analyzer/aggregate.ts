// Aggregating SELECTs (GROUP BY, aggregates, HAVING) → pre-projection, (window) aggregate and projection.
import type * as A from '../../grammar/ast';
import type { Catalog } from '../catalog';
import { AGGREGATE_FUNCTIONS } from '../functions';
import { checkUserArgs, userAggregate } from './user-functions';
import { type AggCall, type LogicalNode, makeFilter, makeProject } from '../logical/plan';
import { type Rex, inputRef, rexKey } from '../rex';
import { type Field, materialize, typeToString } from '../types';
import { type ExprContext, analyzeExpr } from './expressions';
import { outputName } from './output-name';
import { Bail, Problems } from './problems';
import type { Analyzed, AnalyzerOptions } from './query';
import { Scope, type ScopeField } from './scope';

/**
 * A SELECT with GROUP BY or aggregate functions over `input`: a pre-projection, an aggregate (a window
 * aggregate when grouped by one window's window_start and window_end), HAVING, then the select list.
 */
export function aggregateSelect(
  s: A.SelectQuery,
  input: Analyzed,
  problems: Problems,
  options: AnalyzerOptions = {},
): Analyzed {
  const p = problems;
  const functions = options.functions;
  const fromCtx: ExprContext = { scope: input.scope, problems: p, clause: 'GROUP BY', functions };
  // Pre-projection: group expressions first, then aggregate arguments and filters (deduplicated).
  const pre: Rex[] = [];
  const preIndex = new Map<string, number>();
  const slot = (r: Rex): number => {
    const key = rexKey(r);
    let i = preIndex.get(key);
    if (i === undefined) {
      i = pre.length;
      pre.push(r);
      preIndex.set(key, i);
    }
    return i;
  };
  const groupRex = s.groupBy.map((g) => analyzeExpr(g, fromCtx));
  const groupKeys: number[] = [];
  const groupKeyOut = new Map<string, number>();
  groupRex.forEach((r) => {
    const key = rexKey(r);
    if (groupKeyOut.has(key)) return;
    groupKeyOut.set(key, groupKeys.length);
    groupKeys.push(slot(r));
  });
  const keyCount = groupKeys.length;
  const keyRex = groupKeys.map((i) => pre[i]!);
  const aggs: AggCall[] = [];
  const aggIndex = new Map<string, number>();

  const aggregate = (c: A.CallExpr): Rex => {
    const user = functions?.userFunction(c.name.name);
    const fn = user
      ? userAggregate(user, (args, call) => checkUserArgs(user, args, call, argCtx))
      : AGGREGATE_FUNCTIONS.get(c.name.name.toUpperCase())!;
    const argCtx: ExprContext = {
      scope: input.scope,
      problems: p,
      clause: `an aggregate function's argument (aggregates cannot be nested)`,
      functions,
    };
    const star = c.args.length === 1 && c.args[0]!.kind === 'star';
    if (star && fn.name !== 'COUNT')
      throw p.bail('syntax', `${fn.name}(*) is not allowed; only COUNT(*)`, c.span);
    if (star && c.distinct) throw p.bail('syntax', 'COUNT(DISTINCT *) is not allowed; name a column', c.span);
    const args = star ? [] : c.args.map((a) => analyzeExpr(a, argCtx));
    if (user) checkUserArgs(user, args, c, argCtx);
    const inferred = fn.infer(args.map((a) => a.type));
    if ('error' in inferred) throw p.bail('type-mismatch', inferred.error, c.span);
    let filterArg: number | undefined;
    if (c.filter) {
      const f = analyzeExpr(c.filter, { ...argCtx, clause: 'FILTER (WHERE ...)' });
      if (f.type.kind !== 'BOOLEAN')
        throw p.bail(
          'type-mismatch',
          `FILTER expects a BOOLEAN condition, got ${typeToString(f.type)}`,
          c.filter.span,
        );
      filterArg = slot(f);
    }
    const argSlots = args.map(slot);
    const key = `${fn.name}(${c.distinct ? 'D' : ''}${argSlots.join(',')})${filterArg ?? ''}`;
    let i = aggIndex.get(key);
    if (i === undefined) {
      i = aggs.length;
      aggIndex.set(key, i);
      aggs.push({
        fn: fn.name,
        ...(user ? { udf: user.ref } : {}),
        args: argSlots,
        distinct: c.distinct,
        ...(filterArg !== undefined ? { filterArg } : {}),
        type: materialize(inferred),
        name: `${fn.name}${star ? '(*)' : `(${c.distinct ? 'DISTINCT ' : ''}${argSlots.map((a) => `$${a}`).join(', ')})`}`,
      });
    }
    return inputRef(keyCount + i, materialize(inferred));
  };

  // Sub-expressions equal to a GROUP BY expression read the group key; other columns are errors.
  const quiet = new Problems();
  const intercept = (e: A.Expr): Rex | undefined => {
    if (
      e.kind === 'number' ||
      e.kind === 'string' ||
      e.kind === 'boolean' ||
      e.kind === 'null' ||
      hasAggregate(e, functions)
    )
      return undefined;
    try {
      const r = analyzeExpr(e, { scope: input.scope, problems: quiet, clause: 'SELECT', functions });
      const k = groupKeyOut.get(rexKey(r));
      return k === undefined ? undefined : inputRef(k, keyRex[k]!.type);
    } catch (err) {
      if (err instanceof Bail) return undefined;
      throw err;
    }
  };
  const checkColumn = (e: A.Expr): void => {
    const name = e.kind === 'column' ? e.path.map((i) => i.name).join('.') : 'expression';
    throw p.bail(
      'not-grouped',
      `column '${name}' is neither in GROUP BY nor inside an aggregate function: add it to GROUP BY or use e.g. MAX(${name})`,
      e.span,
    );
  };
  // The post-aggregation scope is only a vehicle for types: analysis goes through intercept/aggregate.
  const postCtx: ExprContext = {
    scope: input.scope,
    problems: p,
    clause: 'SELECT',
    functions,
    aggregate,
    intercept,
    checkColumn,
  };

  const exprs: Rex[] = [];
  const names: string[] = [];
  s.items.forEach((item, i) => {
    if (item.kind === 'star') {
      throw p.bail(
        'not-grouped',
        "'*' cannot be used with GROUP BY: list the grouped columns and aggregates",
        item.span,
      );
    }
    exprs.push(analyzeExpr(item.expr, postCtx));
    names.push(outputName(item, i));
  });
  const having = s.having ? analyzeExpr(s.having, { ...postCtx, clause: 'HAVING' }) : undefined;
  if (having && having.type.kind !== 'BOOLEAN' && having.type.kind !== 'NULL') {
    throw p.bail(
      'type-mismatch',
      `HAVING expects a BOOLEAN condition, got ${typeToString(having.type)}`,
      s.having!.span,
    );
  }

  const preNames = pre.map((r, i) => (r.kind === 'inputRef' ? input.scope.field(r.index).name : `$f${i}`));
  const preProject = makeProject(input.plan, pre, preNames);
  const keyFields: ScopeField[] = groupKeys.map((k, i) => {
    const r = pre[k]!;
    const source = r.kind === 'inputRef' ? input.scope.field(r.index) : undefined;
    return {
      name: preNames[k]!,
      type: materialize(keyRex[i]!.type),
      ...(source?.window ? { window: source.window } : {}),
    };
  });
  const schema: Field[] = [
    ...keyFields.map(({ name, type }) => ({ name, type })),
    ...aggs.map((a) => ({ name: a.name, type: a.type })),
  ];
  // GROUP BY window_start, window_end of one window table function: a window aggregation.
  const start = keyFields.findIndex((f) => f.window?.role === 'start');
  const end = keyFields.findIndex(
    (f) => f.window?.role === 'end' && f.window.spec === keyFields[start]?.window?.spec,
  );
  let plan: LogicalNode;
  if (start >= 0 && end >= 0) {
    if (input.plan.changelog === 'updating')
      throw p.unsupported('window aggregation over an updating input', s.span);
    plan = {
      kind: 'windowAggregate',
      input: preProject,
      window: keyFields[start]!.window!.spec,
      windowStart: start,
      windowEnd: end,
      groupKeys: groupKeys.map((_, i) => i),
      aggs,
      schema,
      // With allowed lateness, late rows update results already emitted (event-time windows but SESSION).
      changelog:
        (options.allowLateness ?? 0) > 0 &&
        keyFields[start]!.window!.spec.timeAttribute === 'rowtime' &&
        keyFields[start]!.window!.spec.kind !== 'SESSION'
          ? 'updating'
          : 'append',
      span: s.span,
    };
  } else {
    plan = {
      kind: 'aggregate',
      input: preProject,
      groupKeys: groupKeys.map((_, i) => i),
      aggs,
      schema,
      changelog: 'updating',
      span: s.span,
    };
  }
  // Rebase group-key references from the pre-projection to the aggregate's output positions.
  const aggregated: Analyzed = {
    plan,
    scope: Scope.of(undefined, [...keyFields, ...aggs.map((a) => ({ name: a.name, type: a.type }))]),
  };
  const filtered = having ? makeFilter(plan, having, s.having!.span) : plan;
  const project = makeProject(filtered, exprs, names, s.span);
  const fields: ScopeField[] = exprs.map((r, i) => {
    const window = r.kind === 'inputRef' ? aggregated.scope.field(r.index).window : undefined;
    return { name: names[i]!, type: project.schema[i]!.type, ...(window ? { window } : {}) };
  });
  return { plan: project, scope: Scope.of(undefined, fields) };
}

/** Whether an expression calls an aggregate function (not as an OVER window function). */
export function hasAggregate(e: A.Expr, functions?: Pick<Catalog, 'userFunction'>): boolean {
  const hasAggregate = (x: A.Expr): boolean => hasAggregateIn(x, functions);
  return hasAggregateIn(e, functions, hasAggregate);
}

function hasAggregateIn(
  e: A.Expr,
  functions: Pick<Catalog, 'userFunction'> | undefined,
  hasAggregate = (x: A.Expr): boolean => hasAggregateIn(x, functions),
): boolean {
  switch (e.kind) {
    case 'call':
      return (
        ((AGGREGATE_FUNCTIONS.has(e.name.name.toUpperCase()) ||
          functions?.userFunction(e.name.name)?.signature.kind === 'aggregate') &&
          !e.over) ||
        e.args.some(hasAggregate)
      );
    case 'unary':
      return hasAggregate(e.operand);
    case 'binary':
      return hasAggregate(e.left) || hasAggregate(e.right);
    case 'between':
      return hasAggregate(e.expr) || hasAggregate(e.low) || hasAggregate(e.high);
    case 'in':
      return hasAggregate(e.expr) || e.list.some(hasAggregate);
    case 'like':
      return hasAggregate(e.expr) || hasAggregate(e.pattern);
    case 'isNull':
    case 'cast':
      return hasAggregate(e.expr);
    case 'case':
      return (
        (!!e.operand && hasAggregate(e.operand)) ||
        e.whens.some((w) => hasAggregate(w.when) || hasAggregate(w.then)) ||
        (!!e.otherwise && hasAggregate(e.otherwise))
      );
    default:
      return false;
  }
}
