// Queries as Flink SQL text: SELECT clauses one per line, subqueries indented, FROM items as written.
import type * as A from '../../grammar/ast';
import { type ExprContext, expr, orderItems } from './expressions';
import { ident } from './identifiers';
import { sessionGroupWindow } from './session-window';

/** Select lists longer than this go one item per line. */
const LINE = 100;

/** Indents every line of `text` by two spaces. */
export function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}

type QueryPrinter<K extends A.Query['kind']> = (q: Extract<A.Query, { kind: K }>, ctx: ExprContext) => string;

const QUERIES: { readonly [K in A.Query['kind']]: QueryPrinter<K> } = {
  select: (q, ctx) => select(q, ctx),
  union: (q, ctx) => {
    const side = (s: A.Query) =>
      s.orderBy.length > 0 || s.limit ? `(\n${indent(query(s, ctx))}\n)` : query(s, ctx);
    const lines = [side(q.left), q.all ? 'UNION ALL' : 'UNION', side(q.right)];
    return [...lines, ...tail(q, ctx)].join('\n');
  },
};

/**
 * Prints a query as Flink SQL, over several lines (no trailing `;`).
 * @example query(parsed `select a from t where a > 1`, ctx) // "SELECT a\nFROM t\nWHERE a > 1"
 */
export function query(q: A.Query, ctx: ExprContext): string {
  return (QUERIES[q.kind] as (q: A.Query, ctx: ExprContext) => string)(q, ctx);
}

function select(q: A.SelectQuery, ctx: ExprContext): string {
  const session = sessionGroupWindow(q, ctx);
  const c: ExprContext = session ? { ...ctx, column: session.column } : ctx;
  const items = q.items.map((item) => {
    if (item.kind === 'star') return item.qualifier ? `${ident(item.qualifier)}.*` : '*';
    const text = expr(item.expr, c);
    if (item.alias) return `${text} AS ${ident(item.alias)}`;
    // A window column replaced by SESSION_START(...) keeps its name.
    if (session && item.expr.kind === 'column' && session.column(item.expr) !== undefined)
      return `${text} AS ${ident(item.expr.path[item.expr.path.length - 1]!)}`;
    return text;
  });
  const head = `SELECT ${q.distinct ? 'DISTINCT ' : ''}`;
  const oneLine = head + items.join(', ');
  const lines = [oneLine.length <= LINE ? oneLine : `${head.trimEnd()}\n${indent(items.join(',\n'))}`];
  if (q.from) lines.push(`FROM ${session ? session.from : fromItem(q.from, c)}`);
  if (q.where) lines.push(`WHERE ${expr(q.where, c)}`);
  const groupBy = session ? session.groupBy : q.groupBy.map((g) => expr(g, c));
  if (groupBy.length > 0) lines.push(`GROUP BY ${groupBy.join(', ')}`);
  if (q.having) lines.push(`HAVING ${expr(q.having, c)}`);
  return [...lines, ...tail(q, c)].join('\n');
}

function tail(q: A.Query, ctx: ExprContext): string[] {
  const lines: string[] = [];
  if (q.orderBy.length > 0) lines.push(`ORDER BY ${orderItems(q.orderBy, ctx)}`);
  if (q.limit) lines.push(`LIMIT ${expr(q.limit, ctx)}`);
  return lines;
}

type FromPrinter<K extends A.FromItem['kind']> = (
  f: Extract<A.FromItem, { kind: K }>,
  ctx: ExprContext,
) => string;

const alias = (a: A.Ident | undefined) => (a ? ` AS ${ident(a)}` : '');

const JOIN_KEYWORDS: Readonly<Record<A.JoinType, string>> = {
  INNER: 'JOIN',
  LEFT: 'LEFT JOIN',
  RIGHT: 'RIGHT JOIN',
  FULL: 'FULL JOIN',
  CROSS: 'CROSS JOIN',
};

const FROM_ITEMS: { readonly [K in A.FromItem['kind']]: FromPrinter<K> } = {
  tableRef: (f, ctx) => {
    const temporal = f.forSystemTime
      ? ` ${ctx.source.slice(f.forSystemTime.start, f.forSystemTime.end).replace(/\s+/g, ' ')}`
      : '';
    return `${ident(f.name)}${temporal}${alias(f.alias)}`;
  },
  subqueryRef: (f, ctx) => `(\n${indent(query(f.query, ctx))}\n)${alias(f.alias)}`,
  lateralTable: (f, ctx) =>
    `LATERAL TABLE(${expr(f.call, ctx)})${alias(f.alias)}${f.columns ? `(${f.columns.map(ident).join(', ')})` : ''}`,
  joinRef: (f, ctx) => {
    const left = fromItem(f.left, ctx);
    const right = fromItem(f.right, ctx);
    if (f.comma) return `${left}, ${right}`;
    return `${left}\n${JOIN_KEYWORDS[f.joinType]} ${right}${f.on ? ` ON ${expr(f.on, ctx)}` : ''}`;
  },
  windowTvf: (f, ctx) => {
    const partition =
      f.partitionBy.length > 0 ? ` PARTITION BY ${f.partitionBy.map((p) => expr(p, ctx)).join(', ')}` : '';
    const args = f.args.map((a) => `, ${expr(a, ctx)}`).join('');
    if (f.fn.name.toUpperCase() === 'SESSION')
      ctx.notes.add('The SESSION window table function needs Flink 1.19 or later.');
    return `TABLE(${f.fn.name.toUpperCase()}(TABLE ${ident(f.table)}${partition}${args}))${alias(f.alias)}`;
  },
};

/** A FROM item as Flink SQL (joins and subqueries over several lines). */
export function fromItem(f: A.FromItem, ctx: ExprContext): string {
  return (FROM_ITEMS[f.kind] as (f: A.FromItem, ctx: ExprContext) => string)(f, ctx);
}
