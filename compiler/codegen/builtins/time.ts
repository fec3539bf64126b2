// SQL time functions: timestamps are epoch milliseconds, fields are read in UTC.
import { cDay, cMonth, cYear, civil, epochDay, msOfDay } from './calendar';
import { dateFormatter } from './date-format';
import { parseTimestamp, timestampParser } from './timestamp-parse';

export function YEAR(ms: number): number {
  civil(epochDay(ms));
  return cYear;
}
export function MONTH(ms: number): number {
  civil(epochDay(ms));
  return cMonth;
}
export function DAYOFMONTH(ms: number): number {
  civil(epochDay(ms));
  return cDay;
}
export const HOUR = (ms: number): number => Math.floor(msOfDay(ms) / 3_600_000);
export const MINUTE = (ms: number): number => Math.floor(msOfDay(ms) / 60_000) % 60;
export const SECOND = (ms: number): number => Math.floor(msOfDay(ms) / 1000) % 60;

/** DATE_FORMAT(ts, pattern) with a Java date pattern, in UTC. */
export const DATE_FORMAT = (ms: number, pattern: string): string => dateFormatter(pattern)(ms);

/** DATE_FORMAT(s, pattern) of a string: parsed as 'yyyy-MM-dd HH:mm:ss' first; NULL if it does not parse. */
export function DATE_FORMAT_STRING(s: string, pattern: string): string | null {
  const ms = parseTimestamp(s);
  return Number.isNaN(ms) ? null : dateFormatter(pattern)(ms);
}

/** TO_TIMESTAMP(s [, pattern]): UTC epoch milliseconds, NULL for text that does not parse. */
export function TO_TIMESTAMP(s: string, pattern?: string): number | null {
  if (pattern !== undefined) return timestampParser(pattern)(s);
  const ms = parseTimestamp(s);
  return Number.isNaN(ms) ? null : ms;
}

/** TO_TIMESTAMP_LTZ(epoch, precision): epoch seconds (precision 0) or milliseconds (3). */
export function TO_TIMESTAMP_LTZ(epoch: number, precision: number): number {
  if (precision === 0) return Math.floor(epoch * 1000);
  if (precision === 3) return Math.floor(epoch);
  throw new Error(`TO_TIMESTAMP_LTZ precision must be 0 or 3, got ${precision}`);
}
