// The operator table: every SQL operator and function that compiles, by name, with its arity and generator.
import { isInteger } from '../types';
import { between, caseWhen, coalesce, inList } from './conditional-ops';
import { divide, floorOrCeil, remainder } from './arithmetic-ops';
import { castValue } from './cast';
import { and, notDistinct, or, strict } from './null-logic';
import { binary, fn, method, negated, op, type Op } from './op';
import { concat, like, regexpExtract } from './string-ops';
import { dateFormat, now, toTimestamp } from './temporal-ops';
import { MORE_OPS } from './more-ops';
import { expr } from './value';

export const OPS: ReadonlyMap<string, Op> = new Map<string, Op>([
  ['+', binary('+')],
  ['-', binary('-')],
  [
    '*',
    op(2, 2, (g, a, c) =>
      strict(g, a, ([x, y]) => (isInteger(c.type) ? `(${x} * ${y} + 0)` : `(${x} * ${y})`)),
    ),
  ],
  ['/', op(2, 2, divide)],
  ['%', op(2, 2, remainder)],
  ['MOD', op(2, 2, remainder)],
  ['NEG', op(1, 1, (g, a, c) => strict(g, a, ([x]) => (isInteger(c.type) ? `(0 - ${x})` : `(-${x})`)))],
  ['=', binary('===')],
  ['<>', binary('!==')],
  ['!=', binary('!==')],
  ['<', binary('<')],
  ['<=', binary('<=')],
  ['>', binary('>')],
  ['>=', binary('>=')],
  ['AND', op(2, Infinity, (g, a) => a.reduce((x, y) => and(g, x, y)))],
  ['OR', op(2, Infinity, (g, a) => a.reduce((x, y) => or(g, x, y)))],
  ['NOT', op(1, 1, (g, a) => strict(g, a, ([x]) => `(!${x})`))],
  ['IS NULL', op(1, 1, (_g, [x]) => (x!.nullable ? expr(`(${x!.code} == null)`) : expr('false')))],
  ['IS NOT NULL', op(1, 1, (_g, [x]) => (x!.nullable ? expr(`(${x!.code} != null)`) : expr('true')))],
  ['IS TRUE', op(1, 1, (_g, [x]) => expr(`(${x!.code} === true)`))],
  ['IS NOT TRUE', op(1, 1, (_g, [x]) => expr(`(${x!.code} !== true)`))],
  ['IS FALSE', op(1, 1, (_g, [x]) => expr(`(${x!.code} === false)`))],
  ['IS NOT FALSE', op(1, 1, (_g, [x]) => expr(`(${x!.code} !== false)`))],
  ['IS NOT DISTINCT FROM', op(2, 2, (g, a) => notDistinct(g, a))],
  ['IS DISTINCT FROM', op(2, 2, (g, a) => expr(`(!${notDistinct(g, a).code})`))],
  ['||', op(2, 2, concat)],
  ['CONCAT', op(1, Infinity, concat)],
  ['CASE', op(2, Infinity, caseWhen)],
  ['IF', op(3, 3, caseWhen)],
  ['COALESCE', op(1, Infinity, coalesce)],
  ['IN', op(2, Infinity, inList)],
  ['NOT IN', op(2, Infinity, negated(inList))],
  ['BETWEEN', op(3, 3, between)],
  ['NOT BETWEEN', op(3, 3, negated(between))],
  ['LIKE', op(2, 3, like)],
  ['NOT LIKE', op(2, 3, negated(like))],
  ['CAST', op(1, 1, (g, [x], c) => castValue(g, x!, c.args[0]!.type, c.type))],
  ['ABS', op(1, 1, (g, a) => strict(g, a, ([x]) => `Math.abs(${x})`))],
  ['FLOOR', floorOrCeil('floor')],
  ['CEIL', floorOrCeil('ceil')],
  ['ROUND', fn('ROUND', 1, 2)],
  ['LOWER', method('toLowerCase')],
  ['UPPER', method('toUpperCase')],
  ['TRIM', fn('TRIM', 1)],
  ['CHAR_LENGTH', op(1, 1, (g, a) => strict(g, a, ([x]) => `${x}.length`))],
  ['SUBSTRING', fn('SUBSTRING', 2, 3)],
  ['DATE_FORMAT', op(2, 2, dateFormat)],
  ['REGEXP_EXTRACT', op(2, 3, regexpExtract)],
  ['SPLIT_INDEX', fn('SPLIT_INDEX', 3, 3, true)],
  ['TO_TIMESTAMP', op(1, 2, toTimestamp)],
  ['TO_TIMESTAMP_LTZ', fn('TO_TIMESTAMP_LTZ', 2)],
  ['YEAR', fn('YEAR', 1)],
  ['MONTH', fn('MONTH', 1)],
  ['DAYOFMONTH', fn('DAYOFMONTH', 1)],
  ['HOUR', fn('HOUR', 1)],
  ['MINUTE', fn('MINUTE', 1)],
  ['SECOND', fn('SECOND', 1)],
  ['PROCTIME', now],
  ['CURRENT_TIMESTAMP', now],
  ['NOW', now],
  ['LOCALTIMESTAMP', now],
  ...MORE_OPS,
]);
