// CREATE TABLE analysis: columns, computed columns, the watermark, the primary key and connector options.
import type { CreateTableStatement } from '../../grammar/ast';
import { closest, didYouMean } from '../../grammar/similar';
import type { ComputedColumn, TableDef } from '../catalog';
import { CONNECTORS } from '../connectors';
import { checkOptionValue, optionKeyMatches } from '../options';
import type { Rex } from '../rex';
import { type Field, isTimestamp, materialize, typeFromAst, typeToString, withNullable } from '../types';
import { analyzeExpr } from './expressions';
import type { Problems } from './problems';
import { Scope } from './scope';

export function analyzeCreateTable(s: CreateTableStatement, problems: Problems): TableDef {
  const p = problems;
  const columns: Field[] = [];
  const physical: number[] = [];
  const seen = new Set<string>();
  for (const el of s.elements) {
    if (seen.has(el.name.name))
      throw p.bail('duplicate-column', `duplicate column '${el.name.name}'`, el.name.span);
    seen.add(el.name.name);
    if (el.kind === 'physical') {
      physical.push(columns.length);
      columns.push({ name: el.name.name, type: typeFromAst(el.type) });
    } else {
      columns.push({ name: el.name.name, type: { kind: 'NULL', nullable: true } });
    }
  }
  // Computed columns see the physical columns (as in Flink, not each other).
  const physicalScope = Scope.of(
    s.name.name,
    physical.map((i) => columns[i]!),
  );
  const computed: ComputedColumn[] = [];
  s.elements.forEach((el, index) => {
    if (el.kind !== 'computed') return;
    const expr = analyzeExpr(el.expr, { scope: physicalScope, problems: p, clause: 'a computed column' });
    computed.push({ index, expr });
    const keep = expr.kind === 'call' && expr.op === 'PROCTIME';
    columns[index] = { name: el.name.name, type: keep ? expr.type : materialize(expr.type) };
  });

  let watermark: TableDef['watermark'];
  if (s.watermark) {
    const w = s.watermark;
    const column = columns.findIndex((c) => c.name === w.column.name);
    if (column < 0) {
      throw p.bail(
        'unknown-column',
        `unknown column '${w.column.name}' in WATERMARK FOR${didYouMean(
          w.column.name,
          columns.map((c) => c.name),
        )}`,
        w.column.span,
      );
    }
    const ct = columns[column]!.type;
    if (!isTimestamp(ct) || (ct.kind !== 'TIMESTAMP' && ct.kind !== 'TIMESTAMP_LTZ')) {
      throw p.bail(
        'not-a-time-attribute',
        `WATERMARK FOR '${w.column.name}': the column must be a TIMESTAMP(3) or TIMESTAMP_LTZ(3), but it is ${typeToString(ct)}`,
        w.column.span,
      );
    }
    const expr: Rex = analyzeExpr(w.expr, {
      scope: Scope.of(s.name.name, columns),
      problems: p,
      clause: 'a WATERMARK expression',
    });
    if (!isTimestamp(expr.type)) {
      throw p.bail(
        'type-mismatch',
        `the WATERMARK expression must give a timestamp, but it gives ${typeToString(expr.type)}`,
        w.expr.span,
      );
    }
    columns[column] = {
      name: columns[column]!.name,
      type: { ...materialize(ct), timeAttribute: 'rowtime' } as Field['type'],
    };
    watermark = { column, expr };
  }

  const primaryKey: number[] = [];
  if (s.primaryKey) {
    if (s.primaryKey.enforced) {
      throw p.bail(
        'syntax',
        'PRIMARY KEY must be declared NOT ENFORCED: weir (like Flink) does not check keys',
        s.primaryKey.span,
      );
    }
    for (const c of s.primaryKey.columns) {
      const i = columns.findIndex((x) => x.name === c.name);
      if (i < 0)
        throw p.bail(
          'unknown-column',
          `unknown column '${c.name}' in PRIMARY KEY${didYouMean(
            c.name,
            columns.map((x) => x.name),
          )}`,
          c.span,
        );
      columns[i] = { ...columns[i]!, type: withNullable(columns[i]!.type, false) };
      primaryKey.push(i);
    }
  }

  const options: Record<string, string> = {};
  for (const o of s.options) {
    if (o.key.value in options)
      throw p.bail('duplicate-option', `option '${o.key.value}' is given twice`, o.key.span);
    options[o.key.value] = o.value.value;
  }
  const connectorName = options['connector'];
  if (connectorName === undefined) {
    throw p.bail(
      'missing-option',
      `table '${s.name.name}' needs a connector: add WITH ('connector' = '...'), one of ${[...CONNECTORS.keys()].join(', ')}`,
      s.name.span,
    );
  }
  const connector = CONNECTORS.get(connectorName);
  if (!connector) {
    const valueSpan = s.options.find((o) => o.key.value === 'connector')!.value.span;
    throw p.bail(
      'unknown-connector',
      `unknown connector '${connectorName}'${didYouMean(connectorName, CONNECTORS.keys())}; expected one of ${[...CONNECTORS.keys()].join(', ')}`,
      valueSpan,
    );
  }
  for (const o of s.options) {
    const key = o.key.value;
    if (key === 'connector') continue;
    const spec = connector.options.find((x) => optionKeyMatches(x.key, key));
    if (!spec) {
      const hint = closest(
        key,
        connector.options.map((x) => x.key),
      );
      const list = connector.options.length ? connector.options.map((x) => x.key).join(', ') : 'none';
      p.report(
        'unknown-option',
        `unknown option '${key}' for connector '${connectorName}'${hint ? `; did you mean '${hint}'?` : ''} (options: ${list})`,
        o.key.span,
      );
      continue;
    }
    if (spec.key.startsWith('fields.#.')) {
      const column = key.split('.')[1]!;
      if (!columns.some((c) => c.name === column)) {
        p.report(
          'unknown-column',
          `option '${key}' names unknown column '${column}'${didYouMean(
            column,
            columns.map((c) => c.name),
          )}`,
          o.key.span,
        );
      }
    }
    const problem = checkOptionValue(spec, o.value.value);
    if (problem) p.report('bad-option', `option '${key}': ${problem}`, o.value.span);
  }
  for (const spec of connector.options) {
    if (spec.required && options[spec.key] === undefined) {
      p.report(
        'missing-option',
        `connector '${connectorName}' needs option '${spec.key}' (${spec.description})`,
        s.name.span,
      );
    }
  }
  const definitionProblem = connector.validate?.(
    options,
    primaryKey.map((i) => columns[i]!.name),
  );
  if (definitionProblem) p.report('bad-option', `table '${s.name.name}': ${definitionProblem}`, s.name.span);
  const partitionKeys = partitionColumns(s, columns, physical, connectorName, p);
  return {
    name: s.name.name,
    columns,
    physical,
    computed,
    watermark,
    primaryKey,
    connector: connectorName,
    options,
    ...(partitionKeys.length ? { partitionKeys } : {}),
    span: s.span,
  };
}

/** `PARTITIONED BY (a, b)`: physical columns of a filesystem table, in folder order. */
function partitionColumns(
  s: CreateTableStatement,
  columns: readonly Field[],
  physical: readonly number[],
  connector: string,
  p: Problems,
): number[] {
  if (!s.partitionedBy) return [];
  if (connector !== 'filesystem')
    throw p.unsupported(
      `PARTITIONED BY on a '${connector}' table (only 'filesystem' tables are partitioned)`,
      s.partitionedBy.span,
    );
  const keys: number[] = [];
  for (const c of s.partitionedBy.columns) {
    const i = columns.findIndex((x) => x.name === c.name);
    if (i < 0 || !physical.includes(i))
      throw p.bail(
        'unknown-column',
        `${i < 0 ? 'unknown' : 'computed'} column '${c.name}' in PARTITIONED BY${
          i < 0
            ? didYouMean(
                c.name,
                columns.map((x) => x.name),
              )
            : '; partition columns must be physical'
        }`,
        c.span,
      );
    keys.push(i);
  }
  if (keys.length === physical.length)
    throw p.bail(
      'syntax',
      'PARTITIONED BY takes every column: at least one must stay in the files',
      s.partitionedBy.span,
    );
  return keys;
}
