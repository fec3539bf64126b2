// Runtime helpers of the string, math and time built-ins users reach for first (Flink's semantics; NULLs handled by callers).
import { civil, cDay, cMonth, cYear, daysFromCivil, MS_PER_DAY } from './calendar';
import { dateFormatter } from './date-format';
import { regex } from './regexp';
import { timestampParser } from './timestamp-parse';

/** LPAD/RPAD: NULL for a negative length or an empty pad; a longer string is cut to `len`. */
export function LPAD(s: string, len: number, pad: string): string | null {
  if (len < 0 || pad === '') return null;
  if (len <= s.length) return s.slice(0, len);
  return pad.repeat(Math.ceil((len - s.length) / pad.length)).slice(0, len - s.length) + s;
}

export function RPAD(s: string, len: number, pad: string): string | null {
  if (len < 0 || pad === '') return null;
  if (len <= s.length) return s.slice(0, len);
  return s + pad.repeat(Math.ceil((len - s.length) / pad.length)).slice(0, len - s.length);
}

export const REPLACE = (s: string, search: string, replacement: string): string =>
  search === '' ? s : s.split(search).join(replacement);

/** LOCATE(needle, s [, from]): 1-based position of needle in s at or after `from`; 0 when absent. */
export function LOCATE(needle: string, s: string, from = 1): number {
  if (from < 1) return 0;
  return s.indexOf(needle, from - 1) + 1;
}

/** Each word (a run of letters and digits) with its first character upper case and the rest lower case. */
export function INITCAP(s: string): string {
  let out = '';
  let inWord = false;
  for (const ch of s) {
    const alnum = /[\p{L}\p{N}]/u.test(ch);
    out += alnum ? (inWord ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    inWord = alnum;
  }
  return out;
}

const globalRegexes = new Map<string, RegExp | null>();

/** Java's replacement syntax ($1, \$) is JavaScript's but for the escaped dollar. */
export function REGEXP_REPLACE(s: string, pattern: string, replacement: string): string | null {
  let re = globalRegexes.get(pattern);
  if (re === undefined) {
    const r = regex(pattern);
    re = r === null ? null : new RegExp(r.source, `${r.flags}g`);
    if (globalRegexes.size > 256) globalRegexes.clear();
    globalRegexes.set(pattern, re);
  }
  if (re === null) return null;
  return s.replace(re, replacement.replace(/\\\$/g, '$$$$'));
}

/** REGEXP(s, regex): whether some part of s matches. */
export function REGEXP(s: string, pattern: string): boolean | null {
  const re = regex(pattern);
  return re === null ? null : re.test(s);
}

export const REPEAT = (s: string, n: number): string => (n <= 0 ? '' : s.repeat(n));
export const REVERSE = (s: string): string => [...s].reverse().join('');

/** Flink's SIGN keeps the argument's type: -1, 0 or 1. */
export const SIGN = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x);

/** UNIX_TIMESTAMP(s [, format]): seconds since the epoch of a time text in UTC; NULL when it does not parse. */
export function UNIX_TIMESTAMP(s: string, pattern = 'yyyy-MM-dd HH:mm:ss'): number | null {
  const ms = timestampParser(pattern)(s);
  return ms === null ? null : Math.floor(ms / 1000);
}

export const FROM_UNIXTIME = (seconds: number, pattern = 'yyyy-MM-dd HH:mm:ss'): string =>
  dateFormatter(pattern)(seconds * 1000);

/** TO_DATE(s [, format]): the DATE (days since the epoch) of a date text; NULL when it does not parse. */
export function TO_DATE(s: string, pattern = 'yyyy-MM-dd'): number | null {
  const ms = timestampParser(pattern)(s);
  return ms === null ? null : Math.floor(ms / MS_PER_DAY);
}

const UNIT_MS: Readonly<Record<string, number>> = {
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: MS_PER_DAY,
  WEEK: 7 * MS_PER_DAY,
};
const UNIT_MONTHS: Readonly<Record<string, number>> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

/** The units TIMESTAMPDIFF and TIMESTAMPADD take. */
export const TIME_UNITS = [...Object.keys(UNIT_MS), ...Object.keys(UNIT_MONTHS)];

function monthsOf(ms: number): { months: number; rest: number } {
  const days = Math.floor(ms / MS_PER_DAY);
  civil(days);
  return { months: cYear * 12 + (cMonth - 1), rest: (cDay - 1) * MS_PER_DAY + (ms - days * MS_PER_DAY) };
}

/** TIMESTAMPDIFF(unit, a, b): whole units from a to b, truncated toward zero (months by the calendar). */
export function TIMESTAMPDIFF(unit: string, a: number, b: number): number {
  const step = UNIT_MS[unit];
  if (step !== undefined) return Math.trunc((b - a) / step);
  const ma = monthsOf(a);
  const mb = monthsOf(b);
  let months = mb.months - ma.months;
  // A month counts once its day and time of day are reached.
  if (months > 0 && mb.rest < ma.rest) months--;
  else if (months < 0 && mb.rest > ma.rest) months++;
  return Math.trunc(months / UNIT_MONTHS[unit]!);
}

/** TIMESTAMPADD(unit, n, ts): months by the calendar, the day clamped to the month's last. */
export function TIMESTAMPADD(unit: string, n: number, ts: number): number {
  const step = UNIT_MS[unit];
  if (step !== undefined) return ts + n * step;
  const days = Math.floor(ts / MS_PER_DAY);
  const time = ts - days * MS_PER_DAY;
  civil(days);
  const total = cYear * 12 + (cMonth - 1) + n * UNIT_MONTHS[unit]!;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const last = daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - 1;
  const day = Math.min(daysFromCivil(year, month, 1) + cDay - 1, last);
  return day * MS_PER_DAY + time;
}

/** RAND(seed): a repeatable sequence per call site (a small PRNG, mulberry32), as Flink seeds one Random per call. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function UUID(): string {
  return globalThis.crypto.randomUUID();
}
