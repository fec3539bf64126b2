// Rendering SQL values for people and JSON: timestamps as 'yyyy-MM-dd HH:mm:ss.SSS', ROWs, NULL.
import type { SqlType } from '../../compiler/types';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Epoch milliseconds as Flink's SQL timestamp text, in UTC. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function formatValue(v: unknown, type: SqlType | undefined): string {
  if (v === null || v === undefined) return 'NULL';
  if (type && (type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ') && typeof v === 'number')
    return formatTimestamp(v);
  if (type?.kind === 'ROW' && Array.isArray(v))
    return `(${v.map((x, i) => formatValue(x, type.fields[i]?.type)).join(', ')})`;
  if (Array.isArray(v)) return `(${v.map((x) => formatValue(x, undefined)).join(', ')})`;
  return String(v);
}

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
