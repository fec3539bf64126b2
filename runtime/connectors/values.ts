// Rendering SQL values for people (as Flink's print connector does) and for JSON (timestamps as SQL text).
import {
  dateToString,
  decimalToString,
  doubleToString,
  timestampToString,
} from '../../compiler/codegen/builtins';
import type { SqlType } from '../../compiler/types';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Epoch milliseconds as Flink's SQL timestamp text, in UTC. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/**
 * A value as Flink's print connector shows it: the Java `toString()` of the value's external class, as
 * `Row.toString()` prints a row's fields. DATE is a LocalDate (`2024-01-01`), TIMESTAMP a LocalDateTime
 * (`2024-01-01T12:00`, seconds and fraction only when not zero), TIMESTAMP_LTZ an Instant (`2024-01-01T12:00:00Z`),
 * DECIMAL a BigDecimal with its scale (`1.50`), DOUBLE/FLOAT as Java prints them (`1.0`, `1.0E10`), a nested ROW
 * as `+I[1, x]`, NULL as `null`.
 */
export function formatValue(v: unknown, type: SqlType | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (type?.kind === 'TIMESTAMP') return localDateTimeString(v);
    if (type?.kind === 'TIMESTAMP_LTZ') return instantString(v);
    return numberText(v, type);
  }
  if (Array.isArray(v)) {
    const fields = type?.kind === 'ROW' ? type.fields : undefined;
    return `+I[${v.map((x, i) => formatValue(x, fields?.[i]?.type)).join(', ')}]`;
  }
  return String(v);
}

/**
 * A value as Flink's SQL client shows it in a result table (its CAST to STRING): DATE `2024-01-01`, TIMESTAMP and
 * TIMESTAMP_LTZ `2024-01-01 12:00:00.000` (UTC, the column's precision), DECIMAL with its scale, BOOLEAN `TRUE`,
 * a ROW `(1, x)`, NULL `<NULL>`.
 */
export function formatCell(v: unknown, type: SqlType | undefined): string {
  if (v === null || v === undefined) return '<NULL>';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (type?.kind === 'TIMESTAMP' || type?.kind === 'TIMESTAMP_LTZ')
      return timestampToString(v, type.precision);
    return numberText(v, type);
  }
  if (Array.isArray(v)) {
    const fields = type?.kind === 'ROW' ? type.fields : undefined;
    return `(${v.map((x, i) => (x === null || x === undefined ? 'NULL' : formatCell(x, fields?.[i]?.type))).join(', ')})`;
  }
  return String(v);
}

/** A number of a DATE, DECIMAL or DOUBLE column as both renderings show it (Flink's CAST to STRING agrees). */
function numberText(v: number, type: SqlType | undefined): string {
  switch (type?.kind) {
    case 'DATE':
      return dateToString(v);
    case 'DECIMAL':
      return decimalToString(v, type.scale);
    case 'DOUBLE':
    case 'FLOAT':
      return doubleToString(v);
    default:
      return String(v);
  }
}

/** Java's LocalDateTime.toString(): 'yyyy-MM-ddTHH:mm', then ':ss' and '.SSS' only when not zero. */
function localDateTimeString(ms: number): string {
  const [date, time] = timestampToString(ms, 3).split(' ') as [string, string];
  const seconds = time.slice(6, 8);
  const millis = time.slice(9);
  const tail = millis !== '000' ? `:${seconds}.${millis}` : seconds !== '00' ? `:${seconds}` : '';
  return `${javaYear(date)}T${time.slice(0, 5)}${tail}`;
}

/** Java's Instant.toString(): 'yyyy-MM-ddTHH:mm:ssZ', with '.SSS' when the millisecond is not zero. */
function instantString(ms: number): string {
  const [date, time] = timestampToString(ms, 3).split(' ') as [string, string];
  return `${javaYear(date)}T${time.endsWith('.000') ? time.slice(0, 8) : time}Z`;
}

/** java.time prints years past 9999 with a '+'. */
const javaYear = (date: string): string => (/^\d{5}/.test(date) ? `+${date}` : date);

/** A value as JSON: timestamps as SQL text (Flink's 'json.timestamp-format.standard' = 'SQL'), ROWs as objects. */
export function jsonValue(v: unknown, type: SqlType | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (type && (type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ') && typeof v === 'number')
    return formatTimestamp(v);
  if (type?.kind === 'ROW' && Array.isArray(v)) {
    const o: Record<string, unknown> = {};
    type.fields.forEach((f, i) => (o[f.name] = jsonValue(v[i], f.type)));
    return o;
  }
  return v;
}
