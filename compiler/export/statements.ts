// Statements as Flink SQL: one printer per statement kind; weir-only statements print nothing and leave a note.
import type * as A from '../../grammar/ast';
import type { InnerComments } from './comments';
import { flinkReset, flinkSet } from './config';
import { connectorRequirement, flinkOptions } from './connectors/index';
import { dataType } from './data-types';
import { type ExprContext, expr } from './expressions';
import { ident, stringLiteral } from './identifiers';
import { indent, query } from './queries';
import { explainRestoreAdvice, showInFlink, weirOnlyAdvice } from './weir-only';

/** What printing one statement needs: its text, facts about the whole script, and where notes go. */
export interface StatementContext extends ExprContext {
  /** The statement as written (CREATE FUNCTION is kept as written; weir-only statements are quoted). */
  readonly text: string;
  /** Tables the script inserts into. */
  readonly sinks: ReadonlySet<string>;
  /** Views created TEMPORARY (Flink drops them with DROP TEMPORARY VIEW). */
  readonly temporaryViews: ReadonlySet<string>;
  /** Whether the script sets 'execution.checkpointing.interval'. */
  readonly checkpointing: boolean;
  /** What Flink needs on its classpath, collected for the header. */
  readonly requirements: Set<string>;
  /** The statement's own comments: CREATE TABLE keeps those of its columns and options on their lines. */
  readonly comments: InnerComments;
}

type StatementPrinter<K extends A.StatementKind> = (
  s: Extract<A.Statement, { kind: K }>,
  ctx: StatementContext,
) => string | undefined;

function note(ctx: StatementContext, text: string | undefined): undefined {
  if (text !== undefined) ctx.notes.add(text);
  return undefined;
}

/** `items` joined by commas, one a line, each followed by the comment its source line had. */
function commaLines(
  items: readonly (readonly [text: string, line: number | undefined])[],
  ctx: StatementContext,
) {
  return items
    .map(([text, line], i) => {
      const comment = line === undefined ? undefined : ctx.comments.take(line);
      return `${text}${i < items.length - 1 ? ',' : ''}${comment ? ` ${comment}` : ''}`;
    })
    .join('\n');
}

function createTable(s: A.CreateTableStatement, ctx: StatementContext): string {
  const elements: [string, number | undefined][] = s.elements.map((e) => [
    e.kind === 'physical'
      ? `${ident(e.name)} ${dataType(e.type)}`
      : `${ident(e.name)} AS ${expr(e.expr, ctx)}`,
    e.span.line,
  ]);
  if (s.watermark)
    elements.push([
      `WATERMARK FOR ${ident(s.watermark.column)} AS ${expr(s.watermark.expr, ctx)}`,
      s.watermark.span.line,
    ]);
  if (s.primaryKey)
    elements.push([
      `PRIMARY KEY (${s.primaryKey.columns.map(ident).join(', ')}) NOT ENFORCED`,
      s.primaryKey.span.line,
    ]);
  const partitioned = s.partitionedBy
    ? ` PARTITIONED BY (${s.partitionedBy.columns.map(ident).join(', ')})`
    : '';
  const script = { sink: ctx.sinks.has(s.name.name), checkpointing: ctx.checkpointing };
  const groups = flinkOptions(s, script, (n) => ctx.notes.add(n));
  const options = groups.flatMap((g) =>
    g.options.map(([k, v], i): [string, number | undefined] => [
      `${stringLiteral(k)} = ${stringLiteral(v)}`,
      i === g.options.length - 1 ? g.from?.key.span.line : undefined,
    ]),
  );
  const requirement = connectorRequirement(
    s.options.find((o) => o.key.value === 'connector')?.value.value ?? '',
  );
  if (requirement) ctx.requirements.add(requirement);
  return (
    `CREATE TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${ident(s.name)} (\n${indent(commaLines(elements, ctx))}\n)` +
    `${partitioned} WITH (\n${indent(commaLines(options, ctx))}\n)`
  );
}

function insert(s: A.InsertStatement, ctx: StatementContext): string {
  const columns = s.columns.length > 0 ? ` (${s.columns.map(ident).join(', ')})` : '';
  return `INSERT INTO ${ident(s.table)}${columns}\n${query(s.query, ctx)}`;
}

const STATEMENTS: { readonly [K in A.StatementKind]: StatementPrinter<K> } = {
  set: (s, ctx) => {
    const setting = flinkSet(s.key.value, s.value.value);
    note(ctx, setting.note);
    return setting.sql;
  },
  reset: (s, ctx) => {
    const setting = flinkReset(s.key?.value);
    note(ctx, setting.note);
    return setting.sql;
  },
  createTable,
  createView: (s, ctx) =>
    `CREATE ${s.temporary ? 'TEMPORARY ' : ''}VIEW ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${ident(s.name)} AS\n` +
    query(s.query, ctx),
  createFunction: (s, ctx) => {
    if (s.language?.name.toUpperCase() !== 'JAVASCRIPT') {
      ctx.notes.add(
        "The function's jar must be on Flink's classpath (lib/, or ADD JAR '<path>' in the SQL client).",
      );
      return ctx.text;
    }
    ctx.notes.add(
      `Flink does not run JavaScript: port the function ${s.name.name} (${s.path.value}) to a Java ScalarFunction, ` +
        'AggregateFunction or TableFunction (or Python) and put its class name in CREATE FUNCTION.',
    );
    return `CREATE ${s.temporary ? 'TEMPORARY ' : ''}FUNCTION ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${ident(s.name)} AS ${stringLiteral(s.path.value)}`;
  },
  drop: (s, ctx) => {
    const temporary = s.what === 'VIEW' && ctx.temporaryViews.has(s.name.name) ? 'TEMPORARY ' : '';
    return `DROP ${temporary}${s.what} ${s.ifExists ? 'IF EXISTS ' : ''}${ident(s.name)}`;
  },
  insert,
  query: (s, ctx) => query(s.query, ctx),
  explain: (s, ctx) => {
    if (s.restoreFrom) return note(ctx, explainRestoreAdvice(ctx.text));
    if (s.verbose)
      ctx.notes.add(
        "EXPLAIN VERBOSE lists weir's optimizer rules; Flink's EXPLAIN takes details instead " +
          '(EXPLAIN CHANGELOG_MODE, ESTIMATED_COST, JSON_EXECUTION_PLAN ...).',
      );
    return `EXPLAIN ${s.statement.kind === 'insert' ? insert(s.statement, ctx) : query(s.statement.query, ctx)}`;
  },
  checkpoint: (s, ctx) => note(ctx, weirOnlyAdvice(s, ctx.text)),
  savepoint: (s, ctx) => note(ctx, weirOnlyAdvice(s, ctx.text)),
  stopJob: (s, ctx) => note(ctx, weirOnlyAdvice(s, ctx.text)),
  show: (s, ctx) => {
    const shown = showInFlink(s, ctx.text);
    note(ctx, shown.note);
    return shown.sql;
  },
};

/**
 * Prints one statement as Flink SQL without its `;`, or returns undefined when Flink has no such statement
 * (the reason is then in `ctx.notes`).
 * @example statement(parsed `CHECKPOINT`, ctx) // undefined; ctx.notes holds "CHECKPOINT; → in Flink, ..."
 */
export function statement(s: A.Statement, ctx: StatementContext): string | undefined {
  return (STATEMENTS[s.kind] as (s: A.Statement, ctx: StatementContext) => string | undefined)(s, ctx);
}
