// String functions with Flink's semantics: SPLIT_INDEX, SUBSTRING and TRIM.

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
