// The built-ins users reach first, evaluated as compiled SQL over a row (Flink's results, NULL handling included).
import { describe, expect, it } from 'vitest';
import { compileProjection } from '../../compiler/codegen/compile-rex';
import { builtins } from '../../compiler/codegen/builtins';
import { compileScript } from '../../compiler/index';

const TS = Date.parse('2024-03-31T10:20:30.000Z');

/** `SELECT <expr> FROM t` over one row of t (s STRING, n INT, ts TIMESTAMP(3), x DOUBLE, z STRING). */
function value(expr: string, row: unknown[] = ['Hello wORLD', 7, TS, 2.5, null]): unknown {
  const r = compileScript(
    `CREATE TABLE t (s STRING, n INT, ts TIMESTAMP(3), x DOUBLE, z STRING) WITH ('connector' = 'datagen');
     SELECT ${expr} FROM t;`,
  );
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  const s = r.statements.find((x) => x.kind === 'job');
  if (s?.kind !== 'job') throw new Error('no job');
  const calc = s.job.graph.operators.find((o) => o.spec.kind === 'calc')!;
  if (calc.spec.kind !== 'calc') throw new Error('no calc');
  return compileProjection(calc.spec.projection!)(row)[0];
}

function error(expr: string): string[] {
  const r = compileScript(
    `CREATE TABLE t (s STRING, n INT, ts TIMESTAMP(3)) WITH ('connector' = 'datagen'); SELECT ${expr} FROM t;`,
  );
  return r.diagnostics.map((d) => d.message);
}

describe('string functions', () => {
  it.each([
    ["LPAD(s, 14, '*-')", '*-*Hello wORLD'],
    ["LPAD('hi', 1, '??')", 'h'],
    ["LPAD('hi', -1, '?')", null],
    ["RPAD('hi', 5, 'ab')", 'hiaba'],
    ["RPAD('hi', 4, '')", null],
    ["REPLACE(s, 'l', 'L')", 'HeLLo wORLD'],
    ["LOCATE('o', s)", 5],
    ["LOCATE('o', s, 6)", 0],
    ["LOCATE('O', s, 6)", 8],
    ['INITCAP(s)', 'Hello World'],
    ["INITCAP('ab-cD e2F')", 'Ab-Cd E2f'],
    ["REGEXP_REPLACE(s, '[lo]+', '_')", 'He_ wORLD'],
    ["REGEXP_REPLACE('a1b22', '(\\d+)', '<$1>')", 'a<1>b<22>'],
    ["REGEXP(s, 'w[A-Z]+')", true],
    ["REGEXP(s, '^x')", false],
    ["CONCAT_WS('-', s, z, 'x')", 'Hello wORLD-x'],
    ['CONCAT_WS(z, s)', null],
    ["REPEAT('ab', 3)", 'ababab'],
    ["REPEAT('ab', -1)", ''],
    ['REVERSE(s)', 'DLROw olleH'],
    ['LPAD(z, 3, s)', null],
  ])('%s = %j', (e, want) => {
    expect(value(e)).toEqual(want);
  });
});

describe('math and conditional functions', () => {
  it.each([
    ['POWER(n, 2)', 49],
    ['SQRT(x * 10)', 5],
    ['LN(1)', 0],
    ['LOG10(1000)', 3],
    ['EXP(0)', 1],
    ['SIGN(-n)', -1],
    ['SIGN(0)', 0],
    ['NULLIF(n, 7)', null],
    ['NULLIF(n, 8)', 7],
    ['GREATEST(n, 3, 9)', 9],
    ['LEAST(n, 3, 9)', 3],
    ['GREATEST(n, NULL)', null],
  ])('%s = %j', (e, want) => {
    expect(value(e)).toEqual(want);
  });

  it('RAND(seed) repeats its sequence; RAND() and UUID() are random', () => {
    expect(value('RAND(42)')).toBe(value('RAND(42)'));
    const r = value('RAND()') as number;
    expect(r >= 0 && r < 1).toBe(true);
    expect(value('UUID()')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('time functions', () => {
  it.each([
    ['TIMESTAMPDIFF(SECOND, ts, ts + INTERVAL 90 SECOND)', 90],
    ["TIMESTAMPDIFF(DAY, TIMESTAMP '2024-01-01 12:00:00', ts)", 89],
    ["TIMESTAMPDIFF(MONTH, TIMESTAMP '2024-01-31 10:20:30', ts)", 2],
    ["TIMESTAMPDIFF(MONTH, TIMESTAMP '2024-01-31 10:20:31', ts)", 1],
    ["TIMESTAMPDIFF(YEAR, ts, TIMESTAMP '2020-03-31 10:20:30')", -4],
    ["TIMESTAMPADD(MONTH, -1, ts) = TIMESTAMP '2024-02-29 10:20:30'", true],
    ["TIMESTAMPADD(HOUR, 2, ts) = TIMESTAMP '2024-03-31 12:20:30'", true],
    ["UNIX_TIMESTAMP('2024-03-31 10:20:30')", TS / 1000],
    ["UNIX_TIMESTAMP('31/03/2024', 'dd/MM/yyyy')", Date.parse('2024-03-31T00:00:00Z') / 1000],
    ["UNIX_TIMESTAMP('nonsense')", null],
    ['FROM_UNIXTIME(0)', '1970-01-01 00:00:00'],
    ["FROM_UNIXTIME(86400, 'yyyy/MM/dd')", '1970/01/02'],
    ["TO_DATE('2024-03-31')", Date.parse('2024-03-31T00:00:00Z') / 86_400_000],
    ["TO_DATE('31.03.2024', 'dd.MM.yyyy')", Date.parse('2024-03-31T00:00:00Z') / 86_400_000],
  ])('%s = %j', (e, want) => {
    expect(value(e.replace('INTERVAL 90 SECOND', "INTERVAL '90' SECOND"))).toEqual(want);
  });

  it('CURRENT_DATE, CURRENT_TIMESTAMP, LOCALTIMESTAMP and UNIX_TIMESTAMP() read the clock', () => {
    const clock = builtins.clock;
    builtins.clock = { now: () => TS };
    try {
      expect(value('CURRENT_DATE')).toBe(Math.floor(TS / 86_400_000));
      expect(value('CURRENT_TIMESTAMP')).toBe(TS);
      expect(value('LOCALTIMESTAMP')).toBe(TS);
      expect(value('UNIX_TIMESTAMP()')).toBe(TS / 1000);
    } finally {
      builtins.clock = clock;
    }
  });

  it('says what is wrong', () => {
    expect(error('TIMESTAMPDIFF(FORTNIGHT, ts, ts)')).toEqual([
      'expected a time unit (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR)',
    ]);
    expect(error("LPAD(s, 'x', '-')")).toEqual([
      'LPAD expects an integer as argument 2, got STRING NOT NULL',
    ]);
  });
});

describe('JSON functions', () => {
  const doc = `'{"a": {"b": [1, 2, {"c": "x"}]}, "n": null, "t": true, "k y": 5}'`;
  it.each([
    [`JSON_VALUE(${doc}, '$.a.b[1]')`, '2'],
    [`JSON_VALUE(${doc}, '$.a.b[2].c')`, 'x'],
    [`JSON_VALUE(${doc}, '$.t')`, 'true'],
    [`JSON_VALUE(${doc}, '$[''k y'']')`, '5'],
    [`JSON_VALUE(${doc}, '$.a')`, null],
    [`JSON_VALUE(${doc}, '$.missing')`, null],
    [`JSON_VALUE('not json', '$.a')`, null],
    [`JSON_QUERY(${doc}, '$.a.b')`, '[1,2,{"c":"x"}]'],
    [`JSON_QUERY(${doc}, '$.a.b[0]')`, null],
    [`JSON_EXISTS(${doc}, '$.a.b[2].c')`, true],
    [`JSON_EXISTS(${doc}, '$.a.b[3]')`, false],
    [`JSON_EXISTS(${doc}, '$.n')`, true],
    [`JSON_ARRAY(1, 'a', z, TRUE)`, '[1,"a",true]'],
    [`JSON_VALUE(z, '$.a')`, null],
  ])('%s = %j', (e, want) => {
    expect(value(e)).toEqual(want);
  });
});
