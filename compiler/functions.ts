// Built-in functions: names, argument checks and result types (Flink's names and semantics).
import {
  type SqlType,
  T,
  isInteger,
  isNumeric,
  isString,
  isTimestamp,
  typeToString,
  commonType,
  withNullable,
} from './types';
import { MORE_SCALAR_FUNCTIONS } from './more-functions';

/** Result type, or a message saying what the arguments should have been. */
export type Inference = SqlType | { readonly error: string };

export interface ScalarFunction {
  readonly name: string;
  /** Shown in completion and the README: `MOD(a, b)`. */
  readonly signature: string;
  readonly description: string;
  readonly infer: (args: readonly SqlType[]) => Inference;
}

export type AggregateKind = 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG';

export interface AggregateFunction {
  readonly name: AggregateKind;
  readonly signature: string;
  readonly description: string;
  /** `args` is empty for COUNT(*). */
  readonly infer: (args: readonly SqlType[]) => Inference;
}

const anyNullable = (args: readonly SqlType[]) => args.some((a) => a.nullable);
const fail = (error: string) => ({ error });

function arity(name: string, args: readonly SqlType[], min: number, max = min): string | undefined {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === min + 1 ? `${min} or ${max}` : `${min} to ${max}`;
    return `${name} takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`;
  }
  return undefined;
}

function expect(
  name: string,
  i: number,
  t: SqlType,
  ok: (t: SqlType) => boolean,
  what: string,
): string | undefined {
  return ok(t) || t.kind === 'NULL'
    ? undefined
    : `${name} expects ${what} as argument ${i + 1}, got ${typeToString(t)}`;
}

function fn(
  name: string,
  signature: string,
  description: string,
  check: (args: readonly SqlType[]) => string | undefined,
  result: (args: readonly SqlType[]) => SqlType,
): ScalarFunction {
  return {
    name,
    signature,
    description,
    infer: (args) => {
      const problem = check(args);
      return problem ? fail(problem) : result(args);
    },
  };
}

const stringFn = (name: string, description: string): ScalarFunction =>
  fn(
    name,
    `${name}(s)`,
    description,
    (a) => arity(name, a, 1) ?? expect(name, 0, a[0]!, isString, 'a string'),
    (a) => T.string(a[0]!.nullable),
  );

const timeField = (name: string): ScalarFunction =>
  fn(
    name,
    `${name}(ts)`,
    `the ${name.toLowerCase()} of a timestamp`,
    (a) => arity(name, a, 1) ?? expect(name, 0, a[0]!, isTimestamp, 'a timestamp'),
    (a) => T.bigint(a[0]!.nullable),
  );

const numericFn = (name: string, description: string): ScalarFunction =>
  fn(
    name,
    `${name}(x)`,
    description,
    (a) => arity(name, a, 1) ?? expect(name, 0, a[0]!, isNumeric, 'a number'),
    (a) => a[0]!,
  );

export const SCALAR_FUNCTIONS: ReadonlyMap<string, ScalarFunction> = new Map(
  [
    fn(
      'MOD',
      'MOD(a, b)',
      'the remainder of a divided by b',
      (a) =>
        arity('MOD', a, 2) ??
        expect('MOD', 0, a[0]!, isInteger, 'an integer') ??
        expect('MOD', 1, a[1]!, isInteger, 'an integer'),
      (a) => withNullable(a[1]!, anyNullable(a)),
    ),
    numericFn('ABS', 'the absolute value'),
    numericFn('FLOOR', 'rounds down'),
    numericFn('CEIL', 'rounds up'),
    fn(
      'ROUND',
      'ROUND(x [, digits])',
      'rounds to the given number of decimal digits',
      (a) => arity('ROUND', a, 1, 2) ?? expect('ROUND', 0, a[0]!, isNumeric, 'a number'),
      (a) => a[0]!,
    ),
    stringFn('LOWER', 'the string in lower case'),
    stringFn('UPPER', 'the string in upper case'),
    stringFn('TRIM', 'the string without leading and trailing spaces'),
    fn(
      'CHAR_LENGTH',
      'CHAR_LENGTH(s)',
      'the number of characters',
      (a) => arity('CHAR_LENGTH', a, 1) ?? expect('CHAR_LENGTH', 0, a[0]!, isString, 'a string'),
      (a) => T.int(a[0]!.nullable),
    ),
    fn(
      'SUBSTRING',
      'SUBSTRING(s, start [, length])',
      'the substring from 1-based position start',
      (a) =>
        arity('SUBSTRING', a, 2, 3) ??
        expect('SUBSTRING', 0, a[0]!, isString, 'a string') ??
        expect('SUBSTRING', 1, a[1]!, isInteger, 'an integer'),
      (a) => T.string(anyNullable(a)),
    ),
    fn(
      'CONCAT',
      'CONCAT(s1, s2, ...)',
      'the strings joined; NULL if any is NULL',
      (a) => (a.length === 0 ? 'CONCAT takes at least 1 argument' : undefined),
      (a) => T.string(anyNullable(a)),
    ),
    fn(
      'COALESCE',
      'COALESCE(a, b, ...)',
      'the first argument that is not NULL',
      (a) => {
        if (a.length === 0) return 'COALESCE takes at least 1 argument';
        return coalesceType(a)
          ? undefined
          : `COALESCE arguments have no common type: ${a.map(typeToString).join(', ')}`;
      },
      (a) => coalesceType(a)!,
    ),
    fn(
      'IF',
      'IF(condition, a, b)',
      'a when the condition is true, else b',
      (a) =>
        arity('IF', a, 3) ??
        expect('IF', 0, a[0]!, (t) => t.kind === 'BOOLEAN', 'a BOOLEAN') ??
        (commonType(a[1]!, a[2]!)
          ? undefined
          : `IF branches have no common type: ${typeToString(a[1]!)} and ${typeToString(a[2]!)}`),
      (a) => commonType(a[1]!, a[2]!)!,
    ),
    fn(
      'DATE_FORMAT',
      "DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss')",
      'formats a timestamp with a Java SimpleDateFormat pattern',
      (a) =>
        arity('DATE_FORMAT', a, 2) ??
        expect('DATE_FORMAT', 0, a[0]!, (t) => isTimestamp(t) || isString(t), 'a timestamp') ??
        expect('DATE_FORMAT', 1, a[1]!, isString, 'a format string'),
      // A string argument that does not parse as a timestamp gives NULL.
      (a) => T.string(anyNullable(a) || isString(a[0]!)),
    ),
    fn(
      'REGEXP_EXTRACT',
      'REGEXP_EXTRACT(s, regex [, group])',
      'the given capture group of the first match, or NULL',
      (a) =>
        arity('REGEXP_EXTRACT', a, 2, 3) ??
        expect('REGEXP_EXTRACT', 0, a[0]!, isString, 'a string') ??
        expect('REGEXP_EXTRACT', 1, a[1]!, isString, 'a regular expression string'),
      () => T.string(true),
    ),
    fn(
      'SPLIT_INDEX',
      'SPLIT_INDEX(s, separator, index)',
      'the index-th (0-based) piece of s split by separator, or NULL',
      (a) =>
        arity('SPLIT_INDEX', a, 3) ??
        expect('SPLIT_INDEX', 0, a[0]!, isString, 'a string') ??
        expect('SPLIT_INDEX', 1, a[1]!, isString, 'a separator string') ??
        expect('SPLIT_INDEX', 2, a[2]!, isInteger, 'an integer'),
      () => T.string(true),
    ),
    fn(
      'TO_TIMESTAMP',
      "TO_TIMESTAMP(s [, 'yyyy-MM-dd HH:mm:ss'])",
      'parses a string into a TIMESTAMP(3)',
      (a) => arity('TO_TIMESTAMP', a, 1, 2) ?? expect('TO_TIMESTAMP', 0, a[0]!, isString, 'a string'),
      // NULL when the text does not parse.
      () => T.timestamp(3, true),
    ),
    fn(
      'TO_TIMESTAMP_LTZ',
      'TO_TIMESTAMP_LTZ(epoch, precision)',
      'epoch seconds (precision 0) or milliseconds (3) as TIMESTAMP_LTZ(3)',
      (a) => arity('TO_TIMESTAMP_LTZ', a, 2) ?? expect('TO_TIMESTAMP_LTZ', 0, a[0]!, isNumeric, 'a number'),
      (a) => T.timestampLtz(3, a[0]!.nullable),
    ),
    timeField('YEAR'),
    timeField('MONTH'),
    timeField('DAYOFMONTH'),
    timeField('HOUR'),
    timeField('MINUTE'),
    timeField('SECOND'),
    fn(
      'PROCTIME',
      'PROCTIME()',
      'the processing time: a processing-time attribute for windows',
      (a) => arity('PROCTIME', a, 0),
      () => T.timestampLtz(3, false, 'proctime'),
    ),
    fn(
      'CURRENT_TIMESTAMP',
      'CURRENT_TIMESTAMP',
      'the current time',
      (a) => arity('CURRENT_TIMESTAMP', a, 0),
      () => T.timestampLtz(3, false),
    ),
    ...MORE_SCALAR_FUNCTIONS,
  ].map((f) => [f.name, f]),
);

function coalesceType(args: readonly SqlType[]): SqlType | undefined {
  let t: SqlType | undefined = args[0];
  for (const a of args.slice(1)) t = t && commonType(t, a);
  return (
    t &&
    withNullable(
      t,
      args.every((a) => a.nullable),
    )
  );
}

const sumType = (t: SqlType): SqlType =>
  t.kind === 'DECIMAL' ? T.decimal(38, t.scale) : withNullable(t, true);

export const AGGREGATE_FUNCTIONS: ReadonlyMap<string, AggregateFunction> = new Map<string, AggregateFunction>(
  (<AggregateFunction[]>[
    {
      name: 'COUNT',
      signature: 'COUNT(*) | COUNT([DISTINCT] x)',
      description: 'the number of rows, or of non-NULL values',
      infer: (a) => (a.length > 1 ? fail('COUNT takes 1 argument or *') : T.bigint(false)),
    },
    {
      name: 'SUM',
      signature: 'SUM([DISTINCT] x)',
      description: 'the sum of the non-NULL values',
      infer: (a) => arityFail('SUM', a) ?? numericArg('SUM', a[0]!) ?? sumType(a[0]!),
    },
    {
      name: 'MIN',
      signature: 'MIN(x)',
      description: 'the smallest value',
      infer: (a) => arityFail('MIN', a) ?? orderableArg('MIN', a[0]!) ?? withNullable(a[0]!, true),
    },
    {
      name: 'MAX',
      signature: 'MAX(x)',
      description: 'the largest value',
      infer: (a) => arityFail('MAX', a) ?? orderableArg('MAX', a[0]!) ?? withNullable(a[0]!, true),
    },
    {
      name: 'AVG',
      signature: 'AVG(x)',
      description: "the average (of the argument's type, as in Flink: AVG of BIGINT is a BIGINT)",
      infer: (a) => arityFail('AVG', a) ?? numericArg('AVG', a[0]!) ?? withNullable(a[0]!, true),
    },
  ]).map((f) => [f.name, f]),
);

function arityFail(name: string, a: readonly SqlType[]) {
  const m = arity(name, a, 1);
  return m ? fail(m) : undefined;
}
function numericArg(name: string, t: SqlType) {
  return isNumeric(t) || t.kind === 'NULL'
    ? undefined
    : fail(`${name} expects a number, got ${typeToString(t)}`);
}
function orderableArg(name: string, t: SqlType) {
  return t.kind === 'ROW' || t.kind === 'BOOLEAN'
    ? fail(`${name} expects a comparable value, got ${typeToString(t)}`)
    : undefined;
}

/** Functions weir knows of but does not run, with the reason shown in `not supported: …`. */
/** A window function used with OVER: shown in completion, hover and the README. */
export interface WindowFunction {
  readonly name: string;
  readonly signature: string;
  readonly description: string;
}

/** Ranking functions: only ROW_NUMBER runs on a stream (RANK and DENSE_RANK are rejected there, as in Flink). */
export const RANKING_FUNCTIONS: ReadonlyMap<string, WindowFunction> = new Map(
  [
    {
      name: 'ROW_NUMBER',
      signature: 'ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)',
      description:
        "the row's position in its partition; filtered with rn <= N in an enclosing query: Top-N, or deduplication when ordered by a time attribute",
    },
    {
      name: 'RANK',
      signature: 'RANK() OVER (PARTITION BY … ORDER BY …)',
      description: 'the rank with gaps after ties (batch only in Flink: rejected on streams; use ROW_NUMBER)',
    },
    {
      name: 'DENSE_RANK',
      signature: 'DENSE_RANK() OVER (PARTITION BY … ORDER BY …)',
      description: 'the rank without gaps (batch only in Flink: rejected on streams; use ROW_NUMBER)',
    },
  ].map((f) => [f.name, f]),
);

export const UNSUPPORTED_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['LAG', 'LAG() OVER'],
  ['LEAD', 'LEAD() OVER'],
  [
    'TUMBLE',
    'group window function TUMBLE(...) in GROUP BY; use the window table function TABLE(TUMBLE(TABLE t, DESCRIPTOR(col), size))',
  ],
  [
    'HOP',
    'group window function HOP(...) in GROUP BY; use the window table function TABLE(HOP(TABLE t, DESCRIPTOR(col), slide, size))',
  ],
  [
    'SESSION',
    'group window function SESSION(...) in GROUP BY; use the window table function TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(col), gap))',
  ],
  [
    'TUMBLE_START',
    'group window auxiliary function TUMBLE_START; use window_start from the window table function',
  ],
  ['TUMBLE_END', 'group window auxiliary function TUMBLE_END; use window_end from the window table function'],
  ['HOP_START', 'group window auxiliary function HOP_START; use window_start'],
  ['HOP_END', 'group window auxiliary function HOP_END; use window_end'],
  ['SESSION_START', 'group window auxiliary function SESSION_START; use window_start'],
  ['SESSION_END', 'group window auxiliary function SESSION_END; use window_end'],
  ['COLLECT', 'aggregate function COLLECT'],
  ['LISTAGG', 'aggregate function LISTAGG'],
]);
