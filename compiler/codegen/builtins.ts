// Runtime helpers that generated expression code calls as `F.name(...)`: UTC calendar math, formats, LIKE, regex, casts.
// Platform-neutral: MUST NOT import Node modules (it also runs in a browser Web Worker).

/** Processing time source for PROCTIME() and CURRENT_TIMESTAMP; tests replace `builtins.clock`. */
export interface Clock {
  readonly now: () => number;
}

const MS_PER_DAY = 86_400_000;
const CACHE_LIMIT = 1024;

// ---------------------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, UTC), allocation-free.

/** Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// Scratch output of civil(): one thread, read right after the call, so no object per call.
let cYear = 1970;
let cMonth = 1;
let cDay = 1;

/** Sets cYear/cMonth/cDay from days since the epoch (Hinnant's civil_from_days). */
function civil(days: number): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  cDay = doy - Math.floor((153 * mp + 2) / 5) + 1;
  cMonth = mp < 10 ? mp + 3 : mp - 9;
  cYear = yoe + era * 400 + (cMonth <= 2 ? 1 : 0);
}

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number) => (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!);

const epochDay = (ms: number) => Math.floor(ms / MS_PER_DAY);
const msOfDay = (ms: number) => ms - epochDay(ms) * MS_PER_DAY;

function pad(n: number, width: number): string {
  const s = n < 0 ? String(-n) : String(n);
  const padded = s.length >= width ? s : '0'.repeat(width - s.length) + s;
  return n < 0 ? '-' + padded : padded;
}
const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

function validTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h < 24 && mi < 60 && s < 60;
}

// ---------------------------------------------------------------------------------------------------------
// Default timestamp text: 'yyyy-MM-dd[ HH:mm:ss[.fraction]]', hand-parsed (this runs per record on event times).

let pos = 0;

/** Reads `min`..`max` ASCII digits of `s` at `pos` (advancing it); -1 if fewer than `min`. */
function digits(s: string, end: number, min: number, max: number): number {
  let v = 0;
  let k = 0;
  while (k < max && pos < end) {
    const c = s.charCodeAt(pos) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    pos++;
    k++;
  }
  return k < min ? -1 : v;
}

function expectChar(s: string, end: number, code: number): boolean {
  if (pos < end && s.charCodeAt(pos) === code) {
    pos++;
    return true;
  }
  return false;
}

/**
 * Parses 'yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss' or 'yyyy-MM-dd HH:mm:ss.f…' (up to 9 fraction digits, kept to
 * milliseconds; 'T' also separates date and time) as UTC; NaN if the text is not such a valid timestamp.
 */
export function parseTimestamp(s: string): number {
  let end = s.length;
  pos = 0;
  while (pos < end && s.charCodeAt(pos) <= 32) pos++;
  while (end > pos && s.charCodeAt(end - 1) <= 32) end--;
  const y = digits(s, end, 4, 4);
  if (y < 0 || !expectChar(s, end, 45)) return NaN;
  const mo = digits(s, end, 1, 2);
  if (mo < 0 || !expectChar(s, end, 45)) return NaN;
  const d = digits(s, end, 1, 2);
  if (d < 0) return NaN;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  if (pos < end) {
    if (!expectChar(s, end, 32) && !expectChar(s, end, 84)) return NaN;
    h = digits(s, end, 1, 2);
    if (h < 0 || !expectChar(s, end, 58)) return NaN;
    mi = digits(s, end, 1, 2);
    if (mi < 0 || !expectChar(s, end, 58)) return NaN;
    sec = digits(s, end, 1, 2);
    if (sec < 0) return NaN;
    if (expectChar(s, end, 46)) {
      const start = pos;
      const f = digits(s, end, 1, 9);
      if (f < 0) return NaN;
      const k = pos - start;
      ms = k >= 3 ? Math.floor(f / 10 ** (k - 3)) : f * 10 ** (3 - k);
    }
  }
  if (pos !== end || !validTime(y, mo, d, h, mi, sec)) return NaN;
  return daysFromCivil(y, mo, d) * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}

/** Parses 'yyyy-MM-dd' into days since the epoch; NaN if invalid. */
export function parseDate(s: string): number {
  const ms = parseTimestamp(s);
  return Number.isNaN(ms) || ms % MS_PER_DAY !== 0 || s.trim().length > 10 ? NaN : ms / MS_PER_DAY;
}

/** Flink's rendering of a TIMESTAMP(precision): 'yyyy-MM-dd HH:mm:ss' plus `precision` fraction digits. */
export function timestampToString(ms: number, precision = 3): string {
  const days = epochDay(ms);
  civil(days);
  const t = ms - days * MS_PER_DAY;
  const s = Math.floor(t / 1000);
  let out = `${pad(cYear, 4)}-${pad2(cMonth)}-${pad2(cDay)} ${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  if (precision > 0) out += '.' + fraction(t % 1000, precision);
  return out;
}

/** Milliseconds as `n` fraction-of-second digits. */
function fraction(millis: number, n: number): string {
  const f = pad(millis, 3);
  return n <= 3 ? f.slice(0, n) : f + '0'.repeat(n - 3);
}

/** A DATE (days since the epoch) as 'yyyy-MM-dd'. */
export function dateToString(days: number): string {
  civil(days);
  return `${pad(cYear, 4)}-${pad2(cMonth)}-${pad2(cDay)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Java date patterns (SimpleDateFormat letters; S is fraction-of-second as in DateTimeFormatter and Flink).

type PatternPart = string | { readonly letter: string; readonly count: number };

const FORMAT_LETTERS = 'yMdHhmsSEaD';
const PARSE_LETTERS = 'yMdHhmsSa';
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Splits a Java date pattern into literal text and letter runs; 'quoted text' is literal, '' is a quote. */
function parsePattern(pattern: string, supported: string, fn: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        text += "'";
        i += 2;
        continue;
      }
      // Quoted text runs to the next lone quote; a doubled quote inside it is a quote.
      for (i++; ; i++) {
        if (i >= pattern.length) throw new Error(`${fn}: unterminated quote in pattern '${pattern}'`);
        if (pattern[i] !== "'") text += pattern[i];
        else if (pattern[i + 1] === "'") {
          text += "'";
          i++;
        } else break;
      }
      i++;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!supported.includes(c)) throw new Error(`${fn}: unsupported pattern letter '${c}' in '${pattern}'`);
      let j = i + 1;
      while (pattern[j] === c) j++;
      if (text) parts.push(text);
      text = '';
      parts.push({ letter: c, count: j - i });
      i = j;
    } else {
      text += c;
      i++;
    }
  }
  if (text) parts.push(text);
  return parts;
}

function formatField(letter: string, n: number, days: number, t: number): string {
  const hour = Math.floor(t / 3_600_000);
  switch (letter) {
    case 'y':
      return n === 2 ? pad2(((cYear % 100) + 100) % 100) : pad(cYear, n);
    case 'M':
      return n >= 4 ? MONTHS[cMonth - 1]! : n === 3 ? MONTHS[cMonth - 1]!.slice(0, 3) : pad(cMonth, n);
    case 'd':
      return pad(cDay, n);
    case 'D':
      return pad(days - daysFromCivil(cYear, 1, 1) + 1, n);
    case 'H':
      return pad(hour, n);
    case 'h':
      return pad(((hour + 11) % 12) + 1, n);
    case 'm':
      return pad(Math.floor(t / 60_000) % 60, n);
    case 's':
      return pad(Math.floor(t / 1000) % 60, n);
    case 'S':
      return fraction(t % 1000, n);
    case 'E': {
      const name = WEEKDAYS[(((days + 4) % 7) + 7) % 7]!;
      return n >= 4 ? name : name.slice(0, 3);
    }
    default:
      return hour < 12 ? 'AM' : 'PM';
  }
}

/** A formatter for a Java date pattern (yyyy, yy, MM, MMM, dd, D, HH, hh, mm, ss, SSS, EEE, a, 'text'), in UTC. */
function makeFormatter(pattern: string): (ms: number) => string {
  const parts = parsePattern(pattern, FORMAT_LETTERS, 'DATE_FORMAT');
  return (ms) => {
    const days = epochDay(ms);
    civil(days);
    const t = ms - days * MS_PER_DAY;
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : formatField(p.letter, p.count, days, t);
    return out;
  };
}

const formatters = new Map<string, (ms: number) => string>();
const parsers = new Map<string, (s: string) => number | null>();

function cached<V>(cache: Map<string, V>, key: string, make: (key: string) => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    v = make(key);
    cache.set(key, v);
  }
  return v;
}

/** The (cached) formatter for a pattern; throws on an unsupported pattern letter. */
export const dateFormatter = (pattern: string) => cached(formatters, pattern, makeFormatter);

/** A parser for a Java date pattern; fields missing from the pattern default to 1970-01-01 00:00:00. */
function makeParser(pattern: string): (s: string) => number | null {
  const parts = parsePattern(pattern, PARSE_LETTERS, 'TO_TIMESTAMP');
  return (s) => {
    const f = { y: 1970, M: 1, d: 1, H: 0, h: -1, m: 0, s: 0, S: 0, pm: -1 };
    pos = 0;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (typeof p === 'string') {
        if (!s.startsWith(p, pos)) return null;
        pos += p.length;
        continue;
      }
      if (p.letter === 'a') {
        const am = s.slice(pos, pos + 2).toUpperCase();
        if (am !== 'AM' && am !== 'PM') return null;
        f.pm = am === 'PM' ? 1 : 0;
        pos += 2;
        continue;
      }
      if (p.letter === 'M' && p.count >= 3) {
        const m = MONTHS.findIndex((name) => s.startsWith(p.count >= 4 ? name : name.slice(0, 3), pos));
        if (m < 0) return null;
        pos += p.count >= 4 ? MONTHS[m]!.length : 3;
        f.M = m + 1;
        continue;
      }
      const next = parts[i + 1];
      const abutting = next !== undefined && typeof next !== 'string';
      const start = pos;
      const v = digits(s, s.length, abutting ? p.count : 1, abutting ? p.count : 9);
      if (v < 0) return null;
      const read = pos - start;
      if (p.letter === 'S') f.S = read >= 3 ? Math.floor(v / 10 ** (read - 3)) : v * 10 ** (3 - read);
      else if (p.letter === 'y') f.y = p.count === 2 && read === 2 ? 2000 + v : v;
      else f[p.letter as 'M' | 'd' | 'H' | 'h' | 'm' | 's'] = v;
    }
    if (pos !== s.length) return null;
    let hour = f.H;
    if (f.h >= 0) {
      if (f.h < 1 || f.h > 12) return null;
      hour = (f.h % 12) + (f.pm === 1 ? 12 : 0);
    } else if (f.pm === 1 && hour < 12) hour += 12;
    if (!validTime(f.y, f.M, f.d, hour, f.m, f.s)) return null;
    return daysFromCivil(f.y, f.M, f.d) * MS_PER_DAY + hour * 3_600_000 + f.m * 60_000 + f.s * 1000 + f.S;
  };
}

/** The (cached) parser for a pattern; it returns null for text that does not match. */
export const timestampParser = (pattern: string) => cached(parsers, pattern, makeParser);

// ---------------------------------------------------------------------------------------------------------
// LIKE and regular expressions.

/** How a LIKE pattern is matched: a plain string test where possible, else an anchored RegExp. */
export type LikePlan =
  | { readonly kind: 'equals' | 'prefix' | 'suffix' | 'contains' | 'any'; readonly text: string }
  | { readonly kind: 'regex'; readonly regex: RegExp };

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;
const escapeRegex = (s: string) => s.replace(REGEX_SPECIAL, '\\$&');

/**
 * Plans a SQL LIKE pattern: `%` any sequence, `_` any one character, everything else literal (regex
 * metacharacters included). `escape` (one character; no default, as in Flink) makes the next `%`, `_` or
 * escape literal.
 */
export function likePlan(pattern: string, escape?: string): LikePlan {
  if (escape !== undefined && escape.length !== 1) {
    throw new Error(`LIKE escape must be a single character, got '${escape}'`);
  }
  // Tokens: '%' and '_' are wildcards, any other token is literal text.
  const tokens: string[] = [];
  let text = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === escape) {
      const n = pattern[i + 1];
      if (n !== '%' && n !== '_' && n !== escape)
        throw new Error(`Invalid escape sequence in LIKE pattern '${pattern}'`);
      text += n;
      i++;
    } else if (c === '%' || c === '_') {
      if (text) tokens.push(text);
      text = '';
      if (!(c === '%' && tokens[tokens.length - 1] === '%')) tokens.push(c);
    } else {
      text += c;
    }
  }
  if (text) tokens.push(text);
  const literal = (t: string | undefined) => t !== undefined && t !== '%' && t !== '_';
  const [a, b] = tokens;
  if (!tokens.includes('_')) {
    if (tokens.length === 0) return { kind: 'equals', text: '' };
    if (tokens.length === 1) return a === '%' ? { kind: 'any', text: '' } : { kind: 'equals', text: a! };
    if (tokens.length === 2 && literal(a)) return { kind: 'prefix', text: a! };
    if (tokens.length === 2) return { kind: 'suffix', text: b! };
    if (tokens.length === 3 && literal(b)) return { kind: 'contains', text: b! };
  }
  const source = tokens.map((t) => (t === '%' ? '.*' : t === '_' ? '.' : escapeRegex(t))).join('');
  return { kind: 'regex', regex: new RegExp(`^${source}$`, 'su') };
}

const likeCache = new Map<string, RegExp>();

function likeRegex(key: string): RegExp {
  const escape = key[0] === '1' ? key[1] : undefined;
  const plan = likePlan(key.slice(escape === undefined ? 1 : 2), escape);
  if (plan.kind === 'regex') return plan.regex;
  const text = escapeRegex(plan.text);
  const source = {
    equals: text,
    prefix: `${text}.*`,
    suffix: `.*${text}`,
    contains: `.*${text}.*`,
    any: '.*',
  }[plan.kind];
  return new RegExp(`^${source}$`, 'su');
}

/** `s LIKE pattern [ESCAPE escape]` for a pattern known only at run time (compiled once per pattern). */
export function LIKE(s: string, pattern: string, escape?: string): boolean {
  return cached(likeCache, escape === undefined ? '0' + pattern : '1' + escape + pattern, likeRegex).test(s);
}

const regexCache = new Map<string, RegExp | null>();

function makeRegex(source: string): RegExp | null {
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

/** The (cached) RegExp for a Java-style regex, or null if it does not compile. */
export const regex = (source: string): RegExp | null => cached(regexCache, source, makeRegex);

/** Group `group` of the first match of `re` in `s`; NULL when there is no match or no such group. */
export function regexpExtractWith(re: RegExp | null, s: string, group = 0): string | null {
  if (re === null) return null;
  const m = re.exec(s);
  if (m === null || group < 0 || group >= m.length) return null;
  return m[group] ?? null;
}

/** REGEXP_EXTRACT(s, regex [, group]): as Flink, NULL for no match, a missing group or an invalid regex. */
export const REGEXP_EXTRACT = (s: string, source: string, group = 0): string | null =>
  regexpExtractWith(regex(source), s, group);

// ---------------------------------------------------------------------------------------------------------
// String and number functions.

/** SPLIT_INDEX(s, sep, i): the i-th (0-based) piece of s split at each sep; NULL if there is none. */
export function SPLIT_INDEX(s: string, sep: string, index: number): string | null {
  if (index < 0 || s.length === 0) return null;
  if (sep.length === 0) return s.split(/\s/)[index] ?? null;
  let start = 0;
  for (let k = 0; k < index; k++) {
    const at = s.indexOf(sep, start);
    if (at < 0) return null;
    start = at + sep.length;
  }
  const end = s.indexOf(sep, start);
  return end < 0 ? s.slice(start) : s.slice(start, end);
}

/** SUBSTRING(s, start [, length]): 1-based; start 0 means 1, a negative start counts from the end. */
export function SUBSTRING(s: string, start: number, length?: number): string {
  if (length !== undefined && length < 0) return '';
  const n = s.length;
  let from = 0;
  if (start > 0) from = start - 1;
  else if (start < 0) from = n + start;
  if (from >= n || from < 0) return '';
  return length === undefined || n - from < length ? s.slice(from) : s.slice(from, from + length);
}

/** TRIM(s): strips leading and trailing spaces (only ' ', as Flink). */
export function TRIM(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) === 32) a++;
  while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** ROUND(x, digits): half away from zero on the decimal digits (Java's HALF_UP, as Flink). */
export function ROUND(x: number, digits = 0): number {
  if (!Number.isFinite(x)) return x;
  const abs = Math.abs(x);
  const text = String(abs);
  let r = text.includes('e') ? NaN : Number(`${Math.round(Number(`${text}e${digits}`))}e${-digits}`);
  if (Number.isNaN(r)) {
    const f = 10 ** digits;
    r = Math.round(abs * f) / f;
  }
  return (x < 0 ? -r : r) + 0;
}

// ---------------------------------------------------------------------------------------------------------
// Casts (Flink's CAST: invalid input is an error, not NULL).

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

// ---------------------------------------------------------------------------------------------------------
// Time functions (timestamps are epoch milliseconds; fields are read in UTC).

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

/** Integer `/`, `%` and MOD by zero. */
export function divisionByZero(): never {
  throw new Error('division by zero');
}

/**
 * Everything generated code reaches as `F`. `clock` is settable:
 * `builtins.clock = { now: () => 1_700_000_000_000 }` fixes PROCTIME() in a test.
 */
export const builtins = {
  clock: { now: () => Date.now() } as Clock,
  divisionByZero,
  castError,
  stringToInteger,
  stringToDouble,
  stringToDecimal,
  stringToBoolean,
  stringToTimestamp,
  stringToDate,
  doubleToString,
  decimalToString,
  timestampToString,
  dateToString,
  truncate,
  truncateTimestamp,
  dateFormatter,
  timestampParser,
  likePlan,
  LIKE,
  regex,
  regexpExtractWith,
  REGEXP_EXTRACT,
  SPLIT_INDEX,
  SUBSTRING,
  TRIM,
  ROUND,
  YEAR,
  MONTH,
  DAYOFMONTH,
  HOUR,
  MINUTE,
  SECOND,
  DATE_FORMAT,
  DATE_FORMAT_STRING,
  TO_TIMESTAMP,
  TO_TIMESTAMP_LTZ,
};

export type Builtins = typeof builtins;
