// The JavaScript UDF contract: each kind's default export is recognized, and what is wrong is said in words.
import { describe, expect, it } from 'vitest';
import { checkUdfModule } from '../../compiler/udf/contract';
import { T } from '../../compiler/types';

const check = (d: unknown) => checkUdfModule({ default: d });

describe('checkUdfModule', () => {
  it('recognizes a scalar, an async scalar, an aggregate and a table function', () => {
    expect(check({ returns: 'BIGINT', params: ['STRING'], eval: (s: string) => s.length })).toMatchObject({
      kind: 'scalar',
      returns: T.bigint(true),
      params: [T.string(true)],
      async: false,
    });
    expect(check({ returns: 'STRING', eval: async (s: string) => s })).toMatchObject({
      kind: 'scalar',
      async: true,
    });
    expect(
      check({
        kind: 'aggregate',
        returns: 'DOUBLE',
        createAccumulator: () => ({ n: 0 }),
        accumulate: () => {},
        retract: () => {},
        getValue: () => 0,
      }),
    ).toMatchObject({ kind: 'aggregate', retract: true, merge: false });
    expect(
      check({
        kind: 'table',
        returns: 'ROW<word STRING, n INT>',
        *eval() {
          yield { word: 'a', n: 1 };
        },
      }),
    ).toMatchObject({ kind: 'table', returns: { kind: 'ROW' } });
  });

  it('says what is wrong', () => {
    expect(checkUdfModule({})).toEqual({
      error:
        "the module has no default export object; expected e.g. export default { returns: 'BIGINT', eval(s) { … } }",
    });
    expect(check({ eval: () => 1 })).toEqual({
      error: "the default export has no 'returns' type string (e.g. returns: 'BIGINT')",
    });
    expect(check({ returns: 'BIGNUM', eval: () => 1 })).toEqual({
      error: "returns: 'BIGNUM' is not a SQL type",
    });
    expect(check({ kind: 'window', returns: 'INT' })).toEqual({
      error: `kind must be 'scalar', 'aggregate' or 'table', got "window"`,
    });
    expect(check({ kind: 'aggregate', returns: 'INT', accumulate: () => {} })).toEqual({
      error: 'an aggregate function needs createAccumulator, getValue',
    });
    expect(check({ kind: 'table', returns: 'INT', *eval() {} })).toMatchObject({
      error: expect.stringContaining('a table function returns a ROW type'),
    });
    expect(check({ kind: 'table', returns: 'ROW<a INT>', eval: () => [] })).toEqual({
      error: 'a table function needs a generator method *eval(...args) that yields its rows',
    });
    expect(check({ returns: 'INT', params: 'INT', eval: () => 1 })).toEqual({
      error: "params must be an array of type strings, e.g. params: ['STRING', 'STRING']",
    });
  });
});
