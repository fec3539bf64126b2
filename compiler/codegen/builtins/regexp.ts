// Java-style regular expressions compiled once per source (invalid ones as null) and REGEXP_EXTRACT.
import { cached } from './cache';

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
