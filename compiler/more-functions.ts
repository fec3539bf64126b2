// Signatures of the string, math, conditional and time built-ins users reach first (Flink's names, types and NULLs).
import type { Inference, ScalarFunction } from './functions';
import { TIME_UNITS } from './codegen/builtins/more-functions';
import {
  type SqlType,
  T,
  commonType,
  isInteger,
  isNumeric,
  isString,
  isTimestamp,
  materialize,
  typeToString,
  withNullable,
} from './types';

type Check = (t: SqlType) => boolean;
const nullable = (a: readonly SqlType[]) => a.some((t) => t.nullable);

/** A function of fixed argument kinds (the last `optional` ones may be left out). */
function f(
  name: string,
  signature: string,
  description: string,
  args: readonly (readonly [Check, string])[],
  result: (a: readonly SqlType[]) => SqlType,
  optional = 0,
): ScalarFunction {
  return {
    name,
    signature,
    description,
    infer: (a): Inference => {
      const min = args.length - optional;
      if (a.length < min || a.length > args.length)
        return {
          error: `${name} takes ${min === args.length ? min : `${min} to ${args.length}`} argument${args.length === 1 ? '' : 's'}, got ${a.length}`,
        };
      for (let i = 0; i < a.length; i++)
        if (a[i]!.kind !== 'NULL' && !args[i]![0](a[i]!))
          return { error: `${name} expects ${args[i]![1]} as argument ${i + 1}, got ${typeToString(a[i]!)}` };
      return result(a);
    },
  };
}

const STR = [isString, 'a string'] as const;
const INT = [isInteger, 'an integer'] as const;
const NUM = [isNumeric, 'a number'] as const;
const TS = [isTimestamp, 'a timestamp'] as const;
const UNIT = [isString, `a time unit (${TIME_UNITS.join(', ')})`] as const;
const str = (a: readonly SqlType[]) => T.string(nullable(a));
const dbl = (a: readonly SqlType[]) => T.double(nullable(a));

/** GREATEST/LEAST: the arguments' common type; NULL if any argument is NULL. */
function extreme(name: string, description: string): ScalarFunction {
  return {
    name,
    signature: `${name}(a, b, ...)`,
    description,
    infer: (a) => {
      if (a.length === 0) return { error: `${name} takes at least 1 argument` };
      let t: SqlType | undefined = a[0];
      for (const x of a.slice(1)) t = t && commonType(t, x);
      if (!t) return { error: `${name} arguments have no common type: ${a.map(typeToString).join(', ')}` };
      return withNullable(t, nullable(a));
    },
  };
}

export const MORE_SCALAR_FUNCTIONS: readonly ScalarFunction[] = [
  f(
    'LPAD',
    'LPAD(s, len, pad)',
    's padded on the left with pad to len characters (cut to len if longer; NULL for a negative len or an empty pad)',
    [STR, INT, STR],
    () => T.string(true),
  ),
  f(
    'RPAD',
    'RPAD(s, len, pad)',
    's padded on the right with pad to len characters (cut to len if longer)',
    [STR, INT, STR],
    () => T.string(true),
  ),
  f(
    'REPLACE',
    'REPLACE(s, search, replacement)',
    's with every occurrence of search replaced',
    [STR, STR, STR],
    str,
  ),
  f(
    'LOCATE',
    'LOCATE(needle, s [, from])',
    'the 1-based position of needle in s (at or after from), 0 if absent',
    [STR, STR, INT],
    (a) => T.int(nullable(a)),
    1,
  ),
  f(
    'INITCAP',
    'INITCAP(s)',
    'each word (letters and digits) with its first character in upper case, the rest in lower case',
    [STR],
    str,
  ),
  f(
    'REGEXP_REPLACE',
    'REGEXP_REPLACE(s, regex, replacement)',
    'every match of regex in s replaced ($1 for a group)',
    [STR, STR, STR],
    () => T.string(true),
  ),
  f('REGEXP', 'REGEXP(s, regex)', 'whether some part of s matches regex', [STR, STR], () => T.boolean(true)),
  {
    name: 'CONCAT_WS',
    signature: 'CONCAT_WS(separator, s1, s2, ...)',
    description: 'the strings joined by separator, NULL strings skipped; NULL if the separator is NULL',
    infer: (a) =>
      a.length < 1
        ? { error: 'CONCAT_WS takes at least 1 argument' }
        : a.every((t) => isString(t) || t.kind === 'NULL')
          ? T.string(a[0]!.nullable)
          : { error: `CONCAT_WS expects strings, got ${a.map(typeToString).join(', ')}` },
  },
  f('REPEAT', 'REPEAT(s, n)', 's repeated n times', [STR, INT], str),
  f('REVERSE', 'REVERSE(s)', 's with its characters in reverse order', [STR], str),
  {
    name: 'NULLIF',
    signature: 'NULLIF(a, b)',
    description: 'NULL if a equals b, else a',
    infer: (a) =>
      a.length !== 2
        ? { error: `NULLIF takes 2 arguments, got ${a.length}` }
        : commonType(a[0]!, a[1]!)
          ? withNullable(a[0]!, true)
          : {
              error: `NULLIF arguments are not comparable: ${typeToString(a[0]!)} and ${typeToString(a[1]!)}`,
            },
  },
  extreme('GREATEST', 'the largest argument; NULL if any is NULL'),
  extreme('LEAST', 'the smallest argument; NULL if any is NULL'),
  f('POWER', 'POWER(a, b)', 'a raised to the power b (DOUBLE)', [NUM, NUM], dbl),
  f('SQRT', 'SQRT(x)', 'the square root (DOUBLE)', [NUM], dbl),
  f('LN', 'LN(x)', 'the natural logarithm (DOUBLE)', [NUM], dbl),
  f('LOG10', 'LOG10(x)', 'the base-10 logarithm (DOUBLE)', [NUM], dbl),
  f('EXP', 'EXP(x)', 'e raised to the power x (DOUBLE)', [NUM], dbl),
  f('SIGN', 'SIGN(x)', "-1, 0 or 1 by the sign of x, of x's type", [NUM], (a) => a[0]!),
  f(
    'UUID',
    'UUID()',
    'a random UUID (RFC 4122 version 4); non-deterministic: a replay after a failure gives new ones',
    [],
    () => T.string(false),
  ),
  f(
    'RAND',
    'RAND([seed])',
    'a random DOUBLE in [0, 1); with a literal seed a repeatable sequence per call site (restarting with the job)',
    [INT],
    () => T.double(false),
    1,
  ),
  f(
    'UNIX_TIMESTAMP',
    "UNIX_TIMESTAMP([s [, 'yyyy-MM-dd HH:mm:ss']])",
    'seconds since the epoch: now, or of a time text (UTC); NULL when it does not parse',
    [STR, STR],
    () => T.bigint(true),
    2,
  ),
  f(
    'FROM_UNIXTIME',
    "FROM_UNIXTIME(seconds [, 'yyyy-MM-dd HH:mm:ss'])",
    'epoch seconds formatted as text (UTC)',
    [INT, STR],
    str,
    1,
  ),
  f(
    'TO_DATE',
    "TO_DATE(s [, 'yyyy-MM-dd'])",
    'a date text as a DATE; NULL when it does not parse',
    [STR, STR],
    () => ({ kind: 'DATE', nullable: true }),
    1,
  ),
  f(
    'TIMESTAMPDIFF',
    'TIMESTAMPDIFF(unit, a, b)',
    'whole units (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR) from timestamp a to b',
    [UNIT, TS, TS],
    (a) => T.int(nullable(a)),
  ),
  f(
    'TIMESTAMPADD',
    'TIMESTAMPADD(unit, n, ts)',
    'ts plus n units (months by the calendar, the day clamped to the month)',
    [UNIT, INT, TS],
    (a) => withNullable(materialize(a[2]!), nullable(a)),
  ),
  f(
    'JSON_VALUE',
    "JSON_VALUE(json, '$.path')",
    'the scalar at the JSON path, as a STRING; NULL for none, an object, an array or text that is not JSON',
    [STR, STR],
    () => T.string(true),
  ),
  f(
    'JSON_QUERY',
    "JSON_QUERY(json, '$.path')",
    'the object or array at the JSON path, as JSON text; NULL otherwise',
    [STR, STR],
    () => T.string(true),
  ),
  f(
    'JSON_EXISTS',
    "JSON_EXISTS(json, '$.path')",
    "whether the JSON path selects something (paths: $, .key, ['key'], [n], [*]; lax)",
    [STR, STR],
    (a) => T.boolean(nullable(a)),
  ),
  {
    name: 'JSON_ARRAY',
    signature: 'JSON_ARRAY(v1, v2, ...)',
    description: 'a JSON array of the values as text, NULLs left out',
    infer: () => T.string(false),
  },
  f('CURRENT_DATE', 'CURRENT_DATE', "today's date (UTC)", [], () => ({ kind: 'DATE', nullable: false })),
  f('LOCALTIMESTAMP', 'LOCALTIMESTAMP', 'the current time as a TIMESTAMP(3) (UTC)', [], () =>
    T.timestamp(3, false),
  ),
];
