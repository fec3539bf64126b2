// The shape of a compilable operator (arity and code generator) and the builders the operator table uses.
import type { Rex, RexCall, RexLiteral } from '../rex';
import type { Gen } from './gen';
import { strict } from './null-logic';
import type { Value } from './value';

export type OpGen = (g: Gen, args: readonly Value[], call: RexCall) => Value;

export interface Op {
  readonly arity: readonly [number, number];
  readonly gen: OpGen;
}

export const op = (min: number, max: number, g: OpGen): Op => ({ arity: [min, max], gen: g });
export const isLiteral = (r: Rex | undefined, type: string): r is RexLiteral =>
  r?.kind === 'literal' && typeof r.value === type;

export const binary = (js: string) => op(2, 2, (g, a) => strict(g, a, ([x, y]) => `(${x} ${js} ${y})`));
export const fn = (name: string, min: number, max = min, nullable = false) =>
  op(min, max, (g, a) => strict(g, a, (xs) => `F.${name}(${xs.join(', ')})`, { nullable }));
export const method = (name: string) => op(1, 1, (g, a) => strict(g, a, ([x]) => `${x}.${name}()`));
export const negated =
  (inner: OpGen): OpGen =>
  (g, a, c) =>
    strict(g, [inner(g, a, c)], ([x]) => `(!${x})`);
