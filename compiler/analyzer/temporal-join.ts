// Temporal joins: `JOIN t FOR SYSTEM_TIME AS OF left.time ON …` checked as Flink checks them, into a TemporalJoin node.
import type * as A from '../../grammar/ast';
import type { Catalog } from '../catalog';
import { isChangelogSource } from '../connectors';
import { type LogicalNode, makeTemporalJoin } from '../logical/plan';
import { equiKeys } from '../physical/translate-join';
import { lookupKeys } from '../physical/translate-temporal-join';
import { materialize, typeToString } from '../types';
import { type ExprContext, analyzeExpr } from './expressions';
import type { Problems } from './problems';
import { scanPlan } from './scan';
import { Scope } from './scope';

/** Connectors whose tables a processing-time temporal join can look rows up in. */
export function lookupProblem(
  connector: string,
  options: Readonly<Record<string, string>>,
): string | undefined {
  if (connector === 'postgres') return undefined;
  if (connector === 'filesystem') {
    if (options['source.monitor-interval'] !== undefined)
      return "a filesystem table is read into memory once, so it must be bounded (no 'source.monitor-interval')";
    if (isChangelogSource(connector, options))
      return 'a filesystem table with a changelog format cannot be looked up; join it with FOR SYSTEM_TIME AS OF an event-time attribute';
    return undefined;
  }
  return `connector '${connector}' cannot be looked up (processing-time temporal joins read a bounded 'filesystem' table or ask a 'postgres' one)`;
}

/**
 * The plan of `left JOIN right FOR SYSTEM_TIME AS OF … ON …`. `left` is analyzed; `right` is the table
 * reference that carries FOR SYSTEM_TIME.
 */
export function temporalJoin(
  j: A.JoinRef,
  left: { plan: LogicalNode; scope: Scope },
  right: A.TableRef,
  catalog: Catalog,
  problems: Problems,
): { plan: LogicalNode; scope: Scope } {
  const p = problems;
  const span = right.forSystemTime!;
  if (j.joinType !== 'INNER' && j.joinType !== 'LEFT')
    throw p.unsupported(
      `${j.joinType} JOIN with FOR SYSTEM_TIME AS OF (temporal joins are INNER or LEFT)`,
      span,
    );
  if (!j.on)
    throw p.bail('syntax', 'a temporal join needs an ON condition: expected ON <condition>', right.span);
  const table = catalog.table(right.name.name);
  if (!table) {
    const what = catalog.view(right.name.name) ? 'a view' : 'an unknown table';
    throw p.bail(
      'unknown-table',
      `FOR SYSTEM_TIME AS OF needs a table, and '${right.name.name}' is ${what}`,
      right.name.span,
    );
  }
  const asOf = analyzeExpr(right.asOf!, { scope: left.scope, problems: p, clause: 'FOR SYSTEM_TIME AS OF' });
  const attr =
    (asOf.type.kind === 'TIMESTAMP' || asOf.type.kind === 'TIMESTAMP_LTZ') && asOf.type.timeAttribute;
  if (asOf.kind !== 'inputRef' || !attr)
    throw p.bail(
      'temporal-join',
      `FOR SYSTEM_TIME AS OF expects a time attribute of the left input (a column with a WATERMARK, or one defined as PROCTIME()), got ${typeToString(asOf.type)}`,
      right.asOf!.span,
    );
  const leftWidth = left.plan.schema.length;
  let rightPlan: LogicalNode;
  let rightTime = -1;
  if (attr === 'rowtime') {
    if (!table.watermark)
      throw p.bail(
        'temporal-join',
        `an event-time temporal join needs a versioned table: '${table.name}' has no WATERMARK (and a PRIMARY KEY)`,
        right.name.span,
      );
    if (table.primaryKey.length === 0)
      throw p.bail(
        'temporal-join',
        `an event-time temporal join needs a versioned table: '${table.name}' has no PRIMARY KEY`,
        right.name.span,
      );
    rightPlan = scanPlan(table, true);
    rightTime = table.watermark.column;
  } else {
    const problem = lookupProblem(table.connector, table.options);
    if (problem)
      throw p.bail('temporal-join', `a processing-time temporal join: ${problem}`, right.name.span);
    if (table.computed.length > 0)
      throw p.unsupported(
        'computed columns on a table looked up by a processing-time temporal join',
        right.name.span,
      );
    rightPlan = {
      kind: 'scan',
      table,
      schema: table.physical.map((i) => ({
        ...table.columns[i]!,
        type: materialize(table.columns[i]!.type),
      })),
      changelog: 'append',
    };
  }
  const alias = right.alias?.name ?? right.name.name;
  const scope = Scope.join(left.scope, Scope.of(alias, rightPlan.schema));
  const ctx: ExprContext = { scope, problems: p, clause: 'ON' };
  const condition = analyzeExpr(j.on, ctx);
  if (condition.type.kind !== 'BOOLEAN' && condition.type.kind !== 'NULL')
    throw p.bail(
      'type-mismatch',
      `ON expects a BOOLEAN condition, got ${typeToString(condition.type)}`,
      j.on.span,
    );
  if (attr === 'proctime' && lookupKeys(condition, leftWidth).leftKeys.length === 0)
    throw p.bail(
      'temporal-join',
      `a processing-time temporal join looks rows up by key: the ON condition needs <left expression> = ${alias}.<column>`,
      j.on.span,
    );
  if (attr === 'rowtime') {
    const { rightKeys } = equiKeys(condition, leftWidth);
    const pk = table.primaryKey;
    const missing = pk.filter((k) => !rightKeys.includes(k));
    if (missing.length > 0)
      throw p.bail(
        'temporal-join',
        `an event-time temporal join needs an equality on the versioned table's PRIMARY KEY: ON … = ${alias}.${table.columns[missing[0]!]!.name}`,
        j.on.span,
      );
  }
  const plan = makeTemporalJoin({
    joinType: j.joinType,
    time: attr,
    left: left.plan,
    right: rightPlan,
    table,
    leftTime: asOf.index,
    rightTime,
    condition,
    span: j.span,
  });
  const typed = new Scope(
    scope.relations.map((r) => ({
      ...r,
      fields: r.fields.map((f, i) => ({ ...f, type: plan.schema[r.offset + i]!.type })),
    })),
  );
  return { plan, scope: typed };
}
