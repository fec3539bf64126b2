// Timestamps and dates as text, in UTC: Flink's default rendering and DATE_FORMAT's Java patterns.
import { cached } from './cache';
import { MS_PER_DAY, cDay, cMonth, cYear, civil, daysFromCivil, epochDay } from './calendar';
import { FORMAT_LETTERS, MONTHS, WEEKDAYS, parsePattern } from './date-pattern';

function pad(n: number, width: number): string {
  const s = n < 0 ? String(-n) : String(n);
  const padded = s.length >= width ? s : '0'.repeat(width - s.length) + s;
  return n < 0 ? '-' + padded : padded;
}
const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

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

/** The (cached) formatter for a pattern; throws on an unsupported pattern letter. */
export const dateFormatter = (pattern: string) => cached(formatters, pattern, makeFormatter);
