// A user aggregate function (Flink's AggregateFunction) as an accumulator spec: its accumulator is keyed state.
import type { AggCall } from '../../compiler/logical/plan';
import { fromJs, udfFailure } from '../../compiler/udf/invoke';
import { udfDefinition } from '../../compiler/udf/registry';
import type { AccumulatorSpec } from './accumulators';

type Method = (acc: unknown, ...args: unknown[]) => unknown;

/**
 * `accumulate`/`retract`/`merge` mutate the accumulator or return a new one (anything but undefined replaces it).
 * Accumulators MUST be plain data (msgpack-serializable): they are snapshotted, and copied with structuredClone
 * while a snapshot holds the old version.
 */
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
  const apply = (name: string, fn: Method, acc: unknown, v: unknown): unknown => {
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
        return fromJs(getValue.call(def, acc), call.type);
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
      const r = (() => {
        try {
          return merge.call(def, acc, structuredClone(other));
        } catch (e) {
          throw udfFailure(ref, 'merge', [acc, other], e, 'accumulators');
        }
      })();
      return r === undefined ? acc : r;
    },
  };
}
