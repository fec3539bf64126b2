// Query analysis: SELECT, FROM (tables, views, subqueries, joins, window table functions) and UNION → logical plan.
import type * as A from '../../grammar/ast';
import { closest, didYouMean } from '../../grammar/similar';
import type { Catalog, TableDef } from '../catalog';
import { AGGREGATE_FUNCTIONS } from '../functions';
import {
  type AggCall,
  type LogicalNode,
  type WindowKind,
  type WindowSpec,
  makeFilter,
  makeJoin,
  makeProject,
} from '../logical/plan';
import { type Rex, call, inputRef, rexKey } from '../rex';
import { T, type Field, commonType, isTimestamp, materialize, typeToString, withNullable } from '../types';
import { type ExprContext, analyzeExpr, intervalArgument } from './expressions';
import { Bail, Problems } from './problems';
import { Scope, type ScopeField } from './scope';

/** A plan with the scope its output is seen through (names, aliases, window columns). */
export interface Analyzed {
  readonly plan: LogicalNode;
  readonly scope: Scope;
}

/** The columns a window table function appends to its input's. */
const WINDOW_COLUMNS = ['window_start', 'window_end', 'window_time'];

const WINDOW_FUNCTIONS: Record<WindowKind, { args: number; names: string }> = {
  TUMBLE: { args: 1, names: 'DESCRIPTOR(col), size' },
  HOP: { args: 2, names: 'DESCRIPTOR(col), slide, size' },
  CUMULATE: { args: 2, names: 'DESCRIPTOR(col), step, max size' },
  SESSION: { args: 1, names: 'DESCRIPTOR(col), gap' },
};

export class QueryAnalyzer {
  constructor(
    private readonly catalog: Catalog,
    private readonly problems: Problems,
  ) {}

  query(q: A.Query): Analyzed {
    if (q.orderBy.length > 0)
      throw this.problems.unsupported('ORDER BY on a streaming query', q.orderBy[0]!.expr.span);
    if (q.limit) throw this.problems.unsupported('LIMIT on a streaming query', q.limit.span);
    return q.kind === 'union' ? this.union(q) : this.select(q);
  }

  // ───────────────────────────── FROM ─────────────────────────────

  private from(f: A.FromItem): Analyzed {
    switch (f.kind) {
      case 'tableRef':
        if (f.forSystemTime)
          throw this.problems.unsupported(
            'FOR SYSTEM_TIME AS OF (temporal and lookup joins)',
            f.forSystemTime,
          );
        return this.named(f.name, f.alias?.name ?? f.name.name);
      case 'subqueryRef': {
        const inner = this.query(f.query);
        return { plan: inner.plan, scope: Scope.of(f.alias?.name, inner.scope.fields) };
      }
      case 'joinRef':
        return this.join(f);
      case 'windowTvf':
        return this.windowTvf(f);
    }
  }

  /** A table or view by name, seen under `alias`. */
  private named(name: A.Ident, alias: string): Analyzed {
    const table = this.catalog.table(name.name);
    if (table) return { plan: scanPlan(table), scope: Scope.of(alias, table.columns) };
    const view = this.catalog.view(name.name);
    if (view) {
      const inner = this.query(view.query);
      return { plan: inner.plan, scope: Scope.of(alias, inner.scope.fields) };
    }
    const names = this.catalog.names();
    const hint = closest(name.name, names);
    throw this.problems.quietBail(
      name.name,
      'unknown-table',
      `unknown table '${name.name}'${hint ? `; did you mean '${hint}'?` : ''}${names.length ? ` (tables and views: ${names.join(', ')})` : ' (no tables are defined yet: CREATE TABLE first)'}`,
      name.span,
    );
  }

  private join(j: A.JoinRef): Analyzed {
    const left = this.from(j.left);
    const right = this.from(j.right);
    const scope = Scope.join(left.scope, right.scope);
    if (j.joinType !== 'CROSS' && j.joinType !== 'INNER' && !j.on) {
      throw this.problems.bail(
        'syntax',
        `${j.joinType} JOIN needs an ON condition: expected ON <condition> after the joined table`,
        j.right.span,
      );
    }
    let condition: Rex | undefined;
    if (j.on) {
      condition = analyzeExpr(j.on, { scope, problems: this.problems, clause: 'ON' });
      if (condition.type.kind !== 'BOOLEAN' && condition.type.kind !== 'NULL') {
        throw this.problems.bail(
          'type-mismatch',
          `ON expects a BOOLEAN condition, got ${typeToString(condition.type)}`,
          j.on.span,
        );
      }
    }
    const joinType = j.joinType === 'CROSS' ? 'INNER' : j.joinType;
    const plan = makeJoin(joinType, left.plan, right.plan, condition, j.span);
    // The scope keeps relation aliases; its types follow the join's (nullable outer sides, materialized time).
    const typed = new Scope(
      scope.relations.map((r) => ({
        ...r,
        fields: r.fields.map((f, i) => ({ ...f, type: plan.schema[r.offset + i]!.type })),
      })),
    );
    return { plan, scope: typed };
  }

  private windowTvf(w: A.WindowTvfRef): Analyzed {
    const p = this.problems;
    const kind = w.fn.name.toUpperCase() as WindowKind;
    const shape = WINDOW_FUNCTIONS[kind];
    if (!shape) {
      throw p.bail(
        'unknown-function',
        `unknown window function '${w.fn.name}'${didYouMean(w.fn.name.toUpperCase(), Object.keys(WINDOW_FUNCTIONS))} (expected TUMBLE, HOP, CUMULATE or SESSION)`,
        w.fn.span,
      );
    }
    const input = this.named(w.table, w.table.name);
    const taken = input.scope.fields.find((f) => WINDOW_COLUMNS.includes(f.name));
    if (taken) {
      throw p.bail(
        'duplicate-column',
        `${kind} adds the columns window_start, window_end and window_time, but '${w.table.name}' already has a column '${taken.name}': rename it in '${w.table.name}' (e.g. ${taken.name} AS ${taken.name.replace('window', 'w')})`,
        w.table.span,
      );
    }
    const ctx: ExprContext = { scope: input.scope, problems: p, clause: `${kind}(...)` };
    const [descriptor, ...intervals] = w.args;
    if (!descriptor || descriptor.kind !== 'call' || descriptor.name.name.toUpperCase() !== 'DESCRIPTOR') {
      throw p.bail(
        'syntax',
        `${kind} expects (TABLE t, ${shape.names}); the second argument must be DESCRIPTOR(time column)`,
        descriptor?.span ?? w.fn.span,
      );
    }
    const timeArg = descriptor.args[0];
    if (descriptor.args.length !== 1 || timeArg?.kind !== 'column') {
      throw p.bail('syntax', 'DESCRIPTOR expects one column name', descriptor.span);
    }
    const time = input.scope.resolve(timeArg, p);
    const t = time.type;
    if (time.kind !== 'inputRef' || !isTimestamp(t) || !t.timeAttribute) {
      const why = isTimestamp(t)
        ? `'${timeArg.path.map((i) => i.name).join('.')}' is a ${typeToString(t)} but not a time attribute: declare WATERMARK FOR it in the table, or use a PROCTIME() column`
        : `'${timeArg.path.map((i) => i.name).join('.')}' is ${typeToString(t)}; a window needs a time attribute column (a TIMESTAMP(3) with a WATERMARK, or PROCTIME())`;
      throw p.bail('not-a-time-attribute', `cannot window on a non-time column: ${why}`, timeArg.span);
    }
    if (intervals.length !== shape.args) {
      const extra = kind === 'TUMBLE' && intervals.length === 2 ? ' (a window offset is not supported)' : '';
      throw p.bail(
        'syntax',
        `${kind} expects (TABLE t, ${shape.names}), got ${intervals.length + 1} arguments after the table${extra}`,
        w.fn.span,
      );
    }
    const ms = intervals.map((a, i) => intervalArgument(a, ctx, `${kind} ${shape.names.split(', ')[i + 1]}`));
    if (w.partitionBy.length > 0 && kind !== 'SESSION') {
      throw p.bail('syntax', `PARTITION BY is only allowed in SESSION windows`, w.partitionBy[0]!.span);
    }
    const partitionKeys = w.partitionBy.map((c) => {
      const r = input.scope.resolve(c as A.ColumnRef, p);
      if (r.kind !== 'inputRef') throw p.bail('syntax', 'PARTITION BY expects column names', c.span);
      return r.index;
    });
    const spec: WindowSpec = {
      kind,
      timeIndex: time.index,
      timeAttribute: t.timeAttribute,
      partitionKeys,
      ...(kind === 'TUMBLE' ? { size: ms[0] } : {}),
      ...(kind === 'HOP' ? { slide: ms[0], size: ms[1] } : {}),
      ...(kind === 'CUMULATE' ? { step: ms[0], size: ms[1] } : {}),
      ...(kind === 'SESSION' ? { gap: ms[0] } : {}),
    };
    if ((kind === 'HOP' || kind === 'CUMULATE') && ms[1]! % ms[0]! !== 0) {
      throw p.bail(
        'bad-interval',
        `${kind} window size must be an integral multiple of its ${kind === 'HOP' ? 'slide' : 'step'}: ${ms[1]! / 1000} s is not a multiple of ${ms[0]! / 1000} s`,
        intervals[1]!.span,
      );
    }
    const windowTime =
      t.timeAttribute === 'rowtime' ? T.timestamp(3, false, 'rowtime') : T.timestampLtz(3, false, 'proctime');
    const fields: ScopeField[] = [
      ...input.scope.fields.map((f, i) => (i === time.index ? { ...f, type: materialize(f.type) } : f)),
      { name: 'window_start', type: T.timestamp(3, false), window: { spec, role: 'start' } },
      { name: 'window_end', type: T.timestamp(3, false), window: { spec, role: 'end' } },
      { name: 'window_time', type: windowTime, window: { spec, role: 'time' } },
    ];
    const plan: LogicalNode = {
      kind: 'windowTableFunction',
      input: input.plan,
      window: spec,
      schema: fields.map(({ name, type }) => ({ name, type })),
      changelog: input.plan.changelog,
      span: w.span,
    };
    if (input.plan.changelog === 'updating') {
      throw p.unsupported(
        'a window table function over an updating input (a GROUP BY or outer join before the window)',
        w.span,
      );
    }
    return { plan, scope: Scope.of(w.alias?.name ?? w.table.name, fields) };
  }

  // ───────────────────────────── SELECT ─────────────────────────────

  private select(s: A.SelectQuery): Analyzed {
    const p = this.problems;
    if (!s.from) {
      // The last select item is marked: a point after it could not be given a line and column without the text.
      const last = s.items[s.items.length - 1]!;
      throw p.bail(
        'missing-from',
        'missing FROM clause: expected FROM <table> after the select list',
        last.span,
      );
    }
    let input = this.from(s.from);
    if (s.where) {
      const cond = analyzeExpr(s.where, { scope: input.scope, problems: p, clause: 'WHERE' });
      if (cond.type.kind !== 'BOOLEAN' && cond.type.kind !== 'NULL') {
        throw p.bail(
          'type-mismatch',
          `WHERE expects a BOOLEAN condition, got ${typeToString(cond.type)}`,
          s.where.span,
        );
      }
      input = { plan: makeFilter(input.plan, cond, s.where.span), scope: input.scope };
    }
    const aggregating =
      s.groupBy.length > 0 ||
      s.items.some((i) => i.kind === 'expr' && hasAggregate(i.expr)) ||
      (!!s.having && hasAggregate(s.having));
    const result = aggregating ? this.aggregateSelect(s, input) : this.plainSelect(s, input);
    // A SESSION window only exists once its rows are merged: it must be aggregated right here.
    const session = sessionWindow(input.plan);
    if (session && !containsWindowAggregate(result.plan)) {
      throw this.problems.unsupported(
        'a SESSION window table function without GROUP BY window_start, window_end (sessions are formed by the window aggregation)',
        session.span ?? s.span,
      );
    }
    if (!s.distinct) return result;
    // SELECT DISTINCT: a GROUP BY on every column.
    const keys = result.plan.schema.map((_, i) => i);
    const plan: LogicalNode = {
      kind: 'aggregate',
      input: result.plan,
      groupKeys: keys,
      aggs: [],
      schema: result.plan.schema.map((f) => ({ ...f, type: materialize(f.type) })),
      changelog: 'updating',
      span: s.span,
    };
    return { plan, scope: Scope.of(undefined, plan.schema) };
  }

  private plainSelect(s: A.SelectQuery, input: Analyzed): Analyzed {
    const ctx: ExprContext = { scope: input.scope, problems: this.problems, clause: 'SELECT' };
    const exprs: Rex[] = [];
    const fields: ScopeField[] = [];
    s.items.forEach((item, i) => {
      if (item.kind === 'star') {
        for (const [index, f] of this.starFields(item, input.scope)) {
          exprs.push(inputRef(index, f.type));
          fields.push(f);
        }
        return;
      }
      const r = analyzeExpr(item.expr, ctx);
      exprs.push(r);
      const name = outputName(item, i);
      const passthrough = r.kind === 'inputRef' ? input.scope.field(r.index).window : undefined;
      fields.push({ name, type: r.type, ...(passthrough ? { window: passthrough } : {}) });
    });
    const plan = makeProject(
      input.plan,
      exprs,
      fields.map((f) => f.name),
      s.span,
    );
    return {
      plan,
      scope: Scope.of(
        undefined,
        fields.map((f, i) => ({ ...f, type: plan.schema[i]!.type })),
      ),
    };
  }

  private starFields(item: Extract<A.SelectItem, { kind: 'star' }>, scope: Scope): [number, ScopeField][] {
    if (!item.qualifier) return scope.fields.map((f, i) => [i, f]);
    const rel = scope.relation(item.qualifier.name);
    if (!rel) {
      const hint = closest(
        item.qualifier.name,
        scope.relations.flatMap((r) => (r.alias ? [r.alias] : [])),
      );
      throw this.problems.bail(
        'unknown-table',
        `unknown table '${item.qualifier.name}' in '${item.qualifier.name}.*'${hint ? `; did you mean '${hint}'?` : ''}`,
        item.qualifier.span,
      );
    }
    return rel.fields.map((f, i) => [rel.offset + i, f]);
  }

  private aggregateSelect(s: A.SelectQuery, input: Analyzed): Analyzed {
    const p = this.problems;
    const fromCtx: ExprContext = { scope: input.scope, problems: p, clause: 'GROUP BY' };
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
      const fn = AGGREGATE_FUNCTIONS.get(c.name.name.toUpperCase())!;
      const argCtx: ExprContext = {
        scope: input.scope,
        problems: p,
        clause: `an aggregate function's argument (aggregates cannot be nested)`,
      };
      const star = c.args.length === 1 && c.args[0]!.kind === 'star';
      if (star && fn.name !== 'COUNT')
        throw p.bail('syntax', `${fn.name}(*) is not allowed; only COUNT(*)`, c.span);
      if (star && c.distinct)
        throw p.bail('syntax', 'COUNT(DISTINCT *) is not allowed; name a column', c.span);
      const args = star ? [] : c.args.map((a) => analyzeExpr(a, argCtx));
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
        hasAggregate(e)
      )
        return undefined;
      try {
        const r = analyzeExpr(e, { scope: input.scope, problems: quiet, clause: 'SELECT' });
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
        changelog: 'append',
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

  // ───────────────────────────── UNION ─────────────────────────────

  private union(u: A.UnionQuery): Analyzed {
    const left = this.query(u.left);
    const right = this.query(u.right);
    const l = left.plan.schema;
    const r = right.plan.schema;
    if (l.length !== r.length) {
      throw this.problems.bail(
        'union-mismatch',
        `UNION inputs have different column counts: ${l.length} and ${r.length}`,
        u.right.span,
      );
    }
    const schema = l.map((f, i) => {
      const t = commonType(f.type, r[i]!.type);
      if (!t) {
        throw this.problems.bail(
          'union-mismatch',
          `UNION column ${i + 1} ('${f.name}') has no common type: ${typeToString(f.type)} and ${typeToString(r[i]!.type)}`,
          u.right.span,
        );
      }
      return { name: f.name, type: materialize(t) };
    });
    const changelog =
      left.plan.changelog === 'updating' || right.plan.changelog === 'updating' ? 'updating' : 'append';
    const cast = (a: Analyzed) =>
      a.plan.schema.every((f, i) => f.type.kind === schema[i]!.type.kind)
        ? a.plan
        : makeProject(
            a.plan,
            a.plan.schema.map((f, i) => {
              const ref = inputRef(i, f.type);
              return f.type.kind === schema[i]!.type.kind
                ? ref
                : call('CAST', [ref], withNullable(schema[i]!.type, f.type.nullable));
            }),
            schema.map((f) => f.name),
          );
    let plan: LogicalNode = {
      kind: 'union',
      inputs: [cast(left), cast(right)],
      schema,
      changelog,
      span: u.span,
    };
    if (!u.all) {
      plan = {
        kind: 'aggregate',
        input: plan,
        groupKeys: schema.map((_, i) => i),
        aggs: [],
        schema,
        changelog: 'updating',
        span: u.span,
      };
    }
    return { plan, scope: Scope.of(undefined, schema) };
  }
}

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

/** The SESSION window table function a FROM plan reads directly (through WHERE filters), if any. */
function sessionWindow(plan: LogicalNode): LogicalNode | undefined {
  let n = plan;
  while (n.kind === 'filter') n = n.input;
  return n.kind === 'windowTableFunction' && n.window.kind === 'SESSION' ? n : undefined;
}

function containsWindowAggregate(plan: LogicalNode): boolean {
  let n: LogicalNode = plan;
  while (n.kind === 'project' || n.kind === 'filter') n = n.input;
  return n.kind === 'windowAggregate';
}

function hasAggregate(e: A.Expr): boolean {
  switch (e.kind) {
    case 'call':
      return (AGGREGATE_FUNCTIONS.has(e.name.name.toUpperCase()) && !e.over) || e.args.some(hasAggregate);
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

function outputName(item: Extract<A.SelectItem, { kind: 'expr' }>, i: number): string {
  if (item.alias) return item.alias.name;
  const e = item.expr;
  if (e.kind === 'column') return e.path[e.path.length - 1]!.name;
  return `EXPR$${i}`;
}
