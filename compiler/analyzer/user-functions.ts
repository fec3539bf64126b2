// Calls of user functions (CREATE FUNCTION … LANGUAGE JAVASCRIPT): arity and `params` checks, the typed RexCall.
import type { CallExpr, Expr } from '../../grammar/ast';
import type { UserFunction } from '../catalog';
import { type Rex, call } from '../rex';
import { type SqlType, assignable, materialize, typeToString } from '../types';
import type { ExprContext } from './expressions';

/** Checks the arguments against the module's `params` (when it declares them); reports at the call. */
export function checkUserArgs(f: UserFunction, args: readonly Rex[], e: CallExpr, ctx: ExprContext): void {
  const params = f.signature.params;
  if (!params) return;
  if (args.length !== params.length)
    throw ctx.problems.bail(
      'type-mismatch',
      `function ${f.name} takes ${params.length} argument${params.length === 1 ? '' : 's'} (${params.map(typeToString).join(', ')}), got ${args.length}`,
      e.span,
    );
  args.forEach((a, i) => {
    if (a.type.kind !== 'NULL' && !assignable(a.type, params[i]!))
      throw ctx.problems.bail(
        'type-mismatch',
        `function ${f.name} expects ${typeToString(params[i]!)} as argument ${i + 1}, got ${typeToString(a.type)}`,
        e.args[i]!.span,
      );
  });
}

/** The result type of a user function: nullable (user code may return null). */
export const userResultType = (f: UserFunction): SqlType => ({
  ...materialize(f.signature.returns),
  nullable: true,
});

/** A scalar user function call (table functions are only allowed in LATERAL TABLE(…)). */
export function userFunctionCall(
  f: UserFunction,
  e: CallExpr,
  ctx: ExprContext,
  analyze: (a: Expr) => Rex,
): Rex {
  const p = ctx.problems;
  if (e.over) throw p.unsupported(`OVER window aggregation (${f.name}(...) OVER (...))`, e.over.span);
  if (f.signature.kind === 'table')
    throw p.bail(
      'syntax',
      `table function ${f.name} can only be called in FROM: LATERAL TABLE(${f.name}(...))`,
      e.span,
    );
  if (e.distinct || e.filter)
    throw p.bail(
      'syntax',
      `DISTINCT and FILTER are only allowed in aggregate functions, not in ${f.name}`,
      e.span,
    );
  if (f.signature.async && ctx.clause !== 'SELECT')
    throw p.unsupported(
      `async function ${f.name} in ${ctx.clause} (async scalar functions run in the SELECT list only, as in Flink)`,
      e.span,
    );
  const args = e.args.map(analyze);
  checkUserArgs(f, args, e, ctx);
  return { ...call(f.name, args, userResultType(f)), udf: f.ref };
}

/** A user aggregate function in the shape of a built-in one (for the aggregate analysis). */
export function userAggregate(
  f: UserFunction,
  _check: (args: readonly Rex[], call: CallExpr) => void,
): { readonly name: string; readonly infer: (args: readonly SqlType[]) => SqlType } {
  return { name: f.name, infer: () => userResultType(f) };
}
