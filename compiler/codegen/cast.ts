// CAST as generated code: the target type is the call's type; invalid input throws, as Flink's CAST.
import {
  type SqlType,
  castable,
  isApproximate,
  isInteger,
  isNull,
  isNumeric,
  isString,
  isTimestamp,
  materialize,
  typeToString,
  withNullable,
} from '../types';
import type { Gen } from './gen';
import { strict } from './null-logic';
import { NULL, isNullValue, type Value } from './value';

type Converter = (x: string) => string;

const show = (t: SqlType) => typeToString(withNullable(materialize(t), true));

const RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };
const WRAP: Record<string, Converter> = {
  TINYINT: (x) => `((${x} << 24) >> 24)`,
  SMALLINT: (x) => `((${x} << 16) >> 16)`,
  INT: (x) => `(${x} | 0)`,
};
const RANGE: Record<string, readonly [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [-(2 ** 63), 2 ** 63],
};
const MS_PER_DAY = 86_400_000;

export function castValue(g: Gen, v: Value, from: SqlType, to: SqlType): Value {
  if (!castable(from, to))
    throw new Error(`cannot compile CAST from ${show(from)} to ${show(to)}: not supported`);
  if (isNullValue(v) || isNull(from)) return NULL;
  const convert = converter(from, to);
  return convert === undefined ? v : strict(g, [v], ([x]) => convert(x!));
}

/** The conversion code for a CAST, or undefined when the value stays as it is. */
function converter(from: SqlType, to: SqlType): Converter | undefined {
  const name = JSON.stringify(show(to));
  if (isString(to)) {
    const str = toStringConverter(from);
    if (to.kind !== 'VARCHAR' || (from.kind === 'VARCHAR' && from.length <= to.length)) return str;
    return (x) => `F.truncate(${str ? str(x) : x}, ${to.length})`;
  }
  if (isInteger(to)) {
    if (isInteger(from)) return RANK[to.kind]! < RANK[from.kind]! ? WRAP[to.kind] : undefined;
    if (isNumeric(from)) return (x) => `(Math.trunc(${x}) + 0)`;
    if (from.kind === 'BOOLEAN') return (x) => `(${x} ? 1 : 0)`;
    if (isString(from)) {
      const [min, max] = RANGE[to.kind]!;
      return (x) => `F.stringToInteger(${x}, ${name}, ${min}, ${max})`;
    }
    if (isTimestamp(from)) return (x) => `Math.floor(${x} / 1000)`;
    return undefined; // DATE → BIGINT: days since the epoch
  }
  if (isApproximate(to) || to.kind === 'DECIMAL') {
    const scale = to.kind === 'DECIMAL' ? to.scale : undefined;
    if (from.kind === 'BOOLEAN') return (x) => `(${x} ? 1 : 0)`;
    if (isString(from)) {
      return scale === undefined
        ? (x) => `F.stringToDouble(${x}, ${name})`
        : (x) => `F.stringToDecimal(${x}, ${name}, ${scale})`;
    }
    const exact = isInteger(from) || (from.kind === 'DECIMAL' && scale !== undefined && from.scale <= scale);
    return scale === undefined || exact ? undefined : (x) => `F.ROUND(${x}, ${scale})`;
  }
  if (to.kind === 'BOOLEAN') {
    if (isNumeric(from)) return (x) => `(${x} !== 0)`;
    return isString(from) ? (x) => `F.stringToBoolean(${x})` : undefined;
  }
  if (isTimestamp(to)) {
    const base = timestampConverter(from, name);
    const fromPrecision = from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ' ? from.precision : 3;
    if (to.precision >= 3 || fromPrecision <= to.precision) return base;
    return (x) => `F.truncateTimestamp(${base ? base(x) : x}, ${to.precision})`;
  }
  if (to.kind === 'DATE') {
    if (isTimestamp(from)) return (x) => `Math.floor(${x} / ${MS_PER_DAY})`;
    if (isString(from)) return (x) => `F.stringToDate(${x})`;
    return undefined;
  }
  if (from.kind === to.kind) return undefined;
  throw new Error(`cannot compile CAST from ${show(from)} to ${show(to)}: not supported`);
}

function toStringConverter(from: SqlType): Converter | undefined {
  if (isString(from)) return undefined;
  if (isInteger(from)) return (x) => `("" + ${x})`;
  if (isApproximate(from)) return (x) => `F.doubleToString(${x})`;
  if (from.kind === 'DECIMAL') return (x) => `F.decimalToString(${x}, ${from.scale})`;
  if (from.kind === 'BOOLEAN') return (x) => `(${x} ? "TRUE" : "FALSE")`;
  if (from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') {
    return (x) => `F.timestampToString(${x}, ${from.precision})`;
  }
  if (from.kind === 'DATE') return (x) => `F.dateToString(${x})`;
  throw new Error(`cannot compile CAST from ${show(from)} to STRING: not supported`);
}

function timestampConverter(from: SqlType, name: string): Converter | undefined {
  if (from.kind === 'DATE') return (x) => `(${x} * ${MS_PER_DAY})`;
  if (isString(from)) return (x) => `F.stringToTimestamp(${x}, ${name})`;
  if (isInteger(from)) return (x) => `(${x} * 1000)`;
  return undefined;
}
