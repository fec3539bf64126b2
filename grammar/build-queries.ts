// The AST builder's query layer: UNION, ORDER BY/LIMIT, SELECT, FROM with joins, and window table functions.
import type { CstNode } from 'chevrotain';
import type * as A from './ast';
import type * as C from './cst';
import { nodeSpan, spanOf } from './cst-spans';
import { joinSpans } from './diagnostics';
import { ExpressionBuilder } from './build-expressions';

/** Visits the query rules. Only a layer: `AstBuilder` (build-ast.ts) completes and validates the visitor. */
export abstract class QueryBuilder extends ExpressionBuilder {
  query(ctx: C.QueryCstChildren): A.Query {
    const terms: A.Query[] = ctx.queryTerm.map((t) => this.visit(t));
    let q = terms[0]!;
    for (let i = 1; i < terms.length; i++) {
      // UNION ALL/DISTINCT markers are consumed in order; a missing one means DISTINCT (SQL's default).
      const all = (ctx.ALL ?? []).some(
        (t) => t.startOffset > q.span.end && t.startOffset < terms[i]!.span.start,
      );
      q = {
        kind: 'union',
        all,
        left: q,
        right: terms[i]!,
        orderBy: [],
        span: joinSpans(q.span, terms[i]!.span),
      };
    }
    const orderBy: A.OrderItem[] = ctx.orderByClause ? this.visit(ctx.orderByClause) : [];
    const limit: A.Expr | undefined = ctx.limit ? this.visit(ctx.limit) : undefined;
    if (orderBy.length === 0 && !limit) return q;
    return { ...q, orderBy, limit, span: spanOf(ctx) };
  }

  queryTerm(ctx: C.QueryTermCstChildren): A.Query {
    return ctx.select ? this.visit(ctx.select) : this.visit(ctx.query!);
  }

  orderByClause(ctx: C.OrderByClauseCstChildren): A.OrderItem[] {
    return ctx.orderItem.map((o) => this.visit(o));
  }

  orderItem(ctx: C.OrderItemCstChildren): A.OrderItem {
    return { expr: this.visit(ctx.expression), descending: !!ctx.DESC };
  }

  select(ctx: C.SelectCstChildren): A.SelectQuery {
    return {
      kind: 'select',
      distinct: !!ctx.DISTINCT,
      items: ctx.selectItem.map((i) => this.visit(i)),
      from: ctx.fromClause ? this.visit(ctx.fromClause) : undefined,
      where: ctx.where ? this.visit(ctx.where) : undefined,
      groupBy: (ctx.groupBy ?? []).map((g) => this.visit(g)),
      having: ctx.having ? this.visit(ctx.having) : undefined,
      orderBy: [],
      span: spanOf(ctx),
    };
  }

  selectItem(ctx: C.SelectItemCstChildren): A.SelectItem {
    const span = spanOf(ctx);
    if (ctx.Star)
      return { kind: 'star', qualifier: ctx.qualifier ? this.visit(ctx.qualifier) : undefined, span };
    return {
      kind: 'expr',
      expr: this.visit(ctx.expression!),
      alias: ctx.alias ? this.visit(ctx.alias) : undefined,
      span,
    };
  }

  alias(ctx: C.AliasCstChildren): A.Ident {
    return this.visit(ctx.identifier);
  }

  fromClause(ctx: C.FromClauseCstChildren): A.FromItem {
    // Comma items and JOIN clauses apply left to right in text order.
    const steps: { comma: boolean; node: CstNode }[] = [
      ...(ctx.commaItem ?? []).map((node) => ({ comma: true, node })),
      ...(ctx.joinClause ?? []).map((node) => ({ comma: false, node })),
    ].sort((a, b) => a.node.location!.startOffset - b.node.location!.startOffset);
    let left: A.FromItem = this.visit(ctx.fromPrimary);
    for (const { comma, node } of steps) {
      if (comma) {
        const right: A.FromItem = this.visit(node);
        left = {
          kind: 'joinRef',
          joinType: 'CROSS',
          comma: true,
          left,
          right,
          span: joinSpans(left.span, right.span),
        };
      } else {
        left = this.joinClause((node as C.JoinClauseCstNode).children, left);
      }
    }
    return left;
  }

  joinClause(ctx: C.JoinClauseCstChildren, left?: A.FromItem): A.JoinRef {
    const right: A.FromItem = this.visit(ctx.fromPrimary);
    const joinType: A.JoinType = ctx.LEFT
      ? 'LEFT'
      : ctx.RIGHT
        ? 'RIGHT'
        : ctx.FULL
          ? 'FULL'
          : ctx.CROSS
            ? 'CROSS'
            : 'INNER';
    const on: A.Expr | undefined = ctx.on ? this.visit(ctx.on) : undefined;
    return {
      kind: 'joinRef',
      joinType,
      comma: false,
      left: left!,
      right,
      on,
      span: joinSpans(left!.span, spanOf(ctx)),
    };
  }

  fromPrimary(ctx: C.FromPrimaryCstChildren): A.FromItem {
    const alias: A.Ident | undefined = ctx.alias ? this.visit(ctx.alias) : undefined;
    const span = spanOf(ctx);
    const columns: A.Ident[] | undefined = ctx.aliasColumns ? this.visit(ctx.aliasColumns) : undefined;
    if (ctx.lateralCall) {
      const call: A.Expr = this.visit(ctx.lateralCall);
      return { kind: 'lateralTable', call: call as A.CallExpr, alias, columns, span };
    }
    if (ctx.windowTvf) return { ...this.visit(ctx.windowTvf), alias, span };
    if (ctx.query) return { kind: 'subqueryRef', query: this.visit(ctx.query), alias, span };
    return {
      kind: 'tableRef',
      name: this.visit(ctx.table!),
      alias,
      forSystemTime: ctx.forSystemTime ? nodeSpan(ctx.forSystemTime[0]) : undefined,
      asOf: ctx.forSystemTime ? this.visit(ctx.forSystemTime[0]!.children.additive[0]!) : undefined,
      span,
    };
  }

  forSystemTime(): never {
    throw new Error('forSystemTime is visited through fromPrimary');
  }

  windowTvf(ctx: C.WindowTvfCstChildren): A.WindowTvfRef {
    return {
      kind: 'windowTvf',
      fn: this.visit(ctx.fn),
      table: this.visit(ctx.table),
      partitionBy: (ctx.partitionBy ?? []).map((p) => this.visit(p)),
      args: (ctx.args ?? []).map((a) => this.visit(a)),
      span: spanOf(ctx),
    };
  }
}
