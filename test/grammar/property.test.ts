// Property test: any text at all — token soup or mutated Nexmark scripts — parses and compiles without throwing,
// with diagnostics whose spans lie inside the text and agree with their line and column, and no internal errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScript } from '../../compiler/index';
import { type Diagnostic, type Span, KEYWORDS, formatDiagnostic, parse } from '../../grammar/index';

const SEED = 20240611;
/** Runs with the fixed seed; with the random-seeded runs below, 10,000 inputs in all. */
const SOUP_RUNS = 5000;
const MUTATION_RUNS = 4000;
const RANDOM_RUNS = 1000;

const NEXMARK_DIR = join(import.meta.dirname, '../../queries/nexmark');
const NEXMARK = readdirSync(NEXMARK_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .map((f) => readFileSync(join(NEXMARK_DIR, f), 'utf8'));

// ───────────────────────────── checks ─────────────────────────────

/** The 1-based line and column of `offset`, lines being separated by '\n' (as formatDiagnostic reads them). */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

function spanProblems(text: string, what: string, span: Span): string[] {
  const { start, end, line, column } = span;
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= text.length))
    return [`${what}: span ${start}..${end} is outside 0..${text.length}`];
  const at = position(text, start);
  if (at.line !== line || at.column !== column)
    return [
      `${what}: span at offset ${start} says ${line}:${column}, but the offset is at ${at.line}:${at.column}`,
    ];
  return [];
}

function diagnosticProblems(text: string, source: string, diagnostics: readonly Diagnostic[]): string[] {
  const out: string[] = [];
  for (const d of diagnostics) {
    const what = `${source} diagnostic "${d.message}"`;
    if (d.code === 'internal') out.push(`${what} is an internal error (a compiler bug)`);
    if (!d.message) out.push(`${source} diagnostic with code ${d.code} has no message`);
    out.push(...spanProblems(text, what, d.span));
    if (out.length === 0) formatDiagnostic('q.sql', text, d);
  }
  return out;
}

/** Everything wrong with how weir handles `text`; empty when all is well. Throwing is a failure too. */
function problems(text: string): string[] {
  const parsed = parse(text);
  const out = diagnosticProblems(text, 'parse', parsed.diagnostics);
  for (const s of parsed.statements) out.push(...spanProblems(text, `statement '${s.text}'`, s.span));
  const compiled = compileScript(text, { scriptName: 'prop' });
  out.push(...diagnosticProblems(text, 'compile', compiled.diagnostics));
  return out;
}

const holds = (text: string): void => {
  const found = problems(text);
  if (found.length > 0) throw new Error(`${found.join('\n')}\n--- input ---\n${text}`);
};

// ───────────────────────────── (a) token soup ─────────────────────────────

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$]{0,8}$/);
const number = fc.oneof(
  fc.nat().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => String(Math.abs(n))),
  fc.constantFrom('1e10', '.5', '3.', '1E-3', '007', '99999999999999999999'),
);
const stringBody = fc.string({ maxLength: 12 }).map((s) => s.replace(/'/g, "''"));
const string = fc.oneof(
  stringBody.map((s) => `'${s}'`),
  stringBody.map((s) => `'${s}`), // unterminated
  fc.constantFrom("'10'", "'2020-01-01 00:00:00'", "'connector'", "'datagen'", "''", "'it''s'"),
);
const quoted = fc.oneof(
  fc.string({ maxLength: 8 }).map((s) => `\`${s.replace(/`/g, '``')}\``),
  fc.string({ maxLength: 8 }).map((s) => `\`${s.replace(/`/g, '')}`), // unterminated
);
const operator = fc.constantFrom(
  '=',
  '<>',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  ',',
  '.',
  ';',
  '(',
  ')',
  '<',
  '>',
  '!',
  '|',
  '"',
  '?',
  '@',
  '#',
  '[',
  ']',
  '{',
  '}',
  '\\',
  '^',
  '~',
  ':',
  '$',
  '&',
);
const comment = fc.oneof(
  fc.string({ maxLength: 10 }).map((s) => `-- ${s.replace(/[\n\r]/g, ' ')}\n`),
  fc.string({ maxLength: 10 }).map((s) => `/* ${s.replace(/\*\//g, '')} */`),
  fc.string({ maxLength: 10 }).map((s) => `/* ${s.replace(/\*\//g, '')}`), // unterminated
);
const keyword = fc.constantFrom(...KEYWORDS).chain((k) => fc.constantFrom(k, k.toLowerCase()));
const word = fc.oneof(
  { weight: 6, arbitrary: keyword },
  { weight: 3, arbitrary: identifier },
  { weight: 2, arbitrary: number },
  { weight: 2, arbitrary: string },
  { weight: 1, arbitrary: quoted },
  { weight: 4, arbitrary: operator },
  { weight: 1, arbitrary: comment },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) }, // any characters at all, unicode included
);
const separator = fc.constantFrom(' ', ' ', ' ', '', '\n', '\t', '\r\n', '\r', '  ');
const soup = fc.array(fc.tuple(word, separator), { maxLength: 40 }).map((parts) => parts.flat().join(''));

/** A table to refer to, so that soup that parses also reaches the analyzer. */
const PRELUDE = [
  '',
  "CREATE TABLE t (a BIGINT, b STRING, r ROW<x INT, y STRING>, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');\n",
  "CREATE TABLE t (a BIGINT, b STRING) WITH ('connector' = 'datagen');\nCREATE TABLE s (a BIGINT, b STRING) WITH ('connector' = 'blackhole');\nINSERT INTO s ",
  "CREATE TABLE t (a BIGINT, b STRING) WITH ('connector' = 'datagen');\nSELECT ",
];
const soupScript = fc.tuple(fc.constantFrom(...PRELUDE), soup).map(([prelude, s]) => prelude + s);

// ───────────────────────────── (b) mutated Nexmark scripts ─────────────────────────────

const TOKEN = /[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d+)?|'(?:[^']|'')*'|`(?:[^`]|``)*`|--[^\n]*|\s+|[\s\S]/g;
const tokensOf = (text: string): string[] => text.match(TOKEN) ?? [];
const INSERTED = [
  ...KEYWORDS,
  ',',
  '(',
  ')',
  ';',
  "'",
  '`',
  '/*',
  '*/',
  '--',
  '.',
  '*',
  '=',
  '<',
  '>',
  '||',
  '-',
  '\n',
  ' ',
  'x',
  '0',
  "'1'",
  'NULL',
  'DESCRIPTOR(x)',
  'COUNT(*)',
  'TABLE',
  'window_start',
  'bid',
  'auction',
  'price',
];

type Mutation = (text: string, at: number, other: number, inserted: string) => string;
const pick = (n: number, length: number) => (length === 0 ? 0 : n % length);
const onTokens =
  (f: (tokens: string[], i: number, j: number, inserted: string) => void): Mutation =>
  (text, at, other, inserted) => {
    const tokens = tokensOf(text);
    f(tokens, pick(at, tokens.length), pick(other, tokens.length), inserted);
    return tokens.join('');
  };
const MUTATIONS: Mutation[] = [
  // characters
  (t, at) => t.slice(0, pick(at, t.length)) + t.slice(pick(at, t.length) + 1),
  (t, at, _o, ins) => t.slice(0, pick(at, t.length + 1)) + ins[0] + t.slice(pick(at, t.length + 1)),
  (t, at) => {
    const i = pick(at, Math.max(1, t.length - 1));
    return t.slice(0, i) + t.charAt(i + 1) + t.charAt(i) + t.slice(i + 2);
  },
  // tokens
  onTokens((ts, i) => void ts.splice(i, 1)),
  onTokens((ts, i, _j, ins) => void ts.splice(i, 0, ` ${ins} `)),
  onTokens((ts, i, _j, ins) => void ts.splice(i, 1, ins)),
  onTokens((ts, i) => void ts.splice(i, 0, ts[i] ?? '')),
  onTokens((ts, i, j) => {
    [ts[i], ts[j]] = [ts[j] ?? '', ts[i] ?? ''];
  }),
  // a whole slice of the script, as when a paste goes wrong
  (t, at, other) =>
    t.slice(0, pick(Math.min(at, other), t.length)) + t.slice(pick(Math.max(at, other), t.length)),
];

const mutation = fc.tuple(
  fc.nat({ max: MUTATIONS.length - 1 }),
  fc.nat(),
  fc.nat(),
  fc.constantFrom(...INSERTED),
);
const mutatedScript = fc
  .tuple(fc.constantFrom(...NEXMARK), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([text, ms]) => ms.reduce((t, [m, at, other, ins]) => MUTATIONS[m]!(t, at, other, ins), text));

// ───────────────────────────── properties ─────────────────────────────

describe('parse and compileScript on arbitrary input', () => {
  it('reads the Nexmark queries', () => {
    expect(NEXMARK.length).toBeGreaterThanOrEqual(20);
    for (const text of NEXMARK) expect(problems(text)).toEqual([]);
  });

  it('handles token soup', () => {
    fc.assert(fc.property(soupScript, holds), { numRuns: SOUP_RUNS, seed: SEED });
  });

  it('handles mutated Nexmark scripts', () => {
    fc.assert(fc.property(mutatedScript, holds), { numRuns: MUTATION_RUNS, seed: SEED });
  });

  it('handles both with a random seed', () => {
    fc.assert(fc.property(fc.oneof(soupScript, mutatedScript), holds), { numRuns: RANDOM_RUNS });
  });

  it('handles known tricky inputs', () => {
    for (const text of [
      '',
      ';',
      ';;;',
      ' \n\t',
      '-- only a comment',
      '/*',
      "'",
      '`',
      '``',
      'SELECT',
      'SELECT *',
      'SELECT * FROM',
      'CREATE TABLE',
      'CREATE TABLE t (',
      'INSERT INTO t',
      'SELECT 1 FROM t WHERE',
      'SELECT a FROM t GROUP BY',
      "SELECT INTERVAL '",
      'SELECT CAST(a AS',
      'SELECT CASE WHEN',
      'SELECT \u00e9, \u{1F600} FROM t',
      'SELECT a\r\nFROM\rt',
      'EXPLAIN',
      'EXPLAIN VERBOSE SELECT * FROM TABLE(TUMBLE(TABLE t))',
      'SELECT * FROM TABLE(TUMBLE())',
      "SELECT * FROM TABLE(SESSION(TABLE t PARTITION BY (a, b), DESCRIPTOR(ts), INTERVAL '1' SECOND))",
    ]) {
      expect(problems(text), JSON.stringify(text)).toEqual([]);
    }
  });
});
