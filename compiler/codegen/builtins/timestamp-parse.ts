// Timestamp text to UTC epoch milliseconds: the default 'yyyy-MM-dd HH:mm:ss' form and Java date patterns.
import { cached } from './cache';
import { MS_PER_DAY, daysFromCivil, validTime } from './calendar';
import { MONTHS, PARSE_LETTERS, parsePattern } from './date-pattern';

// The default form is hand-parsed (this runs per record on event times); the digit cursor `pos` is shared
// with the pattern parsers below.
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

const parsers = new Map<string, (s: string) => number | null>();

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
