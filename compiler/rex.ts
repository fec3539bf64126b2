// Row expressions (Calcite's RexNode): resolved, typed, serializable expressions over a positional input row.
import type { SqlType } from './types';
import type { UdfRef } from './udf/contract';

/**
 * Plain data (no functions, no classes) so that a job graph can be sent to a worker thread or a Web Worker
 * and compiled there. Values: numbers for numerics and timestamps (epoch milliseconds), strings,
 * booleans, null, arrays for ROW values; INTERVAL literals are milliseconds.
 */
export type Rex = RexInputRef | RexLiteral | RexCall | RexFieldAccess;

/** Column `index` of the operator's input row (for a join: left columns, then right columns). */
export interface RexInputRef {
  readonly kind: 'inputRef';
  readonly index: number;
  readonly type: SqlType;
}

export interface RexLiteral {
  readonly kind: 'literal';
  readonly value: number | string | boolean | null;
  readonly type: SqlType;
}

/** Field `index` of a ROW-typed expression. */
export interface RexFieldAccess {
  readonly kind: 'fieldAccess';
  readonly expr: Rex;
  readonly index: number;
  readonly name: string;
  readonly type: SqlType;
}

/**
 * An operator or function application. `op` is an operator symbol (`+`, `=`, `AND`, …) or a function
 * name in upper case from compiler/functions.ts; special forms: `CASE` (when, then, …, else),
 * `CAST` (target in `type`), `IN` (value, list…), `BETWEEN` (value, low, high), `LIKE`, `IS NULL`,
 * `IS NOT NULL`, `NOT`, `NEG`.
 */
export interface RexCall {
  readonly kind: 'call';
  readonly op: string;
  readonly args: readonly Rex[];
  readonly type: SqlType;
  /** A user function call (`op` is then its name): which module to run. */
  readonly udf?: UdfRef;
}

export const inputRef = (index: number, type: SqlType): RexInputRef => ({ kind: 'inputRef', index, type });
export const literal = (value: RexLiteral['value'], type: SqlType): RexLiteral => ({
  kind: 'literal',
  value,
  type,
});
export const call = (op: string, args: readonly Rex[], type: SqlType): RexCall => ({
  kind: 'call',
  op,
  args,
  type,
});

/** Structural equality (types included), used to match GROUP BY expressions in the select list. */
export function rexEquals(a: Rex, b: Rex): boolean {
  return rexKey(a) === rexKey(b);
}

/** A canonical string for a Rex, usable as a map key. */
export function rexKey(r: Rex): string {
  switch (r.kind) {
    case 'inputRef':
      return `$${r.index}`;
    case 'literal':
      return `${JSON.stringify(r.value)}:${r.type.kind}`;
    case 'fieldAccess':
      return `${rexKey(r.expr)}.${r.index}`;
    case 'call':
      return `${r.udf ? `udf:${r.udf.module}#` : ''}${r.op}(${r.args.map(rexKey).join(',')})${r.op === 'CAST' ? r.type.kind : ''}`;
  }
}

/** Rebuilds `r` bottom-up, letting `f` replace any node (children first). */
export function rewriteRex(r: Rex, f: (node: Rex) => Rex): Rex {
  switch (r.kind) {
    case 'call':
      return f({ ...r, args: r.args.map((a) => rewriteRex(a, f)) });
    case 'fieldAccess':
      return f({ ...r, expr: rewriteRex(r.expr, f) });
    default:
      return f(r);
  }
}

/** Input columns `r` reads. */
export function inputRefs(r: Rex, into: Set<number> = new Set()): Set<number> {
  if (r.kind === 'inputRef') into.add(r.index);
  else if (r.kind === 'call') for (const a of r.args) inputRefs(a, into);
  else if (r.kind === 'fieldAccess') inputRefs(r.expr, into);
  return into;
}

/** Renumbers input references through `map` (old index → new index). */
export function remapInputs(r: Rex, map: (index: number) => number): Rex {
  return rewriteRex(r, (n) => (n.kind === 'inputRef' ? inputRef(map(n.index), n.type) : n));
}

/** Replaces each input reference by the expression that produces that column (inlining a projection). */
export function substituteInputs(r: Rex, exprs: readonly Rex[]): Rex {
  return rewriteRex(r, (n) => (n.kind === 'inputRef' ? exprs[n.index]! : n));
}

/** Splits a condition into its AND-ed conjuncts. */
export function conjuncts(r: Rex): Rex[] {
  if (r.kind === 'call' && r.op === 'AND') return r.args.flatMap(conjuncts);
  return [r];
}

/** AND-s conjuncts back together (undefined for none). */
export function andAll(parts: readonly Rex[], boolType: SqlType): Rex | undefined {
  if (parts.length === 0) return undefined;
  return parts.reduce((a, b) =>
    call('AND', [a, b], { ...boolType, nullable: a.type.nullable || b.type.nullable }),
  );
}

/** Whether evaluating `r` may depend on anything but its inputs (PROCTIME(), CURRENT_TIMESTAMP, RAND()). */
export function isDeterministic(r: Rex): boolean {
  if (r.kind === 'call') {
    if (r.udf) return !r.udf.async && r.args.every(isDeterministic);
    if (NON_DETERMINISTIC.has(r.op)) return false;
    return r.args.every(isDeterministic);
  }
  if (r.kind === 'fieldAccess') return isDeterministic(r.expr);
  return true;
}

const NON_DETERMINISTIC = new Set(['PROCTIME', 'CURRENT_TIMESTAMP', 'NOW', 'LOCALTIMESTAMP', 'RAND', 'UUID']);

/** Whether `r` calls an async user function (planned as an AsyncCalc, Flink's name). */
export function hasAsyncUdf(r: Rex): boolean {
  if (r.kind === 'call') return r.udf?.async === true || r.args.some(hasAsyncUdf);
  if (r.kind === 'fieldAccess') return hasAsyncUdf(r.expr);
  return false;
}
