// Key groups: contiguous ranges per subtask, owner lookup, hash determinism and spread, composite keys, routing.
import { describe, expect, it } from 'vitest';
import {
  type StateKey,
  keyGroupOf,
  keyGroupRange,
  keyHash,
  keyOf,
  keySelector,
  rangeContains,
  subtaskForKeyGroup,
} from '../../runtime/key-groups';
import { type RecordBatch, type Row, RowKind, type StreamElement } from '../../runtime/messages';
import { Channel } from '../../runtime/task/channel';
import { RecordWriter } from '../../runtime/task/record-writer';

const MAX_PS = [1, 2, 3, 7, 10, 64, 100, 127, 128, 129, 1000, 4096, 32768];

describe('keyGroupRange and subtaskForKeyGroup', () => {
  it('partition [0, maxP) contiguously, without gaps or overlaps, for many (p, maxP)', () => {
    let cases = 0;
    for (const maxP of MAX_PS) {
      const ps = new Set([1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64, 100, 128, maxP - 1, maxP]);
      for (const p of ps) {
        if (p < 1 || p > maxP) continue;
        let next = 0;
        for (let i = 0; i < p; i++) {
          const r = keyGroupRange(i, p, maxP);
          const size = r.end - r.start + 1;
          // Contiguous; p ≤ maxP, so nobody is left without a key group; sizes differ by at most one.
          const ok =
            r.start === next && size >= 1 && (size === Math.floor(maxP / p) || size === Math.ceil(maxP / p));
          if (!ok) throw new Error(`p=${p} maxP=${maxP}: subtask ${i} has ${r.start}-${r.end} after ${next}`);
          next = r.end + 1;
        }
        expect(next, `p=${p} maxP=${maxP}`).toBe(maxP);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(100);
  });

  it('agree: the subtask that owns a key group is the one whose range contains it', () => {
    for (const maxP of MAX_PS.filter((m) => m <= 4096)) {
      for (const p of [1, 2, 3, 5, 6, 7, 9, 12, 17, 64, 127, maxP]) {
        if (p > maxP) continue;
        const ranges = Array.from({ length: p }, (_, i) => keyGroupRange(i, p, maxP));
        for (let kg = 0; kg < maxP; kg++) {
          const owner = subtaskForKeyGroup(kg, p, maxP);
          if (!(owner >= 0 && owner < p) || !rangeContains(ranges[owner]!, kg))
            throw new Error(`p=${p} maxP=${maxP}: key group ${kg} → subtask ${owner} does not own it`);
        }
      }
    }
  });

  it('matches Flink’s ranges for the default max parallelism', () => {
    expect([0, 1, 2].map((i) => keyGroupRange(i, 3, 128))).toEqual([
      { start: 0, end: 42 },
      { start: 43, end: 85 },
      { start: 86, end: 127 },
    ]);
    expect(subtaskForKeyGroup(42, 3, 128)).toBe(0);
    expect(subtaskForKeyGroup(43, 3, 128)).toBe(1);
    expect(subtaskForKeyGroup(127, 3, 128)).toBe(2);
  });
});

describe('keyHash', () => {
  it('is deterministic, unsigned 32-bit, and fixed across processes (golden values)', () => {
    const keys: StateKey[] = [0, 1, -1, 42, 2 ** 40, 1.5, 'a', '', 'user-17', true, false];
    for (const k of keys) {
      const h = keyHash(k);
      expect(h).toBe(keyHash(k));
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
    // Pinned: a change here moves keys between key groups and breaks restoring old checkpoints.
    expect(keys.map((k) => keyGroupOf(k, 128))).toEqual(keys.map((k) => keyHash(k) % 128));
    expect(keys.map((k) => keyHash(k))).toEqual([
      0, 1364076727, 2180083513, 142593372, 1164980575, 3799294585, 657925644, 3954623016, 3700052682,
      262886248, 3416284795,
    ]);
  });

  function chiSquare(keys: Iterable<StateKey>, groups: number): number {
    const counts = new Array<number>(groups).fill(0);
    let n = 0;
    for (const k of keys) {
      counts[keyGroupOf(k, groups)]!++;
      n++;
    }
    const expected = n / groups;
    return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  }

  function* range<T>(n: number, f: (i: number) => T): Generator<T> {
    for (let i = 0; i < n; i++) yield f(i);
  }

  it('spreads 100k keys evenly over 128 key groups (chi-square sanity)', () => {
    // 127 degrees of freedom: mean 127, standard deviation ≈ 16; 250 is far out in the tail.
    const N = 100_000;
    expect(
      chiSquare(
        range(N, (i) => i),
        128,
      ),
    ).toBeLessThan(250);
    expect(
      chiSquare(
        range(N, (i) => i * 128),
        128,
      ),
    ).toBeLessThan(250); // multiples of the group count
    expect(
      chiSquare(
        range(N, (i) => `user-${i}`),
        128,
      ),
    ).toBeLessThan(250);
    expect(
      chiSquare(
        range(N, (i) => keyOf([`c${i % 97}`, i], [0, 1])),
        128,
      ),
    ).toBeLessThan(250);
    expect(
      chiSquare(
        range(N, (i) => i + 0.5),
        128,
      ),
    ).toBeLessThan(250);
    expect(
      chiSquare(
        range(N, (i) => 10_000_000_000 + i),
        128,
      ),
    ).toBeLessThan(250);
  });
});

describe('keyOf and keySelector', () => {
  it('use the raw value for one column and distinguish composite keys', () => {
    expect(keyOf(['a1', 5], [0])).toBe('a1');
    expect(keyOf(['x', 5], [1])).toBe(5);
    const keys = [
      keyOf(['a', 1], [0, 1]),
      keyOf(['a1'], [0]),
      keyOf(['a1', null], [0, 1]),
      keyOf(['a', '1'], [0, 1]),
      keyOf(['a', true], [0, 1]),
      keyOf(['a', 'true'], [0, 1]),
      keyOf(['a1', ''], [0, 1]),
      keyOf(['', 'a1'], [0, 1]),
      keyOf([null, null], [0, 1]),
      keyOf(['', ''], [0, 1]),
      keyOf([1, 1], [0, 1]),
      keyOf([11, null], [0, 1]),
      keyOf(['a', 1, 2], [0, 1, 2]),
      keyOf(['a', 12], [0, 1]),
      keyOf(['a', 1], [1, 0]),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives the same key through keySelector as through keyOf, and a stable key for null and objects', () => {
    const rows: Row[] = [
      ['a', 1, null],
      [null, 2, { x: 1 }],
      ['b', 3, [1, 2]],
    ];
    for (const cols of [[0], [1], [2], [0, 1], [2, 0], [0, 1, 2]]) {
      const sel = keySelector(cols);
      for (const r of rows) expect(sel(r)).toEqual(keyOf(r, cols));
    }
    expect(keyOf([null], [0])).toBe(keyOf([undefined], [0]));
    expect(keyOf([null], [0])).not.toBe('null');
    expect(keyOf([{ a: 1 }], [0])).toBe(keyOf([{ a: 1 }], [0]));
  });
});

describe('RecordWriter hash partitioning', () => {
  function drain(c: Channel): StreamElement[] {
    const out: StreamElement[] = [];
    for (let e = c.poll(); e; e = c.poll()) out.push(e);
    return out;
  }

  for (const [p, maxP] of [
    [2, 128],
    [3, 128],
    [4, 10],
    [7, 128],
  ] as const) {
    it(`routes every row to the subtask owning its key group (p=${p}, maxP=${maxP}), kinds alongside`, () => {
      const channels = Array.from({ length: p }, (_, i) => new Channel(`out-${i}`, 1000));
      const w = new RecordWriter([
        { partitioning: { kind: 'hash', keys: [1, 0] }, channels, subtaskIndex: 0, maxParallelism: maxP },
      ]);
      const rows: Row[] = Array.from({ length: 2000 }, (_, i) => [`u${i % 211}`, i % 5, i]);
      const kinds = rows.map((_, i) => (i % 3 === 0 ? RowKind.UpdateBefore : RowKind.UpdateAfter));
      const half = 1000;
      w.emit({ rows: rows.slice(0, half), kinds: kinds.slice(0, half) });
      w.emit({ rows: rows.slice(half), kinds: undefined });
      expect(w.recordsOut).toBe(rows.length);

      const seen = new Set<number>();
      const select = keySelector([1, 0]);
      for (let t = 0; t < p; t++) {
        const range = keyGroupRange(t, p, maxP);
        for (const e of drain(channels[t]!)) {
          expect(e.kind).toBe('batch');
          const b = (e as { batch: RecordBatch }).batch;
          expect(b.rows.length).toBeGreaterThan(0);
          b.rows.forEach((row, i) => {
            const kg = keyGroupOf(select(row), maxP);
            if (!rangeContains(range, kg))
              throw new Error(`row ${String(row)} (key group ${kg}) sent to ${t}`);
            const index = row[2] as number;
            seen.add(index);
            if (index < half) expect(b.kinds![i]).toBe(kinds[index]);
            else expect(b.kinds).toBeUndefined();
          });
        }
      }
      expect(seen.size).toBe(rows.length);
    });
  }

  it('sends a whole batch down a forward edge and broadcasts barriers to every channel', () => {
    const channels = [new Channel('a'), new Channel('b'), new Channel('c')];
    const w = new RecordWriter([
      { partitioning: { kind: 'forward' }, channels, subtaskIndex: 1, maxParallelism: 128 },
    ]);
    w.emit({ rows: [[1], [2]], kinds: undefined });
    w.emit({ rows: [], kinds: undefined }); // empty batches are dropped
    w.broadcast({ kind: 'barrier', checkpointId: 3, timestamp: 0, isSavepoint: false });
    expect(drain(channels[0]!).map((e) => e.kind)).toEqual(['barrier']);
    expect(drain(channels[1]!).map((e) => e.kind)).toEqual(['batch', 'barrier']);
    expect(drain(channels[2]!).map((e) => e.kind)).toEqual(['barrier']);
  });
});

describe('composite keys with separator characters', () => {
  it('never collide when string values contain control characters', async () => {
    const { keyOf } = await import('../../runtime/key-groups');
    expect(keyOf(['a\u0001sb', 'c'], [0, 1])).not.toBe(keyOf(['a', 'b\u0001sc'], [0, 1]));
    expect(keyOf(['a;', 'b'], [0, 1])).not.toBe(keyOf(['a', ';b'], [0, 1]));
    expect(keyOf([null, 'x'], [0, 1])).not.toBe(keyOf(['', 'x'], [0, 1]));
  });
});
