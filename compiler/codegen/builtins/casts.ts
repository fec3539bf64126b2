// Casts (Flink's CAST: invalid input is an error, not NULL) and the text forms of numbers.
import { ROUND } from './numbers';
import { parseDate, parseTimestamp } from './timestamp-parse';

/** Throws the error of a CAST that cannot convert `value`. */
export function castError(value: unknown, type: string): never {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  throw new Error(`Cannot cast ${shown} to ${type}: invalid value`);
}

const INTEGER_TEXT = /^[+-]?\d+(\.\d*)?$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_DOUBLES = new Set(['NaN', 'Infinity', '+Infinity', '-Infinity']);

/** A string as an integer of `type` in [min, max]; a fraction is truncated (as Flink). */
export function stringToInteger(s: string, type: string, min: number, max: number): number {
  const t = s.trim();
  if (!INTEGER_TEXT.test(t)) castError(s, type);
  const v = Math.trunc(Number(t)) + 0;
  if (v < min || v > max) castError(s, type);
  return v;
}

/** A string as a DOUBLE or FLOAT (NaN and Infinity accepted, as Java's Double.parseDouble). */
export function stringToDouble(s: string, type: string): number {
  const t = s.trim();
  if (!DECIMAL_TEXT.test(t) && !SPECIAL_DOUBLES.has(t)) castError(s, type);
  return Number(t);
}

/** A string as a DECIMAL rounded to `scale`. */
export function stringToDecimal(s: string, type: string, scale: number): number {
  const t = s.trim();
  if (!DECIMAL_TEXT.test(t)) castError(s, type);
  return ROUND(Number(t), scale);
}

const TRUE_TEXT = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_TEXT = new Set(['false', 'f', 'no', 'n', '0']);

export function stringToBoolean(s: string): boolean {
  const t = s.trim().toLowerCase();
  if (TRUE_TEXT.has(t)) return true;
  if (FALSE_TEXT.has(t)) return false;
  return castError(s, 'BOOLEAN');
}

export function stringToTimestamp(s: string, type: string): number {
  const v = parseTimestamp(s);
  return Number.isNaN(v) ? castError(s, type) : v;
}

export function stringToDate(s: string): number {
  const v = parseDate(s);
  return Number.isNaN(v) ? castError(s, 'DATE') : v;
}

/** Java's Double.toString: 1.0, 0.001, 1.0E7, 1.0E-4, NaN, Infinity. */
export function doubleToString(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : mantissa + '.0'}E${exponent[0] === '+' ? exponent.slice(1) : exponent}`;
}

/** A DECIMAL with exactly `scale` fraction digits, as Flink prints it. */
export const decimalToString = (x: number, scale: number): string => x.toFixed(scale);

/** CAST to VARCHAR(n) keeps the first n characters. */
export const truncate = (s: string, n: number): string => (s.length > n ? s.slice(0, n) : s);

/** Drops the digits below `precision` (0–2) of an epoch-millisecond timestamp. */
export function truncateTimestamp(ms: number, precision: number): number {
  const unit = 10 ** (3 - precision);
  return ms - (((ms % unit) + unit) % unit);
}
