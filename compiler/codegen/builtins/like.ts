// SQL LIKE: patterns planned as plain string tests where possible, else anchored RegExps cached per pattern.
import { cached } from './cache';

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
