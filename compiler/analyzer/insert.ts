// INSERT analysis: the query's columns matched to the sink table's, casts added, and the sink's changelog checked.
import type { InsertStatement, Query, QueryStatement, Span } from '../../grammar/ast';
import { didYouMean } from '../../grammar/similar';
import type { Catalog } from '../catalog';
import { CONNECTORS } from '../connectors';
import type { LogicalNode, SinkNode } from '../logical/plan';
import { makeProject } from '../logical/plan';
import { type Rex, call, inputRef, literal } from '../rex';
import { assignable, materialize, typeToString, withNullable } from '../types';
import type { Problems } from './problems';
import { type AnalyzerOptions, QueryAnalyzer } from './query';
import { leftoverOver } from './rank';

/** The logical plan of `INSERT INTO t SELECT …` or of a bare SELECT (sink: collect). */
export function analyzeJob(
  s: InsertStatement | QueryStatement,
  catalog: Catalog,
  problems: Problems,
  options: AnalyzerOptions = {},
): SinkNode {
  const p = problems;
  const analyzed = new QueryAnalyzer(catalog, p, options).query(s.query);
  const plan = analyzed.plan;
  const over = leftoverOver(plan);
  if (over)
    throw p.unsupported(
      'ROW_NUMBER() OVER (…) without a filter on its column in an enclosing query; write SELECT … FROM (SELECT …, ROW_NUMBER() OVER (…) AS rn FROM t) WHERE rn <= N (Top-N) or rn = 1 (deduplication)',
      over.calls[0]!.span ?? over.span ?? s.span,
    );
  if (s.kind === 'query') {
    return {
      kind: 'sink',
      input: plan,
      target: { kind: 'collect' },
      schema: plan.schema,
      changelog: plan.changelog,
      span: s.span,
    };
  }
  const table = catalog.table(s.table.name);
  if (!table) {
    const what = catalog.view(s.table.name)
      ? `'${s.table.name}' is a view; INSERT needs a table`
      : `unknown table '${s.table.name}'`;
    throw p.quietBail(
      s.table.name,
      'unknown-table',
      `${what}${didYouMean(s.table.name, catalog.tableNames())}`,
      s.table.span,
    );
  }
  const connector = CONNECTORS.get(table.connector)!;
  if (!connector.sink) {
    throw p.bail(
      'not-a-sink',
      `table '${table.name}' uses connector '${table.connector}', which can only be read, not written`,
      s.table.span,
    );
  }
  const unwritable = connector.sinkProblem?.(table.options);
  if (unwritable) throw p.bail('not-a-sink', `table '${table.name}': ${unwritable}`, s.table.span);
  const targets = table.physical.map((i) => table.columns[i]!);
  // INSERT INTO t (a, b): the listed columns, the others NULL.
  let order: (number | undefined)[] = targets.map((_, i) => i);
  if (s.columns.length > 0) {
    order = targets.map(() => undefined);
    s.columns.forEach((c, queryIndex) => {
      const t = targets.findIndex((f) => f.name === c.name);
      if (t < 0) {
        throw p.bail(
          'unknown-column',
          `unknown column '${c.name}' in table '${table.name}'${didYouMean(
            c.name,
            targets.map((f) => f.name),
          )}`,
          c.span,
        );
      }
      order[t] = queryIndex;
    });
  }
  const width = s.columns.length > 0 ? s.columns.length : targets.length;
  if (plan.schema.length !== width) {
    throw p.bail(
      'column-count',
      `INSERT INTO ${table.name}: the query produces ${plan.schema.length} column${plan.schema.length === 1 ? '' : 's'} but ${s.columns.length > 0 ? 'the column list names' : 'the table has'} ${width} (${(s.columns.length > 0 ? s.columns.map((c) => c.name) : targets.map((f) => f.name)).join(', ')})`,
      s.query.span,
    );
  }
  const exprs: Rex[] = targets.map((target, i) => {
    const q = order[i];
    if (q === undefined) {
      if (!target.type.nullable) {
        throw p.bail(
          'column-count',
          `column '${target.name}' of '${table.name}' is NOT NULL and must be given a value`,
          s.table.span,
        );
      }
      return literal(null, target.type);
    }
    const source = plan.schema[q]!;
    if (!assignable(source.type, target.type)) {
      throw p.bail(
        'type-mismatch',
        `column ${q + 1} ('${source.name}') of the query is ${typeToString(source.type)}, but column '${target.name}' of '${table.name}' is ${typeToString(target.type)}`,
        selectItemSpan(s.query, q),
      );
    }
    const ref = inputRef(q, source.type);
    const same =
      typeToString(materialize(withNullable(source.type, true))) ===
      typeToString(withNullable(target.type, true));
    return same ? ref : call('CAST', [ref], withNullable(target.type, source.type.nullable));
  });
  const identity =
    exprs.every((e, i) => e.kind === 'inputRef' && e.index === i) && exprs.length === plan.schema.length;
  const input: LogicalNode = identity
    ? plan
    : makeProject(
        plan,
        exprs,
        targets.map((t) => t.name),
      );
  const keyNames = table.primaryKey.map((i) => table.columns[i]!.name);
  if (plan.changelog === 'updating' && connector.sinkAccepts?.(table.options, keyNames) === 'append') {
    const source = describeUpdating(plan);
    throw p.bail(
      'updating-into-append-only',
      `table '${table.name}' (${table.connector}, ${connector.describe?.(table.options, keyNames) ?? 'append-only'}) only takes inserts, but this query produces updates${source}: ${connector.updatingHint ?? "use 'format' = 'changelog-json'"}, or a window aggregation, whose results are final`,
      s.table.span,
    );
  }
  return {
    kind: 'sink',
    input,
    target: { kind: 'table', table },
    schema: targets,
    changelog: plan.changelog,
    span: s.span,
  };
}

/** " (from the GROUP BY at 3:8)": where the first updating node of a plan was written. */
function describeUpdating(plan: LogicalNode): string {
  let n: LogicalNode | undefined = plan;
  const seen: LogicalNode[] = [];
  while (n) {
    seen.push(n);
    if (n.kind === 'scan' && n.changelog === 'updating')
      return ` (the changelog source '${n.table.name}', ${n.table.connector})`;
    if ((n.kind === 'aggregate' || n.kind === 'join' || n.kind === 'rank') && n.span) {
      const what =
        n.kind === 'aggregate' ? 'the GROUP BY' : n.kind === 'rank' ? 'the Top-N' : `the ${n.joinType} JOIN`;
      return ` (${what} at line ${n.span.line}, column ${n.span.column})`;
    }
    n =
      'input' in n
        ? n.input
        : n.kind === 'join'
          ? n.left.changelog === 'updating'
            ? n.left
            : n.right
          : undefined;
  }
  return '';
}

/** The span of the query's `i`-th output column when a plain select list shows it, else of the whole query. */
function selectItemSpan(q: Query, i: number): Span {
  if (q.kind !== 'select' || q.items.some((item) => item.kind === 'star')) return q.span;
  return q.items[i]?.span ?? q.span;
}
