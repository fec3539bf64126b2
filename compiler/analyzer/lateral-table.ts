// `t, LATERAL TABLE(f(x)) [AS r(a, b)]` and `t [CROSS | LEFT] JOIN LATERAL TABLE(…) [ON TRUE]` → a Correlate node.
import type * as A from '../../grammar/ast';
import type { Catalog } from '../catalog';
import type { CorrelateNode } from '../logical/plan';
import { type RexCall, call } from '../rex';
import { type Field, withNullable } from '../types';
import { analyzeExpr, type ExprContext } from './expressions';
import type { Problems } from './problems';
import type { Analyzed } from './query';
import { Scope } from './scope';
import { checkUserArgs } from './user-functions';

export function lateralTable(
  j: A.JoinRef,
  f: A.LateralTableRef,
  left: Analyzed,
  catalog: Catalog,
  p: Problems,
): Analyzed {
  const name = f.call.name.name;
  const fn = catalog.userFunction(name);
  if (!fn || fn.signature.kind !== 'table')
    throw p.bail(
      'unknown-function',
      fn
        ? `${name} is a ${fn.signature.kind} function; LATERAL TABLE(...) needs a table function (kind: 'table')`
        : `unknown table function '${name}' (create it with CREATE FUNCTION ${name} AS 'path.js' LANGUAGE JAVASCRIPT)`,
      f.call.name.span,
    );
  if (j.joinType !== 'INNER' && j.joinType !== 'CROSS' && j.joinType !== 'LEFT')
    throw p.unsupported(`${j.joinType} JOIN LATERAL TABLE (only CROSS, INNER and LEFT)`, j.span);
  if (j.on && !(j.on.kind === 'boolean' && j.on.value === true))
    throw p.unsupported('a LATERAL TABLE join condition other than ON TRUE', j.on.span);
  if (j.joinType === 'LEFT' && !j.on)
    throw p.bail('syntax', 'LEFT JOIN LATERAL TABLE(...) needs ON TRUE', j.span);
  const ctx: ExprContext = { scope: left.scope, problems: p, clause: 'LATERAL TABLE', functions: catalog };
  const args = f.call.args.map((a) => analyzeExpr(a, ctx));
  checkUserArgs(fn, args, f.call, ctx);
  const returns = fn.signature.returns;
  const rowFields = returns.kind === 'ROW' ? returns.fields : [];
  if (f.columns && f.columns.length !== rowFields.length)
    throw p.bail(
      'syntax',
      `table function ${fn.name} returns ${rowFields.length} column${rowFields.length === 1 ? '' : 's'} (${rowFields.map((r) => r.name).join(', ')}), but ${f.columns.length} names are given`,
      f.span,
    );
  const joinType = j.joinType === 'LEFT' ? 'LEFT' : 'INNER';
  const fields: Field[] = rowFields.map((r, i) => ({
    name: f.columns?.[i]?.name ?? r.name,
    type: withNullable(r.type, true),
  }));
  const rexCall: RexCall = { ...call(fn.name, args, { ...returns, nullable: false }), udf: fn.ref };
  const plan: CorrelateNode = {
    kind: 'correlate',
    input: left.plan,
    call: rexCall,
    joinType,
    schema: [...left.plan.schema, ...fields],
    changelog: left.plan.changelog,
    span: j.span,
  };
  const right = Scope.of(f.alias?.name ?? (f.columns ? undefined : fn.name), fields);
  return { plan, scope: Scope.join(left.scope, right) };
}
