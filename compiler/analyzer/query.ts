// Query analysis: SELECT, FROM (tables, views, subqueries, joins, window table functions) and UNION → logical plan.
import type * as A from '../../grammar/ast';
import { closest } from '../../grammar/similar';
import type { Catalog } from '../catalog';
import { type LogicalNode, makeFilter, makeJoin, makeProject } from '../logical/plan';
import { groupWindowSelect } from './group-window';
import { type Rex, call, inputRef } from '../rex';
import { commonType, materialize, typeToString, withNullable } from '../types';
import { aggregateSelect, hasAggregate } from './aggregate';
import { type ExprContext, analyzeExpr } from './expressions';
import { outputName } from './output-name';
import type { Problems } from './problems';
import { scanPlan } from './scan';
import { Scope, type ScopeField } from './scope';
import { analyzeOver, overCalls } from './over';
import { recognizeRank } from './rank';
import { temporalJoin } from './temporal-join';
import { lateralTable } from './lateral-table';
import { containsWindowAggregate, sessionWindow, windowTvf } from './window-tvf';

/** Settings that change a plan's meaning (taken from the configuration when the statement runs). */
export interface AnalyzerOptions {
  /** `table.exec.emit.allow-lateness` in ms: event-time window results may be updated by late rows. */
  readonly allowLateness?: number;
  /** Where user functions are looked up (the catalog). */
  readonly functions?: Catalog;
}

/** A plan with the scope its output is seen through (names, aliases, window columns). */
export interface Analyzed {
  readonly plan: LogicalNode;
  readonly scope: Scope;
}

export class QueryAnalyzer {
  constructor(
    private readonly catalog: Catalog,
    private readonly problems: Problems,
    private readonly options: AnalyzerOptions = {},
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
          throw this.problems.bail(
            'temporal-join',
            'FOR SYSTEM_TIME AS OF belongs to the right side of a JOIN: left JOIN t FOR SYSTEM_TIME AS OF left.time ON …',
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
        return windowTvf(f, this.problems, (name, alias) => this.named(name, alias));
      case 'lateralTable':
        throw this.problems.bail(
          'syntax',
          'LATERAL TABLE(...) joins a table function to the rows on its left: expected FROM t, LATERAL TABLE(f(...)) or t CROSS JOIN LATERAL TABLE(f(...))',
          f.span,
        );
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
    if (j.right.kind === 'tableRef' && j.right.forSystemTime)
      return temporalJoin(j, left, j.right, this.catalog, this.problems);
    if (j.right.kind === 'lateralTable') return lateralTable(j, j.right, left, this.catalog, this.problems);
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
      condition = analyzeExpr(j.on, {
        scope,
        problems: this.problems,
        clause: 'ON',
        functions: this.catalog,
      });
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
      const cond = analyzeExpr(s.where, {
        scope: input.scope,
        problems: p,
        clause: 'WHERE',
        functions: this.catalog,
      });
      if (cond.type.kind !== 'BOOLEAN' && cond.type.kind !== 'NULL') {
        throw p.bail(
          'type-mismatch',
          `WHERE expects a BOOLEAN condition, got ${typeToString(cond.type)}`,
          s.where.span,
        );
      }
      // `WHERE rn <= N` on a ROW_NUMBER column of the FROM subquery: a Top-N (or deduplication).
      const ranked = recognizeRank(input, cond, s, p);
      if (ranked) input = { plan: ranked.plan, scope: ranked.scope };
      const rest = ranked ? ranked.rest : cond;
      if (rest) input = { plan: makeFilter(input.plan, rest, s.where.span), scope: input.scope };
    }
    // GROUP BY TUMBLE(ts, …) and its TUMBLE_START(…): the window table function's columns.
    const grouped = groupWindowSelect(s, input, p);
    if (grouped) ({ select: s, input } = grouped);
    const aggregating =
      s.groupBy.length > 0 ||
      s.items.some((i) => i.kind === 'expr' && hasAggregate(i.expr, this.catalog)) ||
      (!!s.having && hasAggregate(s.having, this.catalog));
    const over = s.items.flatMap((i) => (i.kind === 'expr' ? overCalls(i.expr) : []));
    if (over.length > 0 && aggregating)
      throw p.unsupported(
        'OVER together with GROUP BY in one SELECT; aggregate in a subquery and apply OVER to its result',
        over[0]!.span,
      );
    let result: Analyzed;
    if (over.length > 0) {
      const o = analyzeOver(over, input, p);
      result = this.plainSelect(s, { plan: o.node, scope: input.scope }, o.refs);
    } else {
      result = aggregating
        ? aggregateSelect(s, input, this.problems, { ...this.options, functions: this.catalog })
        : this.plainSelect(s, input);
    }
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

  /** `over`: what stands in for each OVER call of the select list (columns of an Over node below). */
  private plainSelect(s: A.SelectQuery, input: Analyzed, over?: ReadonlyMap<A.Expr, Rex>): Analyzed {
    const ctx: ExprContext = {
      scope: input.scope,
      problems: this.problems,
      clause: 'SELECT',
      ...(over ? { intercept: (e: A.Expr) => over.get(e) } : {}),
      functions: this.catalog,
    };
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
      const passthrough =
        r.kind === 'inputRef' && r.index < input.scope.fields.length
          ? input.scope.field(r.index).window
          : undefined;
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
