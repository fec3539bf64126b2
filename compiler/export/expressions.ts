// Expressions as Flink SQL text: one printer per AST kind, parentheses placed by precedence.
import type * as A from '../../grammar/ast';
import { dataType } from './data-types';
import { ident, stringLiteral } from './identifiers';

/** What printing a statement's expressions needs besides the AST. */
export interface ExprContext {
  /** The script text: window frames and FOR SYSTEM_TIME clauses are kept by the AST as spans of it. */
  readonly source: string;
  /** Notes for the reader, printed as comments before the statement (a Set: each note once). */
  readonly notes: Set<string>;
  /** Replaces a column reference (the SESSION window rewrite maps window_start to SESSION_START(...)). */
  readonly column?: (ref: A.ColumnRef) => string | undefined;
}

type Printer<K extends A.Expr['kind']> = (e: Extract<A.Expr, { kind: K }>, ctx: ExprContext) => string;

/** Binding strength, loosest first: OR, AND, NOT, predicates, + - ||, * / %, unary sign, atoms. */
const Prec = {
  Or: 1,
  And: 2,
  Not: 3,
  Predicate: 4,
  Additive: 5,
  Multiplicative: 6,
  Unary: 7,
  Atom: 8,
} as const;
type Prec = (typeof Prec)[keyof typeof Prec];

const BINARY_PREC: Readonly<Record<A.BinaryOp, Prec>> = {
  OR: Prec.Or,
  AND: Prec.And,
  '=': Prec.Predicate,
  '<>': Prec.Predicate,
  '<': Prec.Predicate,
  '<=': Prec.Predicate,
  '>': Prec.Predicate,
  '>=': Prec.Predicate,
  '+': Prec.Additive,
  '-': Prec.Additive,
  '||': Prec.Additive,
  '*': Prec.Multiplicative,
  '/': Prec.Multiplicative,
  '%': Prec.Multiplicative,
};

const PREC: { readonly [K in A.Expr['kind']]: (e: Extract<A.Expr, { kind: K }>) => Prec } = {
  number: (e) => (e.text.startsWith('-') ? Prec.Unary : Prec.Atom),
  string: () => Prec.Atom,
  boolean: () => Prec.Atom,
  null: () => Prec.Atom,
  interval: () => Prec.Atom,
  timestamp: () => Prec.Atom,
  column: () => Prec.Atom,
  star: () => Prec.Atom,
  unary: (e) => (e.op === 'NOT' ? Prec.Not : Prec.Unary),
  binary: (e) => BINARY_PREC[e.op],
  between: () => Prec.Predicate,
  in: () => Prec.Predicate,
  like: () => Prec.Predicate,
  isNull: () => Prec.Predicate,
  case: () => Prec.Atom,
  cast: () => Prec.Atom,
  call: () => Prec.Atom,
};

function precOf(e: A.Expr): Prec {
  return (PREC[e.kind] as (e: A.Expr) => Prec)(e);
}

/** `e`, in parentheses unless it binds at least as tightly as `min`. */
function operand(e: A.Expr, min: Prec, ctx: ExprContext): string {
  const text = expr(e, ctx);
  return precOf(e) >= min ? text : `(${text})`;
}

/** Left-associative operators that may chain without parentheses: `a + b - c`, `a AND b AND c`. */
const CHAINS: readonly (readonly A.BinaryOp[])[] = [['+', '-'], ['*', '/', '%'], ['||'], ['AND'], ['OR']];

function chains(parent: A.BinaryOp, child: A.Expr): boolean {
  return child.kind === 'binary' && CHAINS.some((c) => c.includes(parent) && c.includes(child.op));
}

/** Niladic functions the grammar reads as column names; Flink needs them bare, never quoted. */
const NILADIC = new Set(['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIME', 'LOCALTIMESTAMP']);

const PRINTERS: { readonly [K in A.Expr['kind']]: Printer<K> } = {
  number: (e) => e.text,
  string: (e) => stringLiteral(e.value),
  boolean: (e) => (e.value ? 'TRUE' : 'FALSE'),
  null: () => 'NULL',
  interval: (e) => {
    const value = e.negative ? (e.value.startsWith('-') ? e.value.slice(1) : `-${e.value}`) : e.value;
    return `INTERVAL ${stringLiteral(value)} ${e.unit}`;
  },
  timestamp: (e) => `TIMESTAMP ${stringLiteral(e.value)}`,
  column: (e, ctx) => {
    const replaced = ctx.column?.(e);
    if (replaced !== undefined) return replaced;
    const only = e.path.length === 1 ? e.path[0]! : undefined;
    if (only && !only.quoted && NILADIC.has(only.name.toUpperCase())) return only.name.toUpperCase();
    return e.path.map(ident).join('.');
  },
  star: (e) => (e.qualifier ? `${ident(e.qualifier)}.*` : '*'),
  unary: (e, ctx) =>
    e.op === 'NOT'
      ? `NOT ${operand(e.operand, Prec.Not, ctx)}`
      : `${e.op}${operand(e.operand, Prec.Atom, ctx)}`,
  binary: (e, ctx) => {
    const prec = BINARY_PREC[e.op];
    const left = chains(e.op, e.left) ? expr(e.left, ctx) : operand(e.left, (prec + 1) as Prec, ctx);
    return `${left} ${e.op} ${operand(e.right, (prec + 1) as Prec, ctx)}`;
  },
  between: (e, ctx) =>
    `${operand(e.expr, Prec.Additive, ctx)} ${e.negated ? 'NOT ' : ''}BETWEEN ${operand(e.low, Prec.Additive, ctx)} AND ${operand(e.high, Prec.Additive, ctx)}`,
  in: (e, ctx) =>
    `${operand(e.expr, Prec.Additive, ctx)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => expr(x, ctx)).join(', ')})`,
  like: (e, ctx) =>
    `${operand(e.expr, Prec.Additive, ctx)} ${e.negated ? 'NOT ' : ''}LIKE ${operand(e.pattern, Prec.Additive, ctx)}`,
  isNull: (e, ctx) => `${operand(e.expr, Prec.Additive, ctx)} IS ${e.negated ? 'NOT ' : ''}NULL`,
  case: (e, ctx) => {
    const parts = ['CASE'];
    if (e.operand) parts.push(expr(e.operand, ctx));
    for (const w of e.whens) parts.push(`WHEN ${expr(w.when, ctx)} THEN ${expr(w.then, ctx)}`);
    if (e.otherwise) parts.push(`ELSE ${expr(e.otherwise, ctx)}`);
    parts.push('END');
    return parts.join(' ');
  },
  cast: (e, ctx) => `CAST(${expr(e.expr, ctx)} AS ${dataType(e.type)})`,
  call: (e, ctx) => call(e, ctx),
};

/**
 * Prints an expression as Flink SQL.
 * @example expr(parsed `a.price * 0.908 > 10 AND NOT b`, ctx) // "a.price * 0.908 > 10 AND NOT b"
 */
export function expr(e: A.Expr, ctx: ExprContext): string {
  return (PRINTERS[e.kind] as (e: A.Expr, ctx: ExprContext) => string)(e, ctx);
}

/**
 * A function call. `agg(x) FILTER (WHERE c)` is written `agg(CASE WHEN c THEN x END)`: the same result (aggregates
 * skip NULLs), and the form every Flink SQL tool parses (dt-sql-parser has no FILTER clause).
 */
function call(e: A.CallExpr, ctx: ExprContext): string {
  const name = e.name.quoted ? ident(e.name) : e.name.name;
  let args = e.args.map((a) => expr(a, ctx));
  if (e.filter) {
    const when = expr(e.filter, ctx);
    args = e.args.map((a, i) => `CASE WHEN ${when} THEN ${a.kind === 'star' ? '1' : args[i]} END`);
    ctx.notes.add(
      'FILTER (WHERE c) is written as CASE WHEN c THEN ... END inside the aggregate: the same result. Flink also ' +
        'accepts FILTER, with which distinct aggregates over the same column share their state.',
    );
  }
  const text = `${name}(${e.distinct ? 'DISTINCT ' : ''}${args.join(', ')})`;
  return e.over ? `${text} OVER (${over(e.over, ctx)})` : text;
}

function over(o: A.OverClause, ctx: ExprContext): string {
  const parts: string[] = [];
  if (o.partitionBy.length > 0)
    parts.push(`PARTITION BY ${o.partitionBy.map((p) => expr(p, ctx)).join(', ')}`);
  if (o.orderBy.length > 0) parts.push(`ORDER BY ${orderItems(o.orderBy, ctx)}`);
  if (o.frame) parts.push(ctx.source.slice(o.frame.start, o.frame.end).replace(/\s+/g, ' '));
  return parts.join(' ');
}

/** `a DESC, b` for ORDER BY lists. */
export function orderItems(items: readonly A.OrderItem[], ctx: ExprContext): string {
  return items.map((i) => `${expr(i.expr, ctx)}${i.descending ? ' DESC' : ''}`).join(', ');
}
