// Sequence splits: every index below the total exactly once, over runs that change parallelism and block size.
import { describe, expect, it } from 'vitest';
import { SequenceSplit } from '../../runtime/connectors/sequence-split';

interface Run {
  readonly p: number;
  readonly block: number;
  /** Takes per split before the run stops (a savepoint); Infinity: to the end. */
  readonly steps: number;
  readonly n: number;
}

/** Runs the plan, each run restoring the previous one's offsets; returns the indices in production order. */
function produce(total: number, plan: readonly Run[]): number[] {
  const out: number[] = [];
  let offsets: unknown[] = [];
  for (const { p, block, steps, n } of plan) {
    const splits = Array.from({ length: p }, (_, s) => {
      const x = new SequenceSplit(s, p, total, 'test', block);
      x.restore(offsets[s], offsets);
      return x;
    });
    for (let step = 0; step < steps && splits.some((x) => x.remaining() > 0); step++)
      for (const x of splits) {
        if (x.remaining() <= 0) continue;
        const t = x.take(n);
        if (Array.isArray(t)) out.push(...t);
        else for (let j = 0; j < t.count; j++) out.push(t.first + j * t.stride);
      }
    offsets = splits.map((x) => x.offset());
  }
  return out;
}

function expectEachOnce(total: number, got: number[]): void {
  expect(got.length).toBe(total);
  expect(new Set(got).size).toBe(total);
  expect(got.every((i) => Number.isInteger(i) && i >= 0 && i < total)).toBe(true);
}

describe('SequenceSplit', () => {
  it('takes blocks: split s of p takes blocks s, s + p, … whole, one block per take at most', () => {
    const x = new SequenceSplit(1, 2, 10_000, 'test', 4);
    expect(x.take(100)).toEqual({ first: 4, count: 4, stride: 1 });
    expect(x.take(3)).toEqual({ first: 12, count: 3, stride: 1 });
    expect(x.take(3)).toEqual({ first: 15, count: 1, stride: 1 });
    expect(x.next).toBe(20);
  });

  it('with blocks of 1 takes strides, and offsets look as they did before blocks', () => {
    const x = new SequenceSplit(1, 3, 100, 'test');
    expect(x.take(5)).toEqual({ first: 1, count: 5, stride: 3 });
    expect(x.offset()).toEqual({ split: 1, splits: 3, emitted: 5 });
  });

  for (const total of [0, 1, 1023, 1025, 4100])
    it(`produces each of ${total} indices once across changes of parallelism and block size`, () => {
      for (const [p1, b1, p2, b2] of [
        [1, 1, 2, 1024],
        [2, 1024, 3, 1],
        [3, 64, 2, 64],
        [2, 1, 1, 1],
        [2, 1024, 2, 1],
      ] as const)
        for (const steps of [0, 1, 3])
          for (const n of [7, 1024])
            expectEachOnce(
              total,
              produce(total, [
                { p: p1, block: b1, steps, n },
                { p: p2, block: b2, steps: Infinity, n },
              ]),
            );
      expectEachOnce(
        total,
        produce(total, [
          { p: 2, block: 64, steps: 3, n: 50 },
          { p: 3, block: 1, steps: 2, n: 50 },
          { p: 1, block: 1024, steps: 1, n: 50 },
          { p: 2, block: 1024, steps: Infinity, n: 50 },
        ]),
      );
    });

  it('restores an offset written before blocks (no block field) as strides', () => {
    const old = [
      { split: 0, splits: 2, emitted: 3 },
      { split: 1, splits: 2, emitted: 2 },
    ];
    // Old run took 0, 2, 4 and 1, 3; the new one, in blocks of 4 at parallelism 2, takes the rest once.
    const got: number[] = [];
    for (let s = 0; s < 2; s++) {
      const x = new SequenceSplit(s, 2, 20, 'test', 4);
      x.restore(old[s], old);
      while (x.remaining() > 0) {
        const t = x.take(4);
        if (Array.isArray(t)) got.push(...t);
        else for (let j = 0; j < t.count; j++) got.push(t.first + j * t.stride);
      }
    }
    expect(got.sort((a, b) => a - b)).toEqual([5, ...Array.from({ length: 14 }, (_, i) => i + 6)]);
  });
});
