// The CST → AST visitor: turns the parser's concrete tree into readonly, kind-tagged AST nodes with spans.
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast';
import type * as C from './cst';
import { type Diagnostic, error, joinSpans } from './diagnostics';
import { parser } from './parser';
import { closest } from './similar';

const BaseVisitor = parser.getBaseCstVisitorConstructor();

/** Type names as written (aliases included) → the type; the playground colours them. */
export const TYPE_NAMES: Readonly<Record<string, A.TypeName>> = {
  BOOLEAN: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DECIMAL: 'DECIMAL',
  DEC: 'DECIMAL',
  NUMERIC: 'DECIMAL',
  VARCHAR: 'VARCHAR',
  CHAR: 'VARCHAR',
  STRING: 'STRING',
  TIMESTAMP: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMP_LTZ',
  DATE: 'DATE',
};

export function tokenSpan(t: IToken): A.Span {
  return {
    start: t.startOffset,
    end: (t.endOffset ?? t.startOffset) + 1,
    line: t.startLine ?? 1,
    column: t.startColumn ?? 1,
  };
}

function nodeSpan(n: CstNode): A.Span {
  const l = n.location!;
  return {
    start: l.startOffset,
    end: (l.endOffset ?? l.startOffset) + 1,
    line: l.startLine ?? 1,
    column: l.startColumn ?? 1,
  };
}

/** The text of a string literal token without its quotes, `''` unescaped. */
export function unquoteString(image: string): string {
  return image.slice(1, -1).replace(/''/g, "'");
}

function stringLit(t: IToken): A.StringLit {
  return { kind: 'string', value: unquoteString(t.image), span: tokenSpan(t) };
}

/**
 * Builds AST nodes. It is only given statements that parsed without error, so every required child exists;
 * problems the grammar cannot express (an unknown type name) go to `diagnostics`.
 */
class AstBuilder extends BaseVisitor {
  diagnostics: Diagnostic[] = [];

  constructor() {
    super();
    this.validateVisitor();
  }

  statement(ctx: C.StatementCstChildren): A.Statement {
    // A bare query is a statement of its own kind; its node is the query (as under EXPLAIN).
    if (ctx.query) return { kind: 'query', query: this.visit(ctx.query), span: nodeSpan(ctx.query[0]!) };
    const child = Object.values(ctx)[0]![0] as CstNode;
    return this.visit(child);
  }

  setStatement(ctx: C.SetStatementCstChildren): A.SetStatement {
    return {
      kind: 'set',
      key: stringLit(ctx.key[0]),
      value: stringLit(ctx.value[0]),
      span: this.spanOf(ctx),
    };
  }

  resetStatement(ctx: C.ResetStatementCstChildren): A.ResetStatement {
    return { kind: 'reset', key: ctx.key ? stringLit(ctx.key[0]) : undefined, span: this.spanOf(ctx) };
  }

  createStatement(ctx: C.CreateStatementCstChildren): A.Statement {
    const temporary = !!ctx.TEMPORARY;
    const span = this.spanOf(ctx);
    if (ctx.createTable) return { ...this.visit(ctx.createTable), span };
    if (ctx.createView) return { ...this.visit(ctx.createView), temporary, span };
    return { ...this.visit(ctx.createFunction!), span };
  }

  ifNotExists(): true {
    return true;
  }

  createTable(ctx: C.CreateTableCstChildren): A.CreateTableStatement {
    const elements: A.TableElement[] = [];
    let watermark: A.WatermarkNode | undefined;
    let primaryKey: A.CreateTableStatement['primaryKey'];
    for (const el of ctx.tableElement) {
      const c = el.children;
      if (c.watermarkDefinition) watermark = this.visit(c.watermarkDefinition);
      else if (c.primaryKeyDefinition) primaryKey = this.visit(c.primaryKeyDefinition);
      else elements.push(this.visit(c.columnDefinition!));
    }
    return {
      kind: 'createTable',
      name: this.visit(ctx.name),
      ifNotExists: !!ctx.ifNotExists,
      elements,
      watermark,
      primaryKey,
      partitionedBy: ctx.partitionedBy
        ? { columns: this.visit(ctx.partitionedBy), span: nodeSpan(ctx.partitionedBy[0]) }
        : undefined,
      options: ctx.optionList ? this.visit(ctx.optionList) : [],
      span: this.spanOf(ctx),
    };
  }

  tableElement(): never {
    throw new Error('tableElement is visited through createTable');
  }

  watermarkDefinition(ctx: C.WatermarkDefinitionCstChildren): A.WatermarkNode {
    return { column: this.visit(ctx.column), expr: this.visit(ctx.expression), span: this.spanOf(ctx) };
  }

  primaryKeyDefinition(ctx: C.PrimaryKeyDefinitionCstChildren): A.CreateTableStatement['primaryKey'] {
    return { columns: this.visit(ctx.identifierList), enforced: !ctx.ENFORCED, span: this.spanOf(ctx) };
  }

  columnDefinition(ctx: C.ColumnDefinitionCstChildren): A.TableElement {
    const name: A.Ident = this.visit(ctx.name);
    const span = this.spanOf(ctx);
    if (ctx.expression) return { kind: 'computed', name, expr: this.visit(ctx.expression), span };
    return { kind: 'physical', name, type: this.visit(ctx.dataType!), span };
  }

  identifierList(ctx: C.IdentifierListCstChildren): A.Ident[] {
    return ctx.identifier.map((i) => this.visit(i));
  }

  optionList(ctx: C.OptionListCstChildren): A.TableOption[] {
    const keys = ctx.key ?? [];
    return keys.map((k, i) => ({ key: stringLit(k), value: stringLit(ctx.value![i]) }));
  }

  createView(ctx: C.CreateViewCstChildren): Omit<A.CreateViewStatement, 'temporary'> {
    return {
      kind: 'createView',
      name: this.visit(ctx.name),
      ifNotExists: !!ctx.ifNotExists,
      query: this.visit(ctx.query),
      span: this.spanOf(ctx),
    };
  }

  createFunction(ctx: C.CreateFunctionCstChildren): A.CreateFunctionStatement {
    return { kind: 'createFunction', name: this.visit(ctx.name), span: this.spanOf(ctx) };
  }

  dropStatement(ctx: C.DropStatementCstChildren): A.DropStatement {
    return {
      kind: 'drop',
      what: ctx.TABLE ? 'TABLE' : 'VIEW',
      name: this.visit(ctx.name),
      ifExists: !!ctx.IF,
      span: this.spanOf(ctx),
    };
  }

  insertStatement(ctx: C.InsertStatementCstChildren): A.InsertStatement {
    return {
      kind: 'insert',
      table: this.visit(ctx.table),
      columns: ctx.columns ? this.visit(ctx.columns) : [],
      query: this.visit(ctx.query),
      span: this.spanOf(ctx),
    };
  }

  explainStatement(ctx: C.ExplainStatementCstChildren): A.ExplainStatement {
    const statement: A.InsertStatement | A.QueryStatement = ctx.insertStatement
      ? this.visit(ctx.insertStatement)
      : { kind: 'query', query: this.visit(ctx.query!), span: nodeSpan(ctx.query![0]) };
    return {
      kind: 'explain',
      verbose: !!ctx.VERBOSE,
      restoreFrom: ctx.restorePath ? stringLit(ctx.restorePath[0]) : undefined,
      statement,
      span: this.spanOf(ctx),
    };
  }

  checkpointStatement(ctx: C.CheckpointStatementCstChildren): A.CheckpointStatement {
    return { kind: 'checkpoint', span: this.spanOf(ctx) };
  }

  savepointStatement(ctx: C.SavepointStatementCstChildren): A.SavepointStatement {
    return { kind: 'savepoint', path: ctx.path ? stringLit(ctx.path[0]) : undefined, span: this.spanOf(ctx) };
  }

  showStatement(ctx: C.ShowStatementCstChildren): A.ShowStatement {
    const what = ctx.CHECKPOINTS ? 'CHECKPOINTS' : ctx.JOBS ? 'JOBS' : ctx.TABLES ? 'TABLES' : 'VIEWS';
    return { kind: 'show', what, span: this.spanOf(ctx) };
  }

  stopJobStatement(ctx: C.StopJobStatementCstChildren): A.StopJobStatement {
    return {
      kind: 'stopJob',
      job: stringLit(ctx.job[0]),
      withSavepoint: !!ctx.SAVEPOINT,
      span: this.spanOf(ctx),
    };
  }

  // ───────────────────────────── queries ─────────────────────────────

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
    return { ...q, orderBy, limit, span: this.spanOf(ctx) };
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
      span: this.spanOf(ctx),
    };
  }

  selectItem(ctx: C.SelectItemCstChildren): A.SelectItem {
    const span = this.spanOf(ctx);
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
      span: joinSpans(left!.span, this.spanOf(ctx)),
    };
  }

  fromPrimary(ctx: C.FromPrimaryCstChildren): A.FromItem {
    const alias: A.Ident | undefined = ctx.alias ? this.visit(ctx.alias) : undefined;
    const span = this.spanOf(ctx);
    if (ctx.windowTvf) return { ...this.visit(ctx.windowTvf), alias, span };
    if (ctx.query) return { kind: 'subqueryRef', query: this.visit(ctx.query), alias, span };
    return {
      kind: 'tableRef',
      name: this.visit(ctx.table!),
      alias,
      forSystemTime: ctx.forSystemTime ? nodeSpan(ctx.forSystemTime[0]) : undefined,
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
      span: this.spanOf(ctx),
    };
  }

  // ───────────────────────────── expressions ─────────────────────────────

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
    return { kind: 'unary', op: 'NOT', operand: this.visit(ctx.notExpression!), span: this.spanOf(ctx) };
  }

  comparison(ctx: C.ComparisonCstChildren): A.Expr {
    const left: A.Expr = this.visit(ctx.left);
    const span = this.spanOf(ctx);
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
      return { kind: 'timestamp', value: unquoteString(ctx.timestamp[0].image), span: this.spanOf(ctx) };
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
      span: this.spanOf(ctx),
    };
  }

  caseExpression(ctx: C.CaseExpressionCstChildren): A.CaseExpr {
    return {
      kind: 'case',
      operand: ctx.operand ? this.visit(ctx.operand) : undefined,
      whens: ctx.when.map((w, i) => ({ when: this.visit(w), then: this.visit(ctx.then[i]!) })),
      otherwise: ctx.otherwise ? this.visit(ctx.otherwise) : undefined,
      span: this.spanOf(ctx),
    };
  }

  castExpression(ctx: C.CastExpressionCstChildren): A.CastExpr {
    return {
      kind: 'cast',
      expr: this.visit(ctx.expression),
      type: this.visit(ctx.dataType),
      span: this.spanOf(ctx),
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
      span: this.spanOf(ctx),
    };
  }

  overClause(ctx: C.OverClauseCstChildren): A.OverClause {
    return {
      partitionBy: (ctx.partitionBy ?? []).map((p) => this.visit(p)),
      orderBy: ctx.orderByClause ? this.visit(ctx.orderByClause) : [],
      frame: ctx.windowFrame ? nodeSpan(ctx.windowFrame[0]) : undefined,
      span: this.spanOf(ctx),
    };
  }

  windowFrame(): never {
    throw new Error('windowFrame is visited through overClause');
  }

  frameBound(): never {
    throw new Error('frameBound is visited through overClause');
  }

  columnRef(ctx: C.ColumnRefCstChildren): A.ColumnRef {
    return { kind: 'column', path: ctx.parts.map((p) => this.visit(p)), span: this.spanOf(ctx) };
  }

  dataType(ctx: C.DataTypeCstChildren): A.DataTypeNode {
    const span = this.spanOf(ctx);
    const args = (ctx.typeArgs ?? []).map((t) => Number(t.image));
    const notNull = !!ctx.NOT;
    if (ctx.ROW) {
      return {
        kind: 'dataType',
        name: 'ROW',
        args,
        fields: (ctx.fields ?? []).map((f) => this.visit(f)),
        notNull,
        span,
      };
    }
    const token = ctx.typeName![0];
    const name = TYPE_NAMES[token.image.toUpperCase()];
    if (!name) {
      const names = Object.keys(TYPE_NAMES);
      const known = `${names.join(', ')}, ROW<...>`;
      const hint = closest(token.image, names);
      const message = hint
        ? `unknown type '${token.image}'; did you mean '${hint}'? (types: ${known})`
        : `unknown type '${token.image}'; expected one of ${known}`;
      this.diagnostics.push(error('unknown-type', message, tokenSpan(token)));
      return { kind: 'dataType', name: 'STRING', args: [], fields: [], notNull, span };
    }
    return { kind: 'dataType', name, args, fields: [], notNull, span };
  }

  rowField(ctx: C.RowFieldCstChildren): A.RowFieldNode {
    return { name: this.visit(ctx.name), type: this.visit(ctx.dataType) };
  }

  identifier(ctx: C.IdentifierCstChildren): A.Ident {
    const t = (ctx.Identifier ?? ctx.QuotedIdentifier ?? ctx.NonReserved)![0];
    const quoted = t.tokenType.name === 'QuotedIdentifier';
    return { name: quoted ? t.image.slice(1, -1).replace(/``/g, '`') : t.image, quoted, span: tokenSpan(t) };
  }

  /** The span of the node whose children are `ctx`, taken from its first and last tokens. */
  private spanOf(ctx: object): A.Span {
    let first: A.Span | undefined;
    let last: A.Span | undefined;
    for (const list of Object.values(ctx) as (IToken | CstNode)[][]) {
      for (const item of list) {
        const s =
          'location' in item && item.location
            ? nodeSpan(item)
            : 'image' in item
              ? tokenSpan(item)
              : undefined;
        if (!s || Number.isNaN(s.start)) continue;
        if (!first || s.start < first.start) first = s;
        if (!last || s.end > last.end) last = s;
      }
    }
    return first && last ? joinSpans(first, last) : { start: 0, end: 0, line: 1, column: 1 };
  }
}

/** The one builder instance (the visitor's validation is costly, like the parser's). */
export const astBuilder = new AstBuilder();
