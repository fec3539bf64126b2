// Interval joins: finds `right.ts + lower ≤ left.ts ≤ right.ts + upper` on two rowtime attributes in a join condition.
import { type Rex, andAll, call, conjuncts } from '../rex';
import { T, type Field } from '../types';

/**
 * The time bounds of an interval join (Flink's `leftLowerBound`/`leftUpperBound`), over the left input's time
 * column `leftTime` and the right input's `rightTime` (indexes within each input):
 * `right.ts + lowerBound ≤ left.ts ≤ right.ts + upperBound`, with `<` where a bound is not inclusive.
 */
export interface IntervalBounds {
  readonly leftTime: number;
  readonly rightTime: number;
  /** Milliseconds. */
  readonly lowerBound: number;
  readonly lowerInclusive: boolean;
  /** Milliseconds. */
  readonly upperBound: number;
  readonly upperInclusive: boolean;
  /** What remains of the condition once the two bound predicates are taken out. */
  readonly rest?: Rex;
}

/** `left.ts - right.ts <op> bound` found in one comparison. */
interface Bound {
  readonly leftTime: number;
  readonly rightTime: number;
  readonly side: 'lower' | 'upper';
  readonly bound: number;
  readonly inclusive: boolean;
}

/** A bound found in comparison `half` (0, or 1 for the `<=` half of a BETWEEN) of conjunct `conjunct`. */
interface Candidate {
  readonly conjunct: number;
  readonly half: number;
  readonly bound: Bound;
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * The interval-join bounds in `condition` (the residual of a join after its equality keys, over left columns
 * then right columns), or undefined when it does not bound the two rowtime attributes from both sides.
 * `BETWEEN` counts as `>=` and `<=`; a half of it that is no bound stays in `rest`.
 *
 * @example
 * // a.ts BETWEEN b.ts - INTERVAL '4' SECOND AND b.ts + INTERVAL '5' SECOND
 * intervalBounds(cond, leftSchema, rightSchema) // { lowerBound: -4000, upperBound: 5000, … }
 */
export function intervalBounds(
  condition: Rex | undefined,
  left: readonly Field[],
  right: readonly Field[],
): IntervalBounds | undefined {
  if (!condition) return undefined;
  const parts = conjuncts(condition);
  const width = left.length;
  const isRowtime = (index: number) => {
    const f = index < width ? left[index] : right[index - width];
    const t = f?.type;
    return (
      t !== undefined &&
      (t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ') &&
      t.timeAttribute === 'rowtime'
    );
  };
  const candidates: Candidate[] = [];
  parts.forEach((c, i) => {
    comparisons(c).forEach(([op, a, b], half) => {
      const bound = comparisonBound(op, a, b, width, isRowtime);
      if (bound) candidates.push({ conjunct: i, half, bound });
    });
  });
  // The first pair of time columns bounded from both sides; the tightest bound of each side.
  for (const first of candidates) {
    const { leftTime, rightTime } = first.bound;
    const samePair = candidates.filter(
      (c) => c.bound.leftTime === leftTime && c.bound.rightTime === rightTime,
    );
    const lower = tightest(samePair.filter((c) => c.bound.side === 'lower'));
    const upper = tightest(samePair.filter((c) => c.bound.side === 'upper'));
    if (!lower || !upper) continue;
    const rest = parts.flatMap((c, i) => remainder(c, i, [lower, upper]));
    const r = andAll(rest, T.boolean());
    return {
      leftTime,
      rightTime: rightTime - width,
      lowerBound: lower.bound.bound,
      lowerInclusive: lower.bound.inclusive,
      upperBound: upper.bound.bound,
      upperInclusive: upper.bound.inclusive,
      ...(r ? { rest: r } : {}),
    };
  }
  return undefined;
}

/** The comparisons a conjunct states: itself, or the two halves of a BETWEEN. */
function comparisons(c: Rex): [op: string, a: Rex, b: Rex][] {
  if (c.kind !== 'call') return [];
  if (c.op === 'BETWEEN') {
    return [
      ['>=', c.args[0]!, c.args[1]!],
      ['<=', c.args[0]!, c.args[2]!],
    ];
  }
  if (c.op in FLIP && c.args.length === 2) return [[c.op, c.args[0]!, c.args[1]!]];
  return [];
}

/** `a <op> b` as a bound on `left.ts - right.ts`, when a and b are the two sides' rowtimes ± constants. */
function comparisonBound(
  op: string,
  a: Rex,
  b: Rex,
  width: number,
  isRowtime: (index: number) => boolean,
): Bound | undefined {
  const ta = timeTerm(a);
  const tb = timeTerm(b);
  if (!ta || !tb || !isRowtime(ta.index) || !isRowtime(tb.index)) return undefined;
  let normalized: string;
  let bound: number;
  let l: number;
  let r: number;
  if (ta.index < width && tb.index >= width) {
    // L + oa <op> R + ob  ⇔  L - R <op> ob - oa
    [l, r, normalized, bound] = [ta.index, tb.index, op, tb.offset - ta.offset];
  } else if (tb.index < width && ta.index >= width) {
    // R + oa <op> L + ob  ⇔  L - R <flipped op> oa - ob
    [l, r, normalized, bound] = [tb.index, ta.index, FLIP[op]!, ta.offset - tb.offset];
  } else return undefined;
  return {
    leftTime: l,
    rightTime: r,
    side: normalized === '>=' || normalized === '>' ? 'lower' : 'upper',
    bound,
    inclusive: normalized === '>=' || normalized === '<=',
  };
}

/** A column reference plus or minus constant intervals: `ts`, `ts + INTERVAL '5' SECOND`, `ts - …`. */
function timeTerm(r: Rex): { index: number; offset: number } | undefined {
  if (r.kind === 'inputRef') return { index: r.index, offset: 0 };
  if (r.kind !== 'call' || r.args.length !== 2 || (r.op !== '+' && r.op !== '-')) return undefined;
  const [x, y] = r.args as [Rex, Rex];
  const c = intervalConstant(y);
  if (c !== undefined) {
    const t = timeTerm(x);
    return t && { index: t.index, offset: t.offset + (r.op === '+' ? c : -c) };
  }
  const c0 = r.op === '+' ? intervalConstant(x) : undefined;
  const t = c0 !== undefined ? timeTerm(y) : undefined;
  return t && { index: t.index, offset: t.offset + c0! };
}

/** The milliseconds of a constant interval expression. */
function intervalConstant(r: Rex): number | undefined {
  if (r.type.kind !== 'INTERVAL') return undefined;
  if (r.kind === 'literal') return typeof r.value === 'number' ? r.value : undefined;
  if (r.kind !== 'call') return undefined;
  if (r.op === 'NEG' && r.args.length === 1) {
    const v = intervalConstant(r.args[0]!);
    return v === undefined ? undefined : -v;
  }
  if ((r.op === '+' || r.op === '-') && r.args.length === 2) {
    const a = intervalConstant(r.args[0]!);
    const b = intervalConstant(r.args[1]!);
    return a === undefined || b === undefined ? undefined : r.op === '+' ? a + b : a - b;
  }
  return undefined;
}

/** The candidate that bounds most: the largest lower or smallest upper bound, an exclusive one on a tie. */
function tightest(cs: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of cs) {
    if (!best) {
      best = c;
      continue;
    }
    const sign = c.bound.side === 'lower' ? 1 : -1;
    const d = sign * (c.bound.bound - best.bound.bound);
    if (d > 0 || (d === 0 && !c.bound.inclusive && best.bound.inclusive)) best = c;
  }
  return best;
}

/** Conjunct `i` without the bounds taken from it: gone, the other half of a BETWEEN, or unchanged. */
function remainder(c: Rex, i: number, used: readonly Candidate[]): Rex[] {
  const taken = used.filter((u) => u.conjunct === i).map((u) => u.half);
  if (taken.length === 0) return [c];
  const halves = comparisons(c);
  return halves.filter((_, half) => !taken.includes(half)).map(([op, a, b]) => call(op, [a, b], c.type));
}
