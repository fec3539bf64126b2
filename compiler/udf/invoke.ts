// Calling a user function: SQL values in, JS values out (NULL as null), and failures that name the function, row and line.
import type { SqlType } from '../types';
import type { UdfRef } from './contract';

/** A user function threw: the task fails with this error (and the restart strategy applies). */
export class UdfError extends Error {}

/** The first line of `stack` that points into the module itself (`at eval (file:///…/count-char.js:3:11)`). */
function moduleStackLine(stack: string | undefined, module: string): string | undefined {
  if (!stack) return undefined;
  const tail = module.replace(/^file:\/\//, '');
  for (const line of stack.split('\n').slice(1)) if (line.includes(tail)) return line.trim();
  return undefined;
}

function showRow(row: readonly unknown[] | undefined, label: string): string {
  if (row === undefined) return '';
  try {
    return ` on ${label} ${JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`;
  } catch {
    return ` on ${label} ${String(row)}`;
  }
}

/** The error a task fails with when `ref`'s code threw `e` while processing `row`. */
export function udfFailure(
  ref: UdfRef,
  method: string,
  row: readonly unknown[] | undefined,
  e: unknown,
  label = 'input row',
): UdfError {
  if (e instanceof UdfError) return e;
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const at = moduleStackLine(e instanceof Error ? e.stack : undefined, ref.module);
  const err = new UdfError(
    `function ${ref.name} (${method}) threw ${message}${showRow(row, label)}${at ? `\n    ${at}` : ''}`,
  );
  return err;
}

/**
 * A value returned by user code as weir's runtime value of `type`: undefined → null, a BigInt → number,
 * a Date → epoch milliseconds, a ROW given as an object → an array in field order.
 */
export function fromJs(v: unknown, type: SqlType): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (type.kind === 'ROW' && !Array.isArray(v) && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return type.fields.map((f) => fromJs(o[f.name], f.type));
  }
  return v;
}

/** What a scalar call site invokes: (row, ...args) → result, errors wrapped. */
export type ScalarInvoker = (row: readonly unknown[], ...args: unknown[]) => unknown;

export function scalarInvoker(ref: UdfRef, def: Record<string, unknown>, returns: SqlType): ScalarInvoker {
  const evalFn = def['eval'] as (...a: unknown[]) => unknown;
  return (row, ...args) => {
    let r: unknown;
    try {
      r = evalFn.apply(def, args);
    } catch (e) {
      throw udfFailure(ref, 'eval', row, e);
    }
    if (r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function')
      throw udfFailure(
        ref,
        'eval',
        row,
        new Error('eval returned a Promise: declare it `async eval(…)` to make an async scalar function'),
      );
    return fromJs(r, returns);
  };
}
