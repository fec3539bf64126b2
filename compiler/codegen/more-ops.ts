// Code generators of the string, math, conditional and time built-ins users reach first (see builtins/more-functions.ts).
import { isLiteral, fn, op, type Op } from './op';
import { strict } from './null-logic';
import { builtins } from './builtins';
import { expr, NULL } from './value';

const math = (js: string) => op(1, 1, (g, a) => strict(g, a, ([x]) => `${js}(${x})`));

export const MORE_OPS: readonly (readonly [string, Op])[] = [
  ['LPAD', fn('LPAD', 3, 3, true)],
  ['RPAD', fn('RPAD', 3, 3, true)],
  ['REPLACE', fn('REPLACE', 3)],
  ['LOCATE', fn('LOCATE', 2, 3)],
  ['INITCAP', fn('INITCAP', 1)],
  ['REGEXP_REPLACE', fn('REGEXP_REPLACE', 3, 3, true)],
  ['REGEXP', fn('REGEXP', 2, 2, true)],
  ['REPEAT', fn('REPEAT', 2)],
  ['REVERSE', fn('REVERSE', 1)],
  [
    'CONCAT_WS',
    // NULL separator: NULL; NULL strings are skipped.
    op(1, Infinity, (g, a) => {
      if (a[0]!.code === 'null') return NULL;
      const parts = `[${a
        .slice(1)
        .map((v) => v.code)
        .join(', ')}].filter((x) => x != null)`;
      return strict(g, [a[0]!], ([sep]) => `${parts}.join(${sep})`);
    }),
  ],
  [
    'NULLIF',
    op(2, 2, (g, [x, y]) => {
      const t = g.temp();
      const u = g.temp();
      return expr(`((${t} = ${x!.code}) === (${u} = ${y!.code}) && ${t} != null ? null : ${t})`, true);
    }),
  ],
  [
    'GREATEST',
    op(1, Infinity, (g, a) =>
      strict(g, a, (xs) => `(${xs.reduce((p, x) => `(${p} >= ${x} ? ${p} : ${x})`)})`, {
        reuse: a.map((_, i) => i),
      }),
    ),
  ],
  [
    'LEAST',
    op(1, Infinity, (g, a) =>
      strict(g, a, (xs) => `(${xs.reduce((p, x) => `(${p} <= ${x} ? ${p} : ${x})`)})`, {
        reuse: a.map((_, i) => i),
      }),
    ),
  ],
  ['POWER', op(2, 2, (g, a) => strict(g, a, ([x, y]) => `Math.pow(${x}, ${y})`))],
  ['SQRT', math('Math.sqrt')],
  ['LN', math('Math.log')],
  ['LOG10', math('Math.log10')],
  ['EXP', math('Math.exp')],
  ['SIGN', fn('SIGN', 1)],
  ['UUID', op(0, 0, () => expr('F.UUID()'))],
  [
    'RAND',
    op(0, 1, (g, a, c) => {
      const seed = c.args[0];
      if (seed === undefined) return expr('Math.random()');
      if (!isLiteral(seed, 'number')) return NULL;
      return expr(`${g.constant(builtins.seededRandom(seed.value as number))}()`);
    }),
  ],
  [
    'UNIX_TIMESTAMP',
    op(0, 2, (g, a) =>
      a.length === 0
        ? expr('Math.floor(F.clock.now() / 1000)')
        : strict(g, a, (xs) => `F.UNIX_TIMESTAMP(${xs.join(', ')})`, { nullable: true }),
    ),
  ],
  ['FROM_UNIXTIME', fn('FROM_UNIXTIME', 1, 2)],
  ['TO_DATE', fn('TO_DATE', 1, 2, true)],
  ['TIMESTAMPDIFF', fn('TIMESTAMPDIFF', 3)],
  ['TIMESTAMPADD', fn('TIMESTAMPADD', 3)],
  ['JSON_VALUE', fn('JSON_VALUE', 2, 2, true)],
  ['JSON_QUERY', fn('JSON_QUERY', 2, 2, true)],
  ['JSON_EXISTS', fn('JSON_EXISTS', 2)],
  ['JSON_ARRAY', op(0, Infinity, (_g, a) => expr(`F.JSON_ARRAY(${a.map((v) => v.code).join(', ')})`))],
  ['CURRENT_DATE', op(0, 0, () => expr('Math.floor(F.clock.now() / 86400000)'))],
];
