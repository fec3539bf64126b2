// Tests for compiled row expressions: operators, NULL semantics, functions, casts and the builtins they call.
import { describe, it, expect, afterEach } from 'vitest';
import fc from 'fast-check';
import { call, inputRef, literal, type Rex } from '../../compiler/rex';
import { T, type SqlType } from '../../compiler/types';
import { builtins } from '../../compiler/codegen/builtins';
import {
  compilePredicate,
  compileProjection,
  compileScalar,
  rexToSource,
} from '../../compiler/codegen/compile-rex';

const INT = T.int();
const BOOL = T.boolean();
const STR = T.string();
const DBL = T.double();
const TS = T.timestamp(3);

const I = (n: number) => literal(n, T.int(false));
const D = (n: number) => literal(n, T.double(false));
const S = (s: string) => literal(s, T.string(false));
const B = (b: boolean) => literal(b, T.boolean(false));
const NULL = literal(null, T.null());
const col = (i: number, t: SqlType = INT) => inputRef(i, t);
const fn = (op: string, args: Rex[], t: SqlType) => call(op, args, t);

/** Evaluates `rex` over one row. */
const run = (rex: Rex, row: readonly unknown[] = []) => compileScalar(rex)(row);
const ms = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, milli = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s, milli);

describe('inputs and literals', () => {
  it('reads columns and embeds literals safely', () => {
    expect(run(col(1), [1, 2])).toBe(2);
    expect(run(I(-5))).toBe(-5);
    expect(run(fn('-', [I(1), I(-5)], INT))).toBe(6);
    expect(run(S('quote " backslash \\ newline \n </script>'))).toBe(
      'quote " backslash \\ newline \n </script>',
    );
    expect(run(B(false))).toBe(false);
    expect(run(NULL)).toBeNull();
  });

  it('reads fields of ROW values and gives NULL for a NULL row', () => {
    const rowType: SqlType = {
      kind: 'ROW',
      nullable: true,
      fields: [
        { name: 'a', type: INT },
        { name: 'b', type: STR },
      ],
    };
    const b = { kind: 'fieldAccess', expr: col(0, rowType), index: 1, name: 'b', type: STR } as const;
    expect(run(b, [[1, 'x']])).toBe('x');
    expect(run(b, [null])).toBeNull();
    const inner: SqlType = { kind: 'ROW', nullable: false, fields: [{ name: 'r', type: rowType }] };
    const nested = {
      kind: 'fieldAccess',
      expr: { ...b, expr: col(0, inner), index: 0, type: rowType },
      index: 0,
      name: 'a',
      type: INT,
    } as const;
    expect(run(nested, [[[7, 'y']]])).toBe(7);
  });
});

describe('arithmetic', () => {
  it('adds, subtracts and multiplies; NULL operands give NULL', () => {
    const e = fn('+', [col(0), fn('*', [col(1), I(2)], INT)], INT);
    expect(run(e, [1, 3])).toBe(7);
    expect(run(e, [null, 3])).toBeNull();
    expect(run(e, [1, null])).toBeNull();
    expect(run(fn('-', [col(0, DBL), D(0.5)], DBL), [2])).toBe(1.5);
    expect(run(fn('+', [col(0), NULL], INT), [1])).toBeNull();
  });

  it('skips null checks when every operand is NOT NULL', () => {
    const e = fn('+', [col(0, T.int(false)), col(1, T.int(false))], T.int(false));
    expect(rexToSource(e)).toContain('return (row[0] + row[1]);');
    expect(rexToSource(e)).not.toContain('null');
    expect(rexToSource(fn('+', [col(0), I(1)], INT))).toContain('== null');
  });

  it('truncates integer division toward zero', () => {
    const div = fn('/', [col(0), col(1)], INT);
    expect(run(div, [7, 2])).toBe(3);
    expect(run(div, [-7, 2])).toBe(-3);
    expect(run(div, [7, -2])).toBe(-3);
    expect(run(div, [-1, 2])).toBe(0);
    expect(run(div, [null, 2])).toBeNull();
    expect(run(fn('/', [col(0), I(4)], INT), [9])).toBe(2);
  });

  it('divides DOUBLE and DECIMAL exactly', () => {
    expect(run(fn('/', [col(0, DBL), col(1, DBL)], DBL), [7, 2])).toBe(3.5);
    expect(run(fn('/', [col(0), col(1, T.decimal(10, 2))], T.decimal(23, 13)), [1, 4])).toBe(0.25);
    expect(run(fn('/', [col(0, DBL), col(1, DBL)], DBL), [1, 0])).toBe(Infinity);
  });

  it('throws on integer division by zero', () => {
    expect(() => run(fn('/', [col(0), col(1)], INT), [1, 0])).toThrow('division by zero');
    expect(() => run(fn('%', [col(0), col(1)], INT), [1, 0])).toThrow('division by zero');
    expect(() => run(fn('MOD', [col(0), I(0)], INT), [1])).toThrow('division by zero');
  });

  it('takes the remainder with the sign of the dividend (as Java)', () => {
    const rem = fn('%', [col(0), col(1)], INT);
    expect(run(rem, [7, 3])).toBe(1);
    expect(run(rem, [-7, 3])).toBe(-1);
    expect(run(rem, [7, -3])).toBe(1);
    expect(run(rem, [-6, 3])).toBe(0);
    expect(run(fn('MOD', [col(0), col(1)], INT), [-7, 3])).toBe(-1);
    expect(run(fn('MOD', [col(0), col(1)], INT), [null, 3])).toBeNull();
    expect(run(fn('%', [col(0, DBL), D(2)], DBL), [5.5])).toBe(1.5);
  });

  it('negates', () => {
    expect(run(fn('NEG', [col(0)], INT), [5])).toBe(-5);
    expect(run(fn('NEG', [col(0)], INT), [0])).toBe(0);
    expect(run(fn('NEG', [col(0)], INT), [null])).toBeNull();
    expect(run(fn('NEG', [I(-3)], T.int(false)))).toBe(3);
    expect(run(fn('NEG', [col(0, DBL)], DBL), [1.5])).toBe(-1.5);
  });
});

describe('comparisons', () => {
  const cmp = (op: string, a: unknown, b: unknown, t: SqlType = INT) =>
    run(fn(op, [col(0, t), col(1, t)], BOOL), [a, b]);

  it('compares numbers', () => {
    expect([
      cmp('=', 1, 1),
      cmp('<>', 1, 1),
      cmp('<', 1, 2),
      cmp('<=', 2, 2),
      cmp('>', 1, 2),
      cmp('>=', 3, 2),
    ]).toEqual([true, false, true, true, false, true]);
  });

  it('compares strings and booleans', () => {
    expect(cmp('<', 'apple', 'banana', STR)).toBe(true);
    expect(cmp('=', 'a', 'a', STR)).toBe(true);
    expect(cmp('<>', 'a', 'b', STR)).toBe(true);
    expect(cmp('<', false, true, BOOL)).toBe(true);
    expect(cmp('=', true, true, BOOL)).toBe(true);
  });

  it('gives NULL for a NULL operand', () => {
    for (const op of ['=', '<>', '<', '<=', '>', '>=']) {
      expect(cmp(op, null, 1)).toBeNull();
      expect(cmp(op, 1, null)).toBeNull();
    }
  });
});

describe('three-valued logic', () => {
  const values = [true, false, null];
  const and = fn('AND', [col(0, BOOL), col(1, BOOL)], BOOL);
  const or = fn('OR', [col(0, BOOL), col(1, BOOL)], BOOL);
  const sqlAnd = (a: boolean | null, b: boolean | null) =>
    a === false || b === false ? false : a === null || b === null ? null : true;
  const sqlOr = (a: boolean | null, b: boolean | null) =>
    a === true || b === true ? true : a === null || b === null ? null : false;

  it('follows the AND and OR truth tables', () => {
    for (const a of values) {
      for (const b of values) {
        expect(run(and, [a, b]), `${a} AND ${b}`).toBe(sqlAnd(a, b));
        expect(run(or, [a, b]), `${a} OR ${b}`).toBe(sqlOr(a, b));
      }
    }
  });

  it('handles every nullability combination of the operands', () => {
    const types = [T.boolean(false), BOOL];
    for (const ta of types) {
      for (const tb of types) {
        for (const a of ta.nullable ? values : [true, false]) {
          for (const b of tb.nullable ? values : [true, false]) {
            const row = [a, b];
            expect(run(fn('AND', [col(0, ta), col(1, tb)], BOOL), row)).toBe(sqlAnd(a, b));
            expect(run(fn('OR', [col(0, ta), col(1, tb)], BOOL), row)).toBe(sqlOr(a, b));
          }
        }
      }
    }
  });

  it('folds n-ary AND and OR', () => {
    const and3 = fn('AND', [col(0, BOOL), col(1, BOOL), col(2, BOOL)], BOOL);
    expect(run(and3, [true, true, true])).toBe(true);
    expect(run(and3, [true, null, false])).toBe(false);
    expect(run(and3, [true, null, true])).toBeNull();
    const or3 = fn('OR', [col(0, BOOL), col(1, BOOL), col(2, BOOL)], BOOL);
    expect(run(or3, [false, null, true])).toBe(true);
    expect(run(or3, [false, null, false])).toBeNull();
  });

  it('does not evaluate the right side when the left decides', () => {
    const guarded = fn(
      'AND',
      [fn('<>', [col(1), I(0)], BOOL), fn('>', [fn('/', [col(0), col(1)], INT), I(1)], BOOL)],
      BOOL,
    );
    expect(run(guarded, [10, 0])).toBe(false);
    expect(run(guarded, [10, 2])).toBe(true);
    const orGuard = fn(
      'OR',
      [fn('=', [col(1), I(0)], BOOL), fn('>', [fn('/', [col(0), col(1)], INT), I(1)], BOOL)],
      BOOL,
    );
    expect(run(orGuard, [10, 0])).toBe(true);
  });

  it('negates with NOT NULL = NULL', () => {
    const not = fn('NOT', [col(0, BOOL)], BOOL);
    expect([run(not, [true]), run(not, [false]), run(not, [null])]).toEqual([false, true, null]);
  });

  it('tests IS NULL, IS NOT NULL and the truth tests', () => {
    expect(run(fn('IS NULL', [col(0)], T.boolean(false)), [null])).toBe(true);
    expect(run(fn('IS NULL', [col(0)], T.boolean(false)), [0])).toBe(false);
    expect(run(fn('IS NOT NULL', [col(0)], T.boolean(false)), [null])).toBe(false);
    expect(run(fn('IS NOT NULL', [col(0)], T.boolean(false)), [0])).toBe(true);
    expect(run(fn('IS NULL', [fn('+', [col(0), I(1)], INT)], T.boolean(false)), [null])).toBe(true);
    expect(run(fn('IS NULL', [col(0, T.int(false))], T.boolean(false)), [1])).toBe(false);
    expect([true, false, null].map((v) => run(fn('IS TRUE', [col(0, BOOL)], BOOL), [v]))).toEqual([
      true,
      false,
      false,
    ]);
    expect([true, false, null].map((v) => run(fn('IS NOT FALSE', [col(0, BOOL)], BOOL), [v]))).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('compares with IS [NOT] DISTINCT FROM', () => {
    const nd = fn('IS NOT DISTINCT FROM', [col(0), col(1)], T.boolean(false));
    expect([
      run(nd, [null, null]),
      run(nd, [1, null]),
      run(nd, [null, 1]),
      run(nd, [1, 1]),
      run(nd, [1, 2]),
    ]).toEqual([true, false, false, true, false]);
    expect(run(fn('IS DISTINCT FROM', [col(0), col(1)], T.boolean(false)), [null, 1])).toBe(true);
  });
});

describe('CASE, IF and COALESCE', () => {
  const caseWhen = (withElse: boolean) =>
    fn(
      'CASE',
      [
        fn('>', [col(0), I(10)], BOOL),
        S('big'),
        fn('>', [col(0), I(0)], BOOL),
        S('small'),
        ...(withElse ? [S('other')] : []),
      ],
      STR,
    );

  it('picks the first true branch, else the ELSE', () => {
    expect(run(caseWhen(true), [20])).toBe('big');
    expect(run(caseWhen(true), [5])).toBe('small');
    expect(run(caseWhen(true), [-1])).toBe('other');
    expect(run(caseWhen(true), [null])).toBe('other');
  });

  it('gives NULL without an ELSE', () => {
    expect(run(caseWhen(false), [-1])).toBeNull();
    expect(run(caseWhen(false), [null])).toBeNull();
    expect(run(caseWhen(false), [5])).toBe('small');
  });

  it('evaluates only the chosen branch', () => {
    const safe = fn('CASE', [fn('=', [col(1), I(0)], BOOL), I(0), fn('/', [col(0), col(1)], INT)], INT);
    expect(run(safe, [7, 0])).toBe(0);
    expect(run(safe, [7, 2])).toBe(3);
  });

  it('folds literal conditions', () => {
    expect(run(fn('CASE', [B(false), I(1), B(true), I(2), I(3)], INT))).toBe(2);
    expect(run(fn('CASE', [NULL, I(1), I(3)], INT))).toBe(3);
  });

  it('runs IF with a NULL condition as false', () => {
    const e = fn('IF', [col(0, BOOL), S('yes'), S('no')], STR);
    expect([run(e, [true]), run(e, [false]), run(e, [null])]).toEqual(['yes', 'no', 'no']);
  });

  it('returns the first non-NULL COALESCE argument, lazily', () => {
    const e = fn('COALESCE', [col(0), col(1), I(-1)], T.int(false));
    expect(run(e, [1, 2])).toBe(1);
    expect(run(e, [null, 2])).toBe(2);
    expect(run(e, [null, null])).toBe(-1);
    expect(run(fn('COALESCE', [col(0), col(1)], INT), [null, null])).toBeNull();
    expect(run(fn('COALESCE', [NULL, col(0)], INT), [4])).toBe(4);
    expect(run(fn('COALESCE', [col(0), fn('/', [I(1), I(0)], INT)], INT), [5])).toBe(5);
    expect(run(fn('COALESCE', [col(0), col(1, T.int(false)), col(2)], INT), [null, 2, 3])).toBe(2);
  });
});

describe('IN and BETWEEN', () => {
  it('tests membership with three-valued results', () => {
    const e = fn('IN', [col(0), I(1), I(2), I(3)], BOOL);
    expect([run(e, [2]), run(e, [5]), run(e, [null])]).toEqual([true, false, null]);
    const withNull = fn('IN', [col(0), I(1), NULL], BOOL);
    expect([run(withNull, [1]), run(withNull, [5])]).toEqual([true, null]);
    const withColumn = fn('IN', [col(0), I(1), col(1)], BOOL);
    expect([
      run(withColumn, [2, 2]),
      run(withColumn, [2, 3]),
      run(withColumn, [2, null]),
      run(withColumn, [1, null]),
    ]).toEqual([true, false, null, true]);
  });

  it('uses a Set for long literal lists', () => {
    const list = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(S);
    const e = fn('IN', [col(0, STR), ...list], BOOL);
    expect(rexToSource(e)).toContain('K[0].has(');
    expect([run(e, ['e']), run(e, ['z']), run(e, [null])]).toEqual([true, false, null]);
  });

  it('negates with NOT IN', () => {
    const e = fn('NOT IN', [col(0), I(1), NULL], BOOL);
    expect([run(e, [1]), run(e, [2])]).toEqual([false, null]);
    expect(run(fn('NOT IN', [col(0), I(1), I(2)], BOOL), [3])).toBe(true);
  });

  it('tests BETWEEN inclusively, as x >= low AND x <= high', () => {
    const e = fn('BETWEEN', [col(0), col(1), col(2)], BOOL);
    expect(run(e, [1, 1, 3])).toBe(true);
    expect(run(e, [3, 1, 3])).toBe(true);
    expect(run(e, [0, 1, 3])).toBe(false);
    expect(run(e, [4, 1, 3])).toBe(false);
    expect(run(e, [null, 1, 3])).toBeNull();
    expect(run(e, [5, null, 3])).toBe(false);
    expect(run(e, [2, null, 3])).toBeNull();
    expect(run(fn('BETWEEN', [S('b'), S('a'), S('c')], BOOL))).toBe(true);
    expect(run(fn('NOT BETWEEN', [col(0), I(1), I(3)], BOOL), [5])).toBe(true);
  });
});

describe('LIKE', () => {
  const like = (s: string | null, pattern: string, escape?: string) =>
    run(fn('LIKE', [col(0, STR), S(pattern), ...(escape === undefined ? [] : [S(escape)])], BOOL), [s]);
  const dynamic = (s: string, pattern: string) =>
    run(fn('LIKE', [col(0, STR), col(1, STR)], BOOL), [s, pattern]);

  it('matches % and _', () => {
    expect(like('hello', 'h%')).toBe(true);
    expect(like('hello', '%llo')).toBe(true);
    expect(like('hello', '%ell%')).toBe(true);
    expect(like('hello', 'h_llo')).toBe(true);
    expect(like('hello', 'h_lo')).toBe(false);
    expect(like('hello', '%')).toBe(true);
    expect(like('', '%')).toBe(true);
    expect(like('', '')).toBe(true);
    expect(like('a', '')).toBe(false);
    expect(like('hello', 'hello')).toBe(true);
    expect(like('Hello', 'hello')).toBe(false);
    expect(like('hello', 'h%l%o')).toBe(true);
    expect(like('hello', '_____')).toBe(true);
    expect(like('hello', '______')).toBe(false);
    expect(like('abc', 'a%%c')).toBe(true);
    expect(like('a\nb', 'a_b')).toBe(true);
    expect(like('a\nb', 'a%')).toBe(true);
  });

  it('treats regex metacharacters in the pattern literally', () => {
    expect(like('a.c', 'a.c')).toBe(true);
    expect(like('abc', 'a.c')).toBe(false);
    expect(like('(x)+', '(x)+')).toBe(true);
    expect(like('xx', '(x)+')).toBe(false);
    expect(like('$^[ab]{2}|\\/?*', '$^[ab]{2}|\\/?*')).toBe(true);
    expect(like('price: $5.00', '%$5._0')).toBe(true);
    expect(dynamic('a.c', 'a.c')).toBe(true);
    expect(dynamic('abc', 'a.c')).toBe(false);
    expect(dynamic('x*y', '%*_')).toBe(true);
  });

  it('uses plain string tests for simple patterns', () => {
    expect(rexToSource(fn('LIKE', [col(0, STR), S('ab%')], BOOL))).toContain('.startsWith("ab")');
    expect(rexToSource(fn('LIKE', [col(0, STR), S('%ab')], BOOL))).toContain('.endsWith("ab")');
    expect(rexToSource(fn('LIKE', [col(0, STR), S('%ab%')], BOOL))).toContain('.includes("ab")');
    expect(rexToSource(fn('LIKE', [col(0, STR), S('a_b')], BOOL))).toContain('K[0].test(');
  });

  it('supports an ESCAPE character (none by default)', () => {
    expect(like('100%', '100!%', '!')).toBe(true);
    expect(like('1000', '100!%', '!')).toBe(false);
    expect(like('a_b', 'a!_b', '!')).toBe(true);
    expect(like('axb', 'a!_b', '!')).toBe(false);
    expect(like('a!b', 'a!!b', '!')).toBe(true);
    expect(like('a\\b', 'a\\b')).toBe(true);
    expect(() => like('a', 'a!x', '!')).toThrow('Invalid escape sequence');
  });

  it('gives NULL for a NULL value or pattern', () => {
    expect(like(null, '%')).toBeNull();
    expect(run(fn('LIKE', [col(0, STR), col(1, STR)], BOOL), ['a', null])).toBeNull();
    expect(run(fn('NOT LIKE', [col(0, STR), S('a%')], BOOL), ['abc'])).toBe(false);
    expect(run(fn('NOT LIKE', [col(0, STR), S('a%')], BOOL), [null])).toBeNull();
  });
});

describe('string operators and functions', () => {
  it('concatenates with || and CONCAT; NULL if any part is NULL', () => {
    const e = fn('||', [col(0, STR), col(1, STR)], STR);
    expect(run(e, ['a', 'b'])).toBe('ab');
    expect(run(e, ['a', null])).toBeNull();
    expect(run(e, [null, 'b'])).toBeNull();
    const c = fn('CONCAT', [col(0, STR), S('-'), col(1, INT), S('-'), col(2, DBL)], STR);
    expect(run(c, ['x', 1, 2])).toBe('x-1-2.0');
    expect(run(c, ['x', null, 2])).toBeNull();
    expect(run(fn('CONCAT', [col(0, STR)], STR), ['only'])).toBe('only');
  });

  it('runs LOWER, UPPER, TRIM and CHAR_LENGTH', () => {
    expect(run(fn('LOWER', [col(0, STR)], STR), ['AbC'])).toBe('abc');
    expect(run(fn('UPPER', [col(0, STR)], STR), ['AbC'])).toBe('ABC');
    expect(run(fn('UPPER', [col(0, STR)], STR), [null])).toBeNull();
    expect(run(fn('TRIM', [col(0, STR)], STR), ['  a b  '])).toBe('a b');
    expect(run(fn('TRIM', [col(0, STR)], STR), ['\ta '])).toBe('\ta');
    expect(run(fn('CHAR_LENGTH', [col(0, STR)], INT), ['hello'])).toBe(5);
    expect(run(fn('CHAR_LENGTH', [col(0, STR)], INT), [null])).toBeNull();
  });

  it('takes 1-based SUBSTRINGs', () => {
    const sub = (s: string, ...a: number[]) => run(fn('SUBSTRING', [S(s), ...a.map(I)], STR));
    expect(sub('hello', 2)).toBe('ello');
    expect(sub('hello', 2, 3)).toBe('ell');
    expect(sub('hello', 1, 100)).toBe('hello');
    expect(sub('hello', 0, 2)).toBe('he');
    expect(sub('hello', 6)).toBe('');
    expect(sub('hello', -3)).toBe('llo');
    expect(sub('hello', -3, 2)).toBe('ll');
    expect(sub('hello', -9)).toBe('');
    expect(sub('hello', 2, 0)).toBe('');
    expect(run(fn('SUBSTRING', [col(0, STR), I(1)], STR), [null])).toBeNull();
  });

  it('takes SPLIT_INDEX pieces; out of range is NULL', () => {
    const split = (s: string | null, sep: string, i: number) =>
      run(fn('SPLIT_INDEX', [col(0, STR), S(sep), I(i)], STR), [s]);
    expect(split('a,b,c', ',', 0)).toBe('a');
    expect(split('a,b,c', ',', 2)).toBe('c');
    expect(split('a,b,c', ',', 3)).toBeNull();
    expect(split('a,b,c', ',', -1)).toBeNull();
    expect(split('a,,c', ',', 1)).toBe('');
    expect(split('a::b::c', '::', 1)).toBe('b');
    expect(split('abc', ',', 0)).toBe('abc');
    expect(split('abc', ',', 1)).toBeNull();
    expect(split('', ',', 0)).toBeNull();
    expect(split(null, ',', 0)).toBeNull();
  });

  it('extracts REGEXP_EXTRACT groups; no match is NULL', () => {
    const rx = (s: string | null, re: string, ...g: number[]) =>
      run(fn('REGEXP_EXTRACT', [col(0, STR), S(re), ...g.map(I)], STR), [s]);
    expect(rx('foo123bar456', '\\d+')).toBe('123');
    expect(rx('foo123bar', '([a-z]+)(\\d+)', 0)).toBe('foo123');
    expect(rx('foo123bar', '([a-z]+)(\\d+)', 1)).toBe('foo');
    expect(rx('foo123bar', '([a-z]+)(\\d+)', 2)).toBe('123');
    expect(rx('foo123bar', '([a-z]+)(\\d+)', 3)).toBeNull();
    expect(rx('foo', '(x)?foo', 1)).toBeNull();
    expect(rx('abc', '\\d+')).toBeNull();
    expect(rx('abc', '(unclosed')).toBeNull();
    expect(rx(null, 'a')).toBeNull();
    const dyn = fn('REGEXP_EXTRACT', [col(0, STR), col(1, STR), col(2)], STR);
    expect(run(dyn, ['k=v', '(\\w)=(\\w)', 2])).toBe('v');
    expect(run(dyn, ['k=v', '(\\w)=(\\w)', null])).toBeNull();
    expect(run(dyn, ['k=v', '[', 0])).toBeNull();
  });
});

describe('numeric functions', () => {
  it('runs ABS, FLOOR and CEIL', () => {
    expect(run(fn('ABS', [col(0)], INT), [-4])).toBe(4);
    expect(run(fn('ABS', [col(0)], INT), [null])).toBeNull();
    expect(run(fn('FLOOR', [col(0, DBL)], DBL), [-1.5])).toBe(-2);
    expect(run(fn('CEIL', [col(0, DBL)], DBL), [1.2])).toBe(2);
    expect(run(fn('FLOOR', [col(0)], INT), [3])).toBe(3);
  });

  it('rounds half away from zero (HALF_UP)', () => {
    const round = (x: number, d?: number) =>
      run(fn('ROUND', [D(x), ...(d === undefined ? [] : [I(d)])], DBL));
    expect(round(2.5)).toBe(3);
    expect(round(-2.5)).toBe(-3);
    expect(round(2.4)).toBe(2);
    expect(round(-0.4)).toBe(0);
    expect(round(1.005, 2)).toBe(1.01);
    expect(round(3.14159, 3)).toBe(3.142);
    expect(round(1234.5, -2)).toBe(1200);
    expect(round(1e-7, 2)).toBe(0);
    expect(run(fn('ROUND', [col(0, DBL), I(1)], DBL), [null])).toBeNull();
  });
});

describe('CAST', () => {
  const cast = (value: unknown, from: SqlType, to: SqlType) => run(fn('CAST', [col(0, from)], to), [value]);

  it('parses strings into numbers', () => {
    expect(cast(' 42 ', STR, INT)).toBe(42);
    expect(cast('-7', STR, T.bigint())).toBe(-7);
    expect(cast('1.9', STR, INT)).toBe(1);
    expect(cast('2.5', STR, DBL)).toBe(2.5);
    expect(cast('1e3', STR, DBL)).toBe(1000);
    expect(cast('NaN', STR, DBL)).toBeNaN();
    expect(cast('1.255', STR, T.decimal(10, 2))).toBe(1.26);
    expect(cast(null, STR, INT)).toBeNull();
  });

  it('throws on invalid input, naming the value and the type', () => {
    expect(() => cast('abc', STR, INT)).toThrow("Cannot cast 'abc' to INT");
    expect(() => cast('', STR, INT)).toThrow("Cannot cast '' to INT");
    expect(() => cast('300', STR, { kind: 'TINYINT', nullable: true })).toThrow(
      "Cannot cast '300' to TINYINT",
    );
    expect(() => cast('1x', STR, DBL)).toThrow("Cannot cast '1x' to DOUBLE");
    expect(() => cast('0x10', STR, T.decimal(5, 1))).toThrow("Cannot cast '0x10' to DECIMAL(5, 1)");
    expect(() => cast('maybe', STR, BOOL)).toThrow("Cannot cast 'maybe' to BOOLEAN");
    expect(() => cast('2024-13-01', STR, TS)).toThrow("Cannot cast '2024-13-01' to TIMESTAMP(3)");
    expect(() => cast('yesterday', STR, { kind: 'DATE', nullable: true })).toThrow(
      "Cannot cast 'yesterday' to DATE",
    );
  });

  it('converts between numeric types as Java does', () => {
    expect(cast(3.9, DBL, INT)).toBe(3);
    expect(cast(-3.9, DBL, INT)).toBe(-3);
    expect(cast(-0.5, DBL, INT)).toBe(0);
    expect(cast(300, INT, { kind: 'TINYINT', nullable: true })).toBe(44);
    expect(cast(40000, INT, { kind: 'SMALLINT', nullable: true })).toBe(-25536);
    expect(cast(2 ** 31, T.bigint(), INT)).toBe(-(2 ** 31));
    expect(cast(5, INT, T.bigint())).toBe(5);
    expect(cast(1.256, DBL, T.decimal(10, 2))).toBe(1.26);
    expect(cast(7, INT, DBL)).toBe(7);
  });

  it('converts booleans', () => {
    expect(cast(true, BOOL, INT)).toBe(1);
    expect(cast(0, INT, BOOL)).toBe(false);
    expect(cast(-2, INT, BOOL)).toBe(true);
    expect(cast(' Yes', STR, BOOL)).toBe(true);
    expect(cast('f', STR, BOOL)).toBe(false);
    expect(cast(true, BOOL, STR)).toBe('TRUE');
    expect(cast(false, BOOL, STR)).toBe('FALSE');
  });

  it('renders numbers as Flink does', () => {
    expect(cast(42, INT, STR)).toBe('42');
    expect(cast(1, DBL, STR)).toBe('1.0');
    expect(cast(0.1, DBL, STR)).toBe('0.1');
    expect(cast(12345678, DBL, STR)).toBe('1.2345678E7');
    expect(cast(0.0001, DBL, STR)).toBe('1.0E-4');
    expect(cast(-0, DBL, STR)).toBe('-0.0');
    expect(cast(1.5, T.decimal(10, 2), STR)).toBe('1.50');
  });

  it('converts timestamps and dates', () => {
    const t = ms(2024, 2, 29, 13, 5, 9, 7);
    const DATE: SqlType = { kind: 'DATE', nullable: true };
    expect(cast(t, TS, STR)).toBe('2024-02-29 13:05:09.007');
    expect(cast(t, T.timestamp(0), STR)).toBe('2024-02-29 13:05:09');
    expect(cast(t, T.timestampLtz(3), STR)).toBe('2024-02-29 13:05:09.007');
    expect(cast('2024-02-29 13:05:09.007', STR, TS)).toBe(t);
    expect(cast('2024-02-29T13:05:09.007', STR, TS)).toBe(t);
    expect(cast('2024-02-29', STR, TS)).toBe(ms(2024, 2, 29));
    expect(cast(t, TS, T.timestamp(0))).toBe(ms(2024, 2, 29, 13, 5, 9));
    expect(cast(t, TS, T.bigint())).toBe(Math.floor(t / 1000));
    expect(cast(1_700_000_000, T.bigint(), T.timestampLtz(3))).toBe(1_700_000_000_000);
    expect(cast(t, TS, DATE)).toBe(Math.floor(t / 86_400_000));
    expect(cast(19782, DATE, STR)).toBe('2024-02-29');
    expect(cast('2024-02-29', STR, DATE)).toBe(19782);
    expect(cast(19782, DATE, TS)).toBe(ms(2024, 2, 29));
    expect(cast(-1, TS, STR)).toBe('1969-12-31 23:59:59.999');
  });

  it('truncates to the length of a VARCHAR', () => {
    expect(cast('abcdef', STR, { kind: 'VARCHAR', length: 3, nullable: true })).toBe('abc');
    expect(cast(12345, INT, { kind: 'VARCHAR', length: 2, nullable: true })).toBe('12');
  });

  it('casts NULL to anything and rejects casts weir does not implement', () => {
    expect(run(fn('CAST', [NULL], INT))).toBeNull();
    expect(cast(null, TS, STR)).toBeNull();
    expect(() => compileScalar(fn('CAST', [col(0, BOOL)], TS))).toThrow(
      'cannot compile CAST from BOOLEAN to TIMESTAMP(3)',
    );
  });
});

describe('time functions', () => {
  const t = ms(2024, 2, 29, 13, 5, 9, 7);

  it('formats with DATE_FORMAT patterns', () => {
    const format = (pattern: string, value: number | null = t) =>
      run(fn('DATE_FORMAT', [col(0, TS), S(pattern)], STR), [value]);
    expect(format('yyyy-MM-dd HH:mm:ss')).toBe('2024-02-29 13:05:09');
    expect(format('yyyy-MM-dd HH:mm:ss.SSS')).toBe('2024-02-29 13:05:09.007');
    expect(format('yyyyMMdd')).toBe('20240229');
    expect(format('yyyy/MM/dd')).toBe('2024/02/29');
    expect(format("yyyy-MM-dd'T'HH:mm:ss'Z'")).toBe('2024-02-29T13:05:09Z');
    expect(format("'at' HH 'o''clock'")).toBe("at 13 o'clock");
    expect(format("''yy''")).toBe("'24'");
    expect(format('d/M/yy h:mm a')).toBe('29/2/24 1:05 PM');
    expect(format('EEE, dd MMM yyyy')).toBe('Thu, 29 Feb 2024');
    expect(format('EEEE MMMM D')).toBe('Thursday February 60');
    expect(format('HH:mm', 0)).toBe('00:00');
    expect(format('yyyy-MM-dd HH:mm:ss.SSS', -1)).toBe('1969-12-31 23:59:59.999');
    expect(format('yyyy', null)).toBeNull();
    expect(() => compileScalar(fn('DATE_FORMAT', [col(0, TS), S('yyyy-QQ')], STR))).toThrow(
      "unsupported pattern letter 'Q'",
    );
  });

  it('formats with a pattern known only at run time, and string timestamps', () => {
    const dyn = fn('DATE_FORMAT', [col(0, TS), col(1, STR)], STR);
    expect(run(dyn, [t, 'HH:mm'])).toBe('13:05');
    expect(run(dyn, [t, null])).toBeNull();
    const fromString = fn('DATE_FORMAT', [col(0, STR), S('yyyy/MM/dd')], STR);
    expect(run(fromString, ['2024-02-29 13:05:09'])).toBe('2024/02/29');
    expect(run(fromString, ['not a time'])).toBeNull();
  });

  it('reads YEAR, MONTH, DAYOFMONTH, HOUR, MINUTE and SECOND in UTC', () => {
    const field = (name: string, value: number | null) => run(fn(name, [col(0, TS)], T.bigint()), [value]);
    expect(['YEAR', 'MONTH', 'DAYOFMONTH', 'HOUR', 'MINUTE', 'SECOND'].map((f) => field(f, t))).toEqual([
      2024, 2, 29, 13, 5, 9,
    ]);
    const before = ms(1969, 12, 31, 23, 59, 58);
    expect(['YEAR', 'MONTH', 'DAYOFMONTH', 'HOUR', 'MINUTE', 'SECOND'].map((f) => field(f, before))).toEqual([
      1969, 12, 31, 23, 59, 58,
    ]);
    expect(field('YEAR', null)).toBeNull();
  });

  it('parses TO_TIMESTAMP as UTC; bad input is NULL', () => {
    const parse = (s: string | null) => run(fn('TO_TIMESTAMP', [col(0, STR)], TS), [s]);
    expect(parse('2024-02-29 13:05:09')).toBe(ms(2024, 2, 29, 13, 5, 9));
    expect(parse('2024-02-29 13:05:09.007')).toBe(t);
    expect(parse('2024-02-29 13:05:09.5')).toBe(ms(2024, 2, 29, 13, 5, 9, 500));
    expect(parse('2024-02-29 13:05:09.123456')).toBe(ms(2024, 2, 29, 13, 5, 9, 123));
    expect(parse('1970-01-01 00:00:00')).toBe(0);
    expect(parse('1900-03-01 00:00:00')).toBe(ms(1900, 3, 1));
    for (const bad of [
      '2023-02-29 00:00:00',
      '2024-01-01 24:00:00',
      '2024-01-01 10:61:00',
      'garbage',
      '',
      '2024-01-01 10:00',
      '2024-01-01 10:00:00.',
    ]) {
      expect(parse(bad), bad).toBeNull();
    }
    expect(parse(null)).toBeNull();
  });

  it('parses TO_TIMESTAMP with a pattern', () => {
    const parse = (s: string, pattern: string) => run(fn('TO_TIMESTAMP', [col(0, STR), S(pattern)], TS), [s]);
    expect(parse('29/02/2024 13:05', 'dd/MM/yyyy HH:mm')).toBe(ms(2024, 2, 29, 13, 5));
    expect(parse('20240229130509', 'yyyyMMddHHmmss')).toBe(ms(2024, 2, 29, 13, 5, 9));
    expect(parse('2024-02-29 01:05:09.007 PM', 'yyyy-MM-dd hh:mm:ss.SSS a')).toBe(t);
    expect(parse('29 Feb 2024', 'dd MMM yyyy')).toBe(ms(2024, 2, 29));
    expect(parse('31/02/2024 13:05', 'dd/MM/yyyy HH:mm')).toBeNull();
    expect(parse('2024-02-29', 'dd/MM/yyyy')).toBeNull();
    expect(run(fn('TO_TIMESTAMP', [col(0, STR), col(1, STR)], TS), ['2024', 'yyyy'])).toBe(ms(2024, 1, 1));
  });

  it('converts epochs with TO_TIMESTAMP_LTZ', () => {
    expect(run(fn('TO_TIMESTAMP_LTZ', [col(0, T.bigint()), I(0)], T.timestampLtz(3)), [1_700_000_000])).toBe(
      1_700_000_000_000,
    );
    expect(
      run(fn('TO_TIMESTAMP_LTZ', [col(0, T.bigint()), I(3)], T.timestampLtz(3)), [1_700_000_000_123]),
    ).toBe(1_700_000_000_123);
    expect(() => run(fn('TO_TIMESTAMP_LTZ', [col(0, T.bigint()), I(6)], T.timestampLtz(3)), [1])).toThrow(
      'precision',
    );
  });

  describe('with an injected clock', () => {
    const saved = builtins.clock;
    afterEach(() => {
      builtins.clock = saved;
    });

    it('reads PROCTIME() and CURRENT_TIMESTAMP from builtins.clock', () => {
      let now = 1_000;
      builtins.clock = { now: () => now };
      const proctime = compileScalar(fn('PROCTIME', [], T.timestampLtz(3, false, 'proctime')));
      expect(proctime([])).toBe(1_000);
      now = 2_000;
      expect(proctime([])).toBe(2_000);
      expect(run(fn('CURRENT_TIMESTAMP', [], T.timestampLtz(3, false)))).toBe(2_000);
    });
  });

  it('agrees with Date on calendar arithmetic', () => {
    const range = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 });
    fc.assert(
      fc.property(range, (value) => {
        const text = builtins.timestampToString(value);
        expect(text).toBe(new Date(value).toISOString().replace('T', ' ').slice(0, 23));
        expect(builtins.TO_TIMESTAMP(text)).toBe(value);
        expect(builtins.YEAR(value)).toBe(new Date(value).getUTCFullYear());
        expect(builtins.DAYOFMONTH(value)).toBe(new Date(value).getUTCDate());
      }),
    );
  });
});

describe('compiled functions', () => {
  it('builds a projection of several columns with one array literal', () => {
    const project = compileProjection([
      col(1, STR),
      fn('*', [col(0), I(2)], INT),
      fn('IS NULL', [col(0)], T.boolean(false)),
      fn('UPPER', [col(1, STR)], STR),
      I(7),
    ]);
    expect(project([3, 'a'])).toEqual(['a', 6, false, 'A', 7]);
    expect(project([null, null])).toEqual([null, null, true, null, 7]);
    expect(project([1, 'x'])).not.toBe(project([1, 'x']));
    const source = project.toString();
    expect(source.match(/return/g)).toHaveLength(1);
    expect(source).toContain('return [');
    expect(source.match(/function/g)).toHaveLength(1);
    expect(source).not.toContain('=>');
    expect(compileProjection([])([1])).toEqual([]);
  });

  it('treats NULL as false in predicates', () => {
    const p = compilePredicate(fn('>', [col(0), I(1)], BOOL));
    expect([p([2]), p([0]), p([null])]).toEqual([true, false, false]);
    const q = compilePredicate(fn('AND', [col(0, BOOL), col(1, BOOL)], BOOL));
    expect([q([true, null]), q([null, false]), q([true, true])]).toEqual([false, false, true]);
    expect(compilePredicate(B(true))([])).toBe(true);
    expect(compilePredicate(NULL)([])).toBe(false);
  });

  it('rejects unknown operators and wrong arity', () => {
    expect(() => compileScalar(fn('FROBNICATE', [I(1)], INT))).toThrow('cannot compile FROBNICATE');
    expect(() => compileScalar(fn('+', [I(1)], INT))).toThrow('it takes 2 argument(s), got 1');
    expect(() => compileScalar(fn('constructor', [], INT))).toThrow('cannot compile constructor');
  });

  it('runs a 3-column arithmetic projection over 1M rows', () => {
    const project = compileProjection([
      fn('+', [col(0), col(1)], INT),
      fn('*', [col(0), col(2, DBL)], DBL),
      fn('/', [col(1), I(3)], INT),
    ]);
    const rows: unknown[][] = [];
    for (let i = 0; i < 1024; i++) rows.push([i, i % 7 === 0 ? null : i * 2, i / 4]);
    let checksum = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const out = project(rows[i & 1023]!);
      checksum += (out[0] as number | null) ?? 0;
    }
    expect(checksum).toBeGreaterThan(0);
    expect(project(rows[3]!)).toEqual([9, 2.25, 2]);
    expect(project(rows[7]!)).toEqual([null, 12.25, null]);
  });
});
