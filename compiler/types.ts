// SQL data types as the compiler and runtime see them, with Flink's names, printing and widening rules.
import type { DataTypeNode } from '../grammar/ast';

export type SimpleTypeKind =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'STRING'
  | 'DATE'
  | 'NULL'
  | 'INTERVAL'
  | 'DESCRIPTOR';

/** `rowtime` marks an event-time attribute (a column with a WATERMARK), `proctime` one from PROCTIME(). */
export type TimeAttribute = 'rowtime' | 'proctime';

export type SqlType =
  | { readonly kind: SimpleTypeKind; readonly nullable: boolean }
  | {
      readonly kind: 'DECIMAL';
      readonly precision: number;
      readonly scale: number;
      readonly nullable: boolean;
    }
  | { readonly kind: 'VARCHAR'; readonly length: number; readonly nullable: boolean }
  | {
      readonly kind: 'TIMESTAMP' | 'TIMESTAMP_LTZ';
      readonly precision: number;
      readonly nullable: boolean;
      readonly timeAttribute?: TimeAttribute;
    }
  | { readonly kind: 'ROW'; readonly fields: readonly RowField[]; readonly nullable: boolean };

export interface RowField {
  readonly name: string;
  readonly type: SqlType;
}

/** A named column of a relation. */
export interface Field {
  readonly name: string;
  readonly type: SqlType;
}

export const MAX_VARCHAR = 2147483647;

export const T = {
  boolean: (nullable = true): SqlType => ({ kind: 'BOOLEAN', nullable }),
  int: (nullable = true): SqlType => ({ kind: 'INT', nullable }),
  bigint: (nullable = true): SqlType => ({ kind: 'BIGINT', nullable }),
  double: (nullable = true): SqlType => ({ kind: 'DOUBLE', nullable }),
  string: (nullable = true): SqlType => ({ kind: 'STRING', nullable }),
  null: (): SqlType => ({ kind: 'NULL', nullable: true }),
  interval: (): SqlType => ({ kind: 'INTERVAL', nullable: false }),
  decimal: (precision: number, scale: number, nullable = true): SqlType => ({
    kind: 'DECIMAL',
    precision,
    scale,
    nullable,
  }),
  timestamp: (precision = 3, nullable = true, timeAttribute?: TimeAttribute): SqlType =>
    timeAttribute
      ? { kind: 'TIMESTAMP', precision, nullable, timeAttribute }
      : { kind: 'TIMESTAMP', precision, nullable },
  timestampLtz: (precision = 3, nullable = true, timeAttribute?: TimeAttribute): SqlType =>
    timeAttribute
      ? { kind: 'TIMESTAMP_LTZ', precision, nullable, timeAttribute }
      : { kind: 'TIMESTAMP_LTZ', precision, nullable },
} as const;

/** Converts a parsed type to a SqlType. */
export function typeFromAst(node: DataTypeNode): SqlType {
  const nullable = !node.notNull;
  switch (node.name) {
    case 'DECIMAL':
      return T.decimal(node.args[0] ?? 10, node.args[1] ?? 0, nullable);
    case 'VARCHAR':
      return node.args[0] === undefined || node.args[0] === MAX_VARCHAR
        ? { kind: 'STRING', nullable }
        : { kind: 'VARCHAR', length: node.args[0], nullable };
    case 'TIMESTAMP':
      return T.timestamp(node.args[0] ?? 6, nullable);
    case 'TIMESTAMP_LTZ':
      return T.timestampLtz(node.args[0] ?? 6, nullable);
    case 'ROW':
      return {
        kind: 'ROW',
        fields: node.fields.map((f) => ({ name: f.name.name, type: typeFromAst(f.type) })),
        nullable,
      };
    default:
      return { kind: node.name, nullable };
  }
}

/** Flink's rendering: `BIGINT`, `DECIMAL(23, 3)`, `TIMESTAMP(3) *ROWTIME*`, `VARCHAR(10) NOT NULL`. */
export function typeToString(t: SqlType): string {
  let s: string;
  switch (t.kind) {
    case 'DECIMAL':
      s = `DECIMAL(${t.precision}, ${t.scale})`;
      break;
    case 'VARCHAR':
      s = `VARCHAR(${t.length})`;
      break;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      s = `${t.kind}(${t.precision})${t.timeAttribute ? ` *${t.timeAttribute.toUpperCase()}*` : ''}`;
      break;
    case 'ROW':
      s = `ROW<${t.fields.map((f) => `\`${f.name}\` ${typeToString(f.type)}`).join(', ')}>`;
      break;
    default:
      s = t.kind;
  }
  return t.nullable || t.kind === 'NULL' ? s : `${s} NOT NULL`;
}

export function withNullable(t: SqlType, nullable: boolean): SqlType {
  return t.nullable === nullable ? t : { ...t, nullable };
}

/** The type without a time-attribute mark: what a regular join or aggregate makes of a time column. */
export function materialize(t: SqlType): SqlType {
  if ((t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ') && t.timeAttribute) {
    return { kind: t.kind, precision: t.precision, nullable: t.nullable };
  }
  return t;
}

const INTEGER_RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };
const INTEGER_DIGITS: Record<string, number> = { TINYINT: 3, SMALLINT: 5, INT: 10, BIGINT: 19 };

export const isInteger = (t: SqlType): boolean => t.kind in INTEGER_RANK;
export const isApproximate = (t: SqlType): boolean => t.kind === 'FLOAT' || t.kind === 'DOUBLE';
export const isNumeric = (t: SqlType): boolean => isInteger(t) || isApproximate(t) || t.kind === 'DECIMAL';
export const isString = (t: SqlType): boolean => t.kind === 'STRING' || t.kind === 'VARCHAR';
export type TimestampType = Extract<SqlType, { kind: 'TIMESTAMP' | 'TIMESTAMP_LTZ' }>;
export const isTimestamp = (t: SqlType): t is TimestampType =>
  t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ';
export const isNull = (t: SqlType): boolean => t.kind === 'NULL';

/** An integer or decimal type as DECIMAL(p, s), for Flink's decimal arithmetic rules. */
function asDecimal(t: SqlType): { precision: number; scale: number } {
  if (t.kind === 'DECIMAL') return { precision: t.precision, scale: t.scale };
  return { precision: INTEGER_DIGITS[t.kind] ?? 19, scale: 0 };
}

/** The result type of `a op b` for numeric operands, following Flink (Calcite) derivation. */
export function arithmeticType(op: '+' | '-' | '*' | '/' | '%', a: SqlType, b: SqlType): SqlType {
  const nullable = a.nullable || b.nullable;
  if (isApproximate(a) || isApproximate(b)) return T.double(nullable);
  if (a.kind === 'DECIMAL' || b.kind === 'DECIMAL') {
    const x = asDecimal(a);
    const y = asDecimal(b);
    let precision: number;
    let scale: number;
    if (op === '*') {
      precision = x.precision + y.precision;
      scale = x.scale + y.scale;
    } else if (op === '/') {
      scale = Math.max(6, x.scale + y.precision + 1);
      precision = x.precision - x.scale + y.scale + scale;
    } else if (op === '%') {
      scale = Math.max(x.scale, y.scale);
      precision = Math.min(x.precision - x.scale, y.precision - y.scale) + scale;
    } else {
      scale = Math.max(x.scale, y.scale);
      precision = Math.max(x.precision - x.scale, y.precision - y.scale) + scale + 1;
    }
    if (precision > 38) {
      scale = Math.max(Math.min(scale, 6), scale - (precision - 38));
      precision = 38;
    }
    return T.decimal(precision, scale, nullable);
  }
  const wider = INTEGER_RANK[a.kind]! >= INTEGER_RANK[b.kind]! ? a.kind : b.kind;
  return { kind: wider as SimpleTypeKind, nullable };
}

/** The common type of two values that meet (CASE branches, UNION columns, IN lists), or undefined. */
export function commonType(a: SqlType, b: SqlType): SqlType | undefined {
  const nullable = a.nullable || b.nullable;
  if (isNull(a)) return withNullable(b, true);
  if (isNull(b)) return withNullable(a, true);
  if (isNumeric(a) && isNumeric(b)) {
    if (isApproximate(a) || isApproximate(b)) return T.double(nullable);
    if (a.kind === 'DECIMAL' || b.kind === 'DECIMAL') {
      const x = asDecimal(a);
      const y = asDecimal(b);
      const scale = Math.max(x.scale, y.scale);
      return T.decimal(
        Math.min(38, Math.max(x.precision - x.scale, y.precision - y.scale) + scale),
        scale,
        nullable,
      );
    }
    return arithmeticType('+', a, b);
  }
  if (isString(a) && isString(b)) {
    if (a.kind === 'VARCHAR' && b.kind === 'VARCHAR')
      return { kind: 'VARCHAR', length: Math.max(a.length, b.length), nullable };
    return T.string(nullable);
  }
  if (isTimestamp(a) && isTimestamp(b) && a.kind === b.kind) {
    return { kind: a.kind, precision: Math.max(a.precision, b.precision), nullable };
  }
  if (a.kind === b.kind && a.kind !== 'ROW') return withNullable(materialize(a), nullable);
  if (a.kind === 'ROW' && b.kind === 'ROW' && typeToString(materialize(a)) === typeToString(materialize(b)))
    return a;
  return undefined;
}

/** Whether values of `from` can be compared with values of `to` (=, <, BETWEEN, IN). */
export function comparable(a: SqlType, b: SqlType): boolean {
  return commonType(a, b) !== undefined;
}

/** Whether a query column of type `from` may be written into a table column of type `to` (INSERT). */
export function assignable(from: SqlType, to: SqlType): boolean {
  if (isNull(from)) return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (isString(from) && isString(to)) return true;
  if (isTimestamp(from) && isTimestamp(to)) return true;
  if (from.kind === 'ROW' && to.kind === 'ROW') {
    return (
      from.fields.length === to.fields.length &&
      from.fields.every((f, i) => assignable(f.type, to.fields[i]!.type))
    );
  }
  return from.kind === to.kind;
}

/** Which kinds a CAST may convert between (Flink allows most; these are what weir implements). */
export function castable(from: SqlType, to: SqlType): boolean {
  if (isNull(from) || from.kind === to.kind) return true;
  const scalar = (t: SqlType) => isNumeric(t) || isString(t) || t.kind === 'BOOLEAN';
  if (scalar(from) && scalar(to)) return true;
  if (
    (isTimestamp(from) || from.kind === 'DATE') &&
    (isString(to) || isTimestamp(to) || to.kind === 'DATE' || to.kind === 'BIGINT')
  )
    return true;
  if (isString(from) && (isTimestamp(to) || to.kind === 'DATE')) return true;
  if (isInteger(from) && isTimestamp(to)) return true;
  return false;
}
