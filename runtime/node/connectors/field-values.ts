// Typed runtime values from JSON values and CSV fields (integers, decimals, dates, timestamps, rows).
import { parseDate, parseTimestamp, ROUND, truncateTimestamp } from '../../../compiler/codegen/builtins';
import type { SqlType } from '../../../compiler/types';
import { BadRecord, shown } from './bad-record';

type Converter = (v: unknown) => unknown;

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_DOUBLES = new Set(['NaN', 'Infinity', '+Infinity', '-Infinity']);
const OFFSET_SUFFIX = /(?:Z|([+-])(\d{2}):?(\d{2}))$/i;

const INTEGER_RANGE: Record<string, readonly [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [-Number.MAX_VALUE, Number.MAX_VALUE],
};

function typeName(t: SqlType): string {
  return t.kind === 'DECIMAL' ? `DECIMAL(${t.precision}, ${t.scale})` : t.kind;
}

/**
 * 'yyyy-MM-dd[ HH:mm:ss[.SSS]]', also with 'T' and a 'Z' or '+hh:mm' suffix, as UTC epoch milliseconds.
 * @example parseTimestampText('2024-03-01T12:00:00Z') // 1709294400000
 */
export function parseTimestampText(text: string): number {
  let s = text.trim();
  let offsetMs = 0;
  if (s.length > 10) {
    const m = OFFSET_SUFFIX.exec(s.slice(10));
    if (m) {
      if (m[1]) offsetMs = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000);
      s = s.slice(0, s.length - m[0].length);
    }
  }
  const ms = parseTimestamp(s);
  return ms - offsetMs;
}

/** A converter from a parsed JSON value to the runtime value of `t` (throws BadRecord on a wrong type). */
export function jsonConverter(t: SqlType, what: string): Converter {
  const base = jsonBase(t, what);
  return (v) => {
    if (v === null || v === undefined) {
      if (!t.nullable) throw new BadRecord(`${what} is missing or null but declared NOT NULL`);
      return null;
    }
    return base(v);
  };
}

function wrong(what: string, t: SqlType, v: unknown): never {
  throw new BadRecord(`${what}: expected ${typeName(t)}, got ${shown(v)}`);
}

function jsonBase(t: SqlType, what: string): Converter {
  switch (t.kind) {
    case 'BOOLEAN':
      return (v) => {
        if (typeof v === 'boolean') return v;
        if (typeof v === 'string') {
          const s = v.trim().toLowerCase();
          if (s === 'true' || s === 'false') return s === 'true';
        }
        return wrong(what, t, v);
      };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': {
      const [min, max] = INTEGER_RANGE[t.kind]!;
      return (v) => {
        const n =
          typeof v === 'number'
            ? v
            : typeof v === 'string' && INTEGER_TEXT.test(v.trim())
              ? Number(v.trim())
              : NaN;
        return Number.isInteger(n) && n >= min && n <= max ? n + 0 : wrong(what, t, v);
      };
    }
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => {
        if (typeof v === 'number') return v;
        if (typeof v === 'string') {
          const s = v.trim();
          if (DECIMAL_TEXT.test(s) || SPECIAL_DOUBLES.has(s)) return Number(s);
        }
        return wrong(what, t, v);
      };
    case 'DECIMAL':
      return (v) => {
        if (typeof v === 'number' && Number.isFinite(v)) return ROUND(v, t.scale);
        if (typeof v === 'string' && DECIMAL_TEXT.test(v.trim())) return ROUND(Number(v.trim()), t.scale);
        return wrong(what, t, v);
      };
    case 'STRING':
    case 'VARCHAR':
      return (v) => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
    case 'DATE':
      return (v) => {
        if (typeof v === 'number' && Number.isInteger(v)) return v;
        const d = typeof v === 'string' ? parseDate(v) : NaN;
        return Number.isNaN(d) ? wrong(what, t, v) : d;
      };
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const precision = t.precision;
      return (v) => {
        const ms =
          typeof v === 'number' && Number.isInteger(v)
            ? v
            : typeof v === 'string'
              ? parseTimestampText(v)
              : NaN;
        if (Number.isNaN(ms)) return wrong(what, t, v);
        return precision < 3 ? truncateTimestamp(ms, precision) : ms;
      };
    }
    case 'ROW': {
      const fields = t.fields.map((f) => ({
        name: f.name,
        conv: jsonConverter(f.type, `${what}.${f.name}`),
      }));
      return (v) => {
        if (typeof v !== 'object' || Array.isArray(v)) return wrong(what, t, v);
        const o = v as Record<string, unknown>;
        return fields.map((f) => f.conv(o[f.name]));
      };
    }
    case 'NULL':
      return () => null;
    default:
      return (v) => v;
  }
}

/** A converter from a CSV field (null: an empty unquoted field) to the runtime value of `t`. */
export function csvConverter(t: SqlType, what: string): (text: string | null) => unknown {
  const json = jsonBase(t, what);
  const fromText: (s: string) => unknown = (() => {
    switch (t.kind) {
      case 'STRING':
      case 'VARCHAR':
        return (s: string) => s;
      case 'DATE':
      case 'BOOLEAN':
      case 'TINYINT':
      case 'SMALLINT':
      case 'INT':
      case 'BIGINT':
      case 'FLOAT':
      case 'DOUBLE':
      case 'DECIMAL':
        return json;
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ': {
        const precision = t.precision;
        return (s: string) => {
          const ms = parseTimestampText(s);
          if (Number.isNaN(ms)) return wrong(what, t, s);
          return precision < 3 ? truncateTimestamp(ms, precision) : ms;
        };
      }
      case 'ROW':
        return (s: string) => {
          let v: unknown;
          try {
            v = JSON.parse(s);
          } catch {
            return wrong(what, t, s);
          }
          return v === null ? null : json(v);
        };
      default:
        return (s: string) => s;
    }
  })();
  return (text) => {
    const v = text === null ? null : fromText(text);
    if (v === null && !t.nullable) throw new BadRecord(`${what} is empty but declared NOT NULL`);
    return v;
  };
}
