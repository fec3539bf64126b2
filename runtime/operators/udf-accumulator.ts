// A user aggregate function (Flink's AggregateFunction) as an accumulator spec: its accumulator is keyed state.
import type { AggCall } from '../../compiler/logical/plan';
import { fromJs, udfFailure } from '../../compiler/udf/invoke';
import { udfDefinition } from '../../compiler/udf/registry';
import type { AccumulatorSpec } from './accumulators';

type Method = (acc: unknown, ...args: unknown[]) => unknown;

/**
 * Snapshots decode msgpack maps as Maps (weir's own state uses Maps): a restored accumulator's objects come back
 * as Maps with string keys, and become plain objects again here. (A user's own Map with string keys becomes an
 * object too: accumulators should be objects, arrays and scalars.)
 */
function restoredAccumulator(v: unknown): unknown {
  if (v instanceof Map) {
    if (![...v.keys()].every((k) => typeof k === 'string')) {
      const m = new Map();
      for (const [k, x] of v) m.set(k, restoredAccumulator(x));
      return m;
    }
    const o: Record<string, unknown> = {};
    for (const [k, x] of v as Map<string, unknown>) o[k] = restoredAccumulator(x);
    return o;
  }
  if (Array.isArray(v))
    return v.some((x) => x !== null && typeof x === 'object') ? v.map(restoredAccumulator) : v;
  return v;
}

/** Whether `v` is a restored accumulator not yet converted (checked cheaply: its top level and its elements). */
function holdsMap(v: unknown): boolean {
  return v instanceof Map || (Array.isArray(v) && v.some((x) => x instanceof Map));
}

export function udfAccumulator(call: AggCall, retractable: boolean): AccumulatorSpec {
  const ref = call.udf!;
  const def = udfDefinition(ref.module, ref.name);
  const method = (name: string) => def[name] as Method | undefined;
  const accumulate = method('accumulate')!;
  const retract = method('retract');
  const merge = method('merge');
  const create = method('createAccumulator')!;
  const getValue = method('getValue')!;
  if (retractable && !retract)
    throw new Error(
      `aggregate function ${ref.name} has no retract(acc, …args), but its input is updating (it receives -U/-D rows)`,
    );
  const arity = call.args.length;
  // Conversion is only needed for accumulators read from a snapshot: checked once per key and call.
  const own = (acc: unknown): unknown =>
    acc !== null && typeof acc === 'object' && holdsMap(acc) ? restoredAccumulator(acc) : acc;
  const apply = (name: string, fn: Method, stored: unknown, v: unknown): unknown => {
    const acc = own(stored);
    const args = arity === 0 ? [] : arity === 1 ? [v] : (v as unknown[]);
    let r: unknown;
    try {
      r = fn.call(def, acc, ...args);
    } catch (e) {
      throw udfFailure(ref, name, args, e, 'arguments');
    }
    return r === undefined ? acc : r;
  };
  return {
    create: () => {
      try {
        return (create as () => unknown).call(def);
      } catch (e) {
        throw udfFailure(ref, 'createAccumulator', undefined, e);
      }
    },
    add: (acc, v) => apply('accumulate', accumulate, acc, v),
    retract: (acc, v) => apply('retract', retract!, acc, v),
    result: (acc) => {
      try {
        return fromJs(getValue.call(def, own(acc)), call.type);
      } catch (e) {
        throw udfFailure(ref, 'getValue', [acc], e, 'accumulator');
      }
    },
    clone: (acc) => structuredClone(acc),
    merge: (acc, other) => {
      if (!merge)
        throw new Error(
          `aggregate function ${ref.name} has no merge(acc, other), which session windows need`,
        );
      const mine = own(acc);
      const r = (() => {
        try {
          return merge.call(def, mine, structuredClone(own(other)));
        } catch (e) {
          throw udfFailure(ref, 'merge', [acc, other], e, 'accumulators');
        }
      })();
      return r === undefined ? mine : r;
    },
  };
}
