// Arithmetic with SQL's integer semantics: truncating division, remainder, FLOOR and CEIL.
import type { Rex } from '../rex';
import { isInteger } from '../types';
import { isLiteral, op, type Op, type OpGen } from './op';
import { strict } from './null-logic';

/** Integer `/` truncates toward zero; by zero it throws. Other numeric types divide as doubles. */
export const divide: OpGen = (g, a, c) => {
  if (!isInteger(c.type)) return strict(g, a, ([x, y]) => `(${x} / ${y})`);
  if (nonZeroLiteral(c.args[1]!)) return strict(g, a, ([x, y]) => `(Math.trunc(${x} / ${y}) + 0)`);
  return strict(g, a, ([x, y]) => `(${y} === 0 ? F.divisionByZero() : Math.trunc(${x} / ${y}) + 0)`, {
    reuse: [1],
  });
};

/** `%` and MOD: JS remainder takes the dividend's sign, as Java; integer remainder by zero throws. */
export const remainder: OpGen = (g, a, c) => {
  if (!isInteger(c.type)) return strict(g, a, ([x, y]) => `(${x} % ${y})`);
  if (nonZeroLiteral(c.args[1]!)) return strict(g, a, ([x, y]) => `(${x} % ${y} + 0)`);
  return strict(g, a, ([x, y]) => `(${y} === 0 ? F.divisionByZero() : ${x} % ${y} + 0)`, { reuse: [1] });
};

const nonZeroLiteral = (r: Rex) => isLiteral(r, 'number') && r.value !== 0;

export const floorOrCeil = (name: 'floor' | 'ceil'): Op =>
  op(1, 1, (g, a, c) => (isInteger(c.args[0]!.type) ? a[0]! : strict(g, a, ([x]) => `Math.${name}(${x})`)));
