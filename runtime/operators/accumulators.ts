// Aggregate accumulators: COUNT, SUM, MIN, MAX, AVG, with DISTINCT and FILTER; retractable where the input updates.
import type { AggCall } from '../../compiler/logical/plan';
import type { AggregateKind } from '../../compiler/functions';
import { isInteger } from '../../compiler/types';
import { udfAccumulator } from './udf-accumulator';

/**
 * An accumulator is plain data (numbers, arrays, Maps) so it can be snapshotted; `clone` copies it for
 * copy-on-write. `add`/`retract` mutate it in place.
 */
export interface AccumulatorSpec {
  create(): unknown;
  add(acc: unknown, value: unknown): unknown;
  retract(acc: unknown, value: unknown): unknown;
  result(acc: unknown): unknown;
  clone(acc: unknown): unknown;
  /** Folds `other` into `acc` (session windows merging) and returns it; `other` is only read. */
  merge(acc: unknown, other: unknown): unknown;
}

type Multiset = Map<unknown, number>;

function msAdd(m: Multiset, v: unknown): void {
  m.set(v, (m.get(v) ?? 0) + 1);
}
function msRemove(m: Multiset, v: unknown): void {
  const c = m.get(v);
  if (c === undefined) return;
  if (c <= 1) m.delete(v);
  else m.set(v, c - 1);
}
function extreme(m: Multiset, max: boolean): unknown {
  let best: unknown = null;
  for (const k of m.keys())
    if (best === null || (max ? (k as number) > (best as number) : (k as number) < (best as number)))
      best = k;
  return best;
}

/** [sum, count] pairs: result NULL when count is 0. */
const sumSpec = (integer: boolean, avg: boolean): AccumulatorSpec => ({
  create: () => [0, 0],
  add: (a, v) => {
    const x = a as number[];
    if (v === null) return a;
    x[0]! += v as number;
    x[1]!++;
    return a;
  },
  retract: (a, v) => {
    const x = a as number[];
    if (v === null) return a;
    x[0]! -= v as number;
    x[1]!--;
    return a;
  },
  result: (a) => {
    const [s, c] = a as number[];
    if (c === 0) return null;
    if (!avg) return s;
    return integer ? Math.trunc(s! / c!) : s! / c!;
  },
  clone: (a) => (a as number[]).slice(),
  merge: (a, b) => {
    const x = a as number[];
    const y = b as number[];
    x[0]! += y[0]!;
    x[1]! += y[1]!;
    return a;
  },
});

const countSpec = (star: boolean): AccumulatorSpec => ({
  create: () => 0,
  add: (a, v) => (star || v !== null ? (a as number) + 1 : a),
  retract: (a, v) => (star || v !== null ? (a as number) - 1 : a),
  result: (a) => a,
  clone: (a) => a,
  merge: (a, b) => (a as number) + (b as number),
});

/** MIN/MAX over an append-only input: one value. */
const extremeSpec = (max: boolean): AccumulatorSpec => {
  const add = (a: unknown, v: unknown): unknown =>
    v === null
      ? a
      : a === null || (max ? (v as number) > (a as number) : (v as number) < (a as number))
        ? v
        : a;
  return {
    create: () => null,
    add,
    retract: () => {
      throw new Error('MIN/MAX over an append-only input cannot retract');
    },
    result: (a) => a,
    clone: (a) => a,
    // The accumulator is the extreme value itself (or null): merging adds the other one.
    merge: add,
  };
};

/** MIN/MAX under retraction: a multiset of values, so removing the current extreme finds the next one. */
const retractableExtremeSpec = (max: boolean): AccumulatorSpec => ({
  create: () => new Map(),
  add: (a, v) => {
    if (v !== null) msAdd(a as Multiset, v);
    return a;
  },
  retract: (a, v) => {
    if (v !== null) msRemove(a as Multiset, v);
    return a;
  },
  result: (a) => extreme(a as Multiset, max),
  clone: (a) => new Map(a as Multiset),
  merge: (a, b) => {
    const m = a as Multiset;
    for (const [v, n] of b as Multiset) m.set(v, (m.get(v) ?? 0) + n);
    return a;
  },
});

/** DISTINCT: the inner accumulator sees each value once while it is present at least once. */
const distinctSpec = (inner: AccumulatorSpec): AccumulatorSpec => ({
  create: () => [new Map(), inner.create()],
  add: (a, v) => {
    const x = a as [Multiset, unknown];
    if (v === null) return a;
    if (!x[0].has(v)) x[1] = inner.add(x[1], v);
    msAdd(x[0], v);
    return a;
  },
  retract: (a, v) => {
    const x = a as [Multiset, unknown];
    if (v === null) return a;
    msRemove(x[0], v);
    if (!x[0].has(v)) x[1] = inner.retract(x[1], v);
    return a;
  },
  result: (a) => inner.result((a as [Multiset, unknown])[1]),
  clone: (a) => {
    const x = a as [Multiset, unknown];
    return [new Map(x[0]), inner.clone(x[1])];
  },
  merge: (a, b) => {
    const x = a as [Multiset, unknown];
    for (const [v, n] of (b as [Multiset, unknown])[0]) {
      const c = x[0].get(v);
      if (c === undefined) x[1] = inner.add(x[1], v);
      x[0].set(v, (c ?? 0) + n);
    }
    return a;
  },
});

/** The accumulator for one aggregate call; `retractable` when the input may send -U/-D rows. */
export function accumulatorFor(
  call: AggCall,
  argType: { kind: string } | undefined,
  retractable: boolean,
): AccumulatorSpec {
  if (call.udf) return udfAccumulator(call, retractable);
  let spec: AccumulatorSpec;
  switch (call.fn as AggregateKind) {
    case 'COUNT':
      spec = countSpec(call.args.length === 0);
      break;
    case 'SUM':
      spec = sumSpec(false, false);
      break;
    case 'AVG':
      spec = sumSpec(argType !== undefined && isInteger(argType as never), true);
      break;
    case 'MIN':
      spec = retractable ? retractableExtremeSpec(false) : extremeSpec(false);
      break;
    case 'MAX':
      spec = retractable ? retractableExtremeSpec(true) : extremeSpec(true);
      break;
  }
  if (call.distinct)
    spec = distinctSpec(
      call.fn === 'MIN' || call.fn === 'MAX' ? retractableExtremeSpec(call.fn === 'MAX') : spec,
    );
  return spec;
}
