// Window Top-N and window deduplication alone: each window's ranks once it closes, and no state left behind it.
import { describe, expect, it } from 'vitest';
import type { Row } from '../../runtime/messages';
import type { Output, StreamOperator } from '../../runtime/operator';
import { WindowRankOperator, type WindowRankSpec } from '../../runtime/operators/window-rank';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { prng } from '../e2e/crash-harness';
import { operatorContext } from '../support/operator-context';

/** Rows (k, v, ts, window_start, window_end) of 1 s tumbling windows. */
const SPEC: WindowRankSpec = {
  kind: 'windowRank',
  partitionKeys: [0, 3, 4],
  keys: [0],
  orderKeys: [{ index: 1, descending: true }],
  rankStart: 1,
  rankEnd: 3,
  outputRankNumber: true,
  windowEndIndex: 4,
  timeAttribute: 'rowtime',
  lastWinsTies: false,
};

async function opened(spec: WindowRankSpec) {
  const state = new HeapKeyedStateBackend({ start: 0, end: 127 });
  const ctx = operatorContext(state, [false]);
  const op: StreamOperator = new WindowRankOperator(spec);
  await op.open(ctx, undefined);
  const emitted: Row[] = [];
  const out: Output = { emit: (b) => emitted.push(...b.rows), emitWatermark: () => {} };
  return { op, state, ctx, emitted, out };
}

describe('WindowRank', () => {
  it('over 2,000 windows: each window’s top 3 per key once the watermark passes it, and its state gone', async () => {
    const { op, state, emitted, out } = await opened(SPEC);
    const rnd = prng(7);
    const expected: Row[] = [];
    for (let w = 0; w < 2000; w++) {
      const start = w * 1000;
      const rows: Row[] = [];
      for (let i = 0; i < 40; i++) {
        const ts = start + Math.floor(rnd() * 1000);
        rows.push([`k${Math.floor(rnd() * 4)}`, Math.floor(rnd() * 20), ts, start, start + 1000]);
      }
      op.processBatch(0, { rows, kinds: undefined }, out);
      expect(state.numEntries()).toBeGreaterThan(0);
      // Reference: per key, stable sort by v DESC (ties keep arrival order), ranks 1..3.
      for (const k of ['k0', 'k1', 'k2', 'k3']) {
        const ranked = rows.filter((r) => r[0] === k).sort((a, b) => (b[1] as number) - (a[1] as number));
        ranked.slice(0, 3).forEach((r, i) => expected.push([...r, i + 1]));
      }
      op.processWatermark!(start + 999, out);
      expect(state.numEntries(), `after window ${w}`).toBe(0);
    }
    const key = (r: Row) => JSON.stringify(r);
    expect(emitted.map(key).sort()).toEqual(expected.map(key).sort());
  });

  it('drops and counts rows for a window that already closed', async () => {
    const { op, ctx, emitted, out } = await opened(SPEC);
    op.processBatch(0, { rows: [['a', 1, 10, 0, 1000]], kinds: undefined }, out);
    op.processWatermark!(999, out);
    op.processBatch(0, { rows: [['a', 5, 20, 0, 1000]], kinds: undefined }, out);
    op.processWatermark!(5000, out);
    expect(emitted).toEqual([['a', 1, 10, 0, 1000, 1]]);
    expect(ctx.metrics.lateRecords).toBe(1);
  });

  it('window deduplication keeping the last row: of rows with equal times the later one wins', async () => {
    const { op, emitted, out } = await opened({
      ...SPEC,
      orderKeys: [{ index: 2, descending: true }],
      rankEnd: 1,
      outputRankNumber: false,
      lastWinsTies: true,
    });
    op.processBatch(
      0,
      {
        rows: [
          ['a', 1, 500, 0, 1000],
          ['a', 2, 700, 0, 1000],
          ['a', 3, 700, 0, 1000],
          ['a', 4, 100, 0, 1000],
        ],
        kinds: undefined,
      },
      out,
    );
    void op.finish!(out);
    expect(emitted).toEqual([['a', 3, 700, 0, 1000, null]]);
  });
});
