// The AST builder's expression layer: operators by precedence, literals, CASE, CAST, calls with OVER, columns.
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast';
import type * as C from './cst';
import { nodeSpan, spanOf, tokenSpan } from './cst-spans';
import { joinSpans } from './diagnostics';
import { stringLit, unquoteString } from './string-literals';
import { TypeBuilder } from './build-types';

/** Visits the expression rules. Only a layer: `AstBuilder` (build-ast.ts) completes and validates the visitor. */
export abstract class ExpressionBuilder extends TypeBuilder {
  expression(ctx: C.ExpressionCstChildren): A.Expr {
    return this.foldLogical(
      ctx.operands.map((o) => this.visit(o)),
      'OR',
    );
  }

  andExpression(ctx: C.AndExpressionCstChildren): A.Expr {
    return this.foldLogical(
      ctx.operands.map((o) => this.visit(o)),
      'AND',
    );
  }

  private foldLogical(operands: A.Expr[], op: 'AND' | 'OR'): A.Expr {
    return operands.reduce((left, right) => ({
      kind: 'binary',
      op,
      left,
      right,
      span: joinSpans(left.span, right.span),
    }));
  }

  notExpression(ctx: C.NotExpressionCstChildren): A.Expr {
    if (ctx.comparison) return this.visit(ctx.comparison);
    return { kind: 'unary', op: 'NOT', operand: this.visit(ctx.notExpression!), span: spanOf(ctx) };
  }

  comparison(ctx: C.ComparisonCstChildren): A.Expr {
    const left: A.Expr = this.visit(ctx.left);
    const span = spanOf(ctx);
    const negated = !!ctx.not;
    if (ctx.comparisonOperator) {
      const op = this.visit(ctx.comparisonOperator) as A.BinaryOp;
      return { kind: 'binary', op, left, right: this.visit(ctx.right!), span };
    }
    if (ctx.IS) return { kind: 'isNull', expr: left, negated: !!ctx.isNot, span };
    if (ctx.BETWEEN)
      return {
        kind: 'between',
        expr: left,
        low: this.visit(ctx.low!),
        high: this.visit(ctx.high!),
        negated,
        span,
      };
    if (ctx.IN) return { kind: 'in', expr: left, list: ctx.list!.map((e) => this.visit(e)), negated, span };
    if (ctx.LIKE) return { kind: 'like', expr: left, pattern: this.visit(ctx.pattern!), negated, span };
    return left;
  }

  comparisonOperator(ctx: C.ComparisonOperatorCstChildren): A.BinaryOp {
    const t = Object.values(ctx)[0]![0] as IToken;
    return t.image === '!=' ? '<>' : (t.image as A.BinaryOp);
  }

  additive(ctx: C.AdditiveCstChildren): A.Expr {
    return this.foldArithmetic(ctx.operands, ctx.operators);
  }

  multiplicative(ctx: C.MultiplicativeCstChildren): A.Expr {
    return this.foldArithmetic(ctx.operands, ctx.operators);
  }

  private foldArithmetic(operands: CstNode[], operators: IToken[] | undefined): A.Expr {
    const ops = [...(operators ?? [])].sort((a, b) => a.startOffset - b.startOffset);
    let left: A.Expr = this.visit(operands[0]!);
    for (let i = 1; i < operands.length; i++) {
      const right: A.Expr = this.visit(operands[i]!);
      left = {
        kind: 'binary',
        op: ops[i - 1]!.image as A.BinaryOp,
        left,
        right,
        span: joinSpans(left.span, right.span),
      };
    }
    return left;
  }

  unary(ctx: C.UnaryCstChildren): A.Expr {
    if (ctx.primary) return this.visit(ctx.primary);
    const operand: A.Expr = this.visit(ctx.unary!);
    const op = ctx.sign![0].image as '-' | '+';
    const span = joinSpans(tokenSpan(ctx.sign![0]), operand.span);
    // Fold the sign into a number literal so that `-1` stays a literal.
    if (operand.kind === 'number')
      return { kind: 'number', text: op === '-' ? `-${operand.text}` : operand.text, span };
    if (operand.kind === 'interval' && op === '-') return { ...operand, negative: !operand.negative, span };
    return { kind: 'unary', op, operand, span };
  }

  primary(ctx: C.PrimaryCstChildren): A.Expr {
    if (ctx.NumberLiteral)
      return { kind: 'number', text: ctx.NumberLiteral[0].image, span: tokenSpan(ctx.NumberLiteral[0]) };
    if (ctx.StringLiteral) return stringLit(ctx.StringLiteral[0]);
    if (ctx.TRUE) return { kind: 'boolean', value: true, span: tokenSpan(ctx.TRUE[0]) };
    if (ctx.FALSE) return { kind: 'boolean', value: false, span: tokenSpan(ctx.FALSE[0]) };
    if (ctx.NULL) return { kind: 'null', span: tokenSpan(ctx.NULL[0]) };
    if (ctx.intervalLiteral) return this.visit(ctx.intervalLiteral);
    if (ctx.timestamp) {
      return { kind: 'timestamp', value: unquoteString(ctx.timestamp[0].image), span: spanOf(ctx) };
    }
    if (ctx.caseExpression) return this.visit(ctx.caseExpression);
    if (ctx.castExpression) return this.visit(ctx.castExpression);
    if (ctx.expression) return this.visit(ctx.expression);
    if (ctx.functionCall) return this.visit(ctx.functionCall);
    return this.visit(ctx.columnRef!);
  }

  intervalLiteral(ctx: C.IntervalLiteralCstChildren): A.IntervalLit {
    const unit = ctx.unit![0]!.tokenType.name as A.IntervalUnit;
    return {
      kind: 'interval',
      value: unquoteString(ctx.StringLiteral[0].image),
      unit,
      negative: !!ctx.Minus,
      span: spanOf(ctx),
    };
  }

  caseExpression(ctx: C.CaseExpressionCstChildren): A.CaseExpr {
    return {
      kind: 'case',
      operand: ctx.operand ? this.visit(ctx.operand) : undefined,
      whens: ctx.when.map((w, i) => ({ when: this.visit(w), then: this.visit(ctx.then[i]!) })),
      otherwise: ctx.otherwise ? this.visit(ctx.otherwise) : undefined,
      span: spanOf(ctx),
    };
  }

  castExpression(ctx: C.CastExpressionCstChildren): A.CastExpr {
    return {
      kind: 'cast',
      expr: this.visit(ctx.expression),
      type: this.visit(ctx.dataType),
      span: spanOf(ctx),
    };
  }

  functionCall(ctx: C.FunctionCallCstChildren): A.Expr {
    const name: A.Ident = this.visit(ctx.name);
    const args: A.Expr[] = ctx.Star
      ? [{ kind: 'star', span: tokenSpan(ctx.Star[0]) }]
      : (ctx.args ?? []).map((a) => this.visit(a));
    return {
      kind: 'call',
      name,
      args,
      distinct: !!ctx.DISTINCT,
      filter: ctx.filter ? this.visit(ctx.filter) : undefined,
      over: ctx.overClause ? this.visit(ctx.overClause) : undefined,
      span: spanOf(ctx),
    };
  }

  overClause(ctx: C.OverClauseCstChildren): A.OverClause {
    return {
      partitionBy: (ctx.partitionBy ?? []).map((p) => this.visit(p)),
      orderBy: ctx.orderByClause ? this.visit(ctx.orderByClause) : [],
      frame: ctx.windowFrame ? nodeSpan(ctx.windowFrame[0]) : undefined,
      frameSpec: ctx.windowFrame ? this.frame(ctx.windowFrame[0]!.children) : undefined,
      span: spanOf(ctx),
    };
  }

  private frame(f: C.WindowFrameCstChildren): A.WindowFrame {
    const bound = (b: C.FrameBoundCstNode): A.FrameBound => {
      const c = b.children;
      const direction = c.PRECEDING ? 'PRECEDING' : c.FOLLOWING ? 'FOLLOWING' : 'CURRENT';
      if (c.UNBOUNDED) return { kind: 'unbounded', direction, span: nodeSpan(b) };
      if (c.CURRENT) return { kind: 'current', direction, span: nodeSpan(b) };
      return { kind: 'offset', direction, offset: this.visit(c.additive![0]!), span: nodeSpan(b) };
    };
    return {
      unit: f.ROWS ? 'ROWS' : 'RANGE',
      lower: bound(f.frameBound[0]!),
      upper: bound(f.frameBound[1]!),
    };
  }

  windowFrame(): never {
    throw new Error('windowFrame is visited through overClause');
  }

  frameBound(): never {
    throw new Error('frameBound is visited through overClause');
  }

  columnRef(ctx: C.ColumnRefCstChildren): A.ColumnRef {
    return { kind: 'column', path: ctx.parts.map((p) => this.visit(p)), span: spanOf(ctx) };
  }
}
