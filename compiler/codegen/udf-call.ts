// Generated code for a scalar user function call: `K[i](row, a, b)`, the invoker found in this thread's module registry.
import type { RexCall } from '../rex';
import { scalarInvoker } from '../udf/invoke';
import { udfDefinition } from '../udf/registry';
import type { Gen } from './gen';
import { expr, type Value } from './value';

/** NULL arguments are passed as null (user functions decide what NULL means); the result may be NULL. */
export function udfCall(g: Gen, r: RexCall, args: readonly Value[]): Value {
  const ref = r.udf!;
  if (ref.kind !== 'scalar')
    throw new Error(`${ref.kind} function ${ref.name} cannot be called as a scalar function`);
  if (ref.async)
    throw new Error(
      `async function ${ref.name} can only be called in a SELECT list (it runs in an AsyncCalc)`,
    );
  const k = g.constant(scalarInvoker(ref, udfDefinition(ref.module, ref.name), r.type));
  return expr(`${k}(row${args.map((a) => `, ${a.code}`).join('')})`, true);
}
