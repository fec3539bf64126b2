// Window slicing: HOP and CUMULATE aggregated on slices give exactly the rows of the per-window aggregate over the
// window table function's rows, through snapshots and restores, and leave no state; late rows drop.
import { describe, expect, it } from 'vitest';
import type { AggCall, WindowSpec } from '../../compiler/logical/plan';
import { T } from '../../compiler/types';
import type { Field } from '../../compiler/types';
import type { Row } from '../../runtime/messages';
import type { Output, StreamOperator } from '../../runtime/operator';
import {
  SlicingWindowAggregateOperator,
  type SlicingWindowAggregateSpec,
} from '../../runtime/operators/slicing-window-aggregate';
import { WindowAggregateOperator } from '../../runtime/operators/window-aggregate';
import { assignWindows } from '../../runtime/operators/window-table-function';
import type { KeyGroupData } from '../../runtime/state/backend';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { keyGroupOf } from '../../runtime/key-groups';
import { prng } from '../e2e/crash-harness';
import { operatorContext } from '../support/operator-context';

const RANGE = { start: 0, end: 127 };
/** Input rows: [k, ts, v]. */
const INPUT: Field[] = [
  { name: 'k', type: T.bigint() },
  { name: 'ts', type: T.timestamp(3, false, 'rowtime') },
  { name: 'v', type: T.bigint() },
];
const AGGS: AggCall[] = [
  { fn: 'COUNT', args: [], distinct: false, type: T.bigint(), name: 'COUNT(*)' },
  { fn: 'SUM', args: [2], distinct: false, type: T.bigint(), name: 'SUM(v)' },
  { fn: 'MAX', args: [2], distinct: false, type: T.bigint(), name: 'MAX(v)' },
  { fn: 'COUNT', args: [2], distinct: true, type: T.bigint(), name: 'COUNT(DISTINCT v)' },
];

class Collect implements Output {
  readonly rows: string[] = [];
  emit(batch: { rows: Row[] }): void {
    for (const r of batch.rows) this.rows.push(JSON.stringify(r));
  }
  emitWatermark(): void {}
}

/** Random rows of 5 keys over `span` ms, time roughly increasing with a jitter below the 3 s watermark delay. */
function input(seed: number, n: number, span: number): Row[] {
  const r = prng(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const ts = Math.floor((i / n) * span + r() * 2_500);
    rows.push([Math.floor(r() * 5), ts, Math.floor(r() * 20)]);
  }
  return rows;
}

/** Runs `rows` in batches of 50 with a watermark (max ts − 3 s) after each; `restoreEvery`: snapshot and restore. */
async function run(
  make: () => StreamOperator,
  rows: Row[],
  prepare: (row: Row) => Row[],
  restoreEvery = 0,
): Promise<{ out: string[] }> {
  const out = new Collect();
  let backend = new HeapKeyedStateBackend(RANGE);
  let op = make();
  await op.open(operatorContext(backend, [false]), undefined);
  let maxTs = -Infinity;
  let watermark = -Infinity;
  for (let i = 0, batch = 0; i < rows.length; i += 50, batch++) {
    const chunk = rows.slice(i, i + 50);
    op.processBatch(0, { rows: chunk.flatMap(prepare), kinds: undefined }, out);
    for (const r of chunk) maxTs = Math.max(maxTs, r[1] as number);
    watermark = maxTs - 3_000;
    op.processWatermark!(watermark, out);
    if (restoreEvery > 0 && batch % restoreEvery === restoreEvery - 1) {
      const snap = backend.snapshot(batch + 1);
      if (snap.format !== 'canonical') throw new Error('heap snapshots are canonical');
      const groups = [...(snap.keyGroups() as Iterable<KeyGroupData>)];
      const own = (op as { snapshotState?: () => unknown }).snapshotState?.();
      snap.release();
      backend = new HeapKeyedStateBackend(RANGE);
      await backend.restore(groups);
      op = make();
      await op.open(operatorContext(backend, [false]), {
        checkpointId: batch + 1,
        own,
        all: [own ?? null],
      });
    }
  }
  op.processWatermark!(Number.MAX_SAFE_INTEGER, out);
  expect(backend.numEntries()).toBe(0);
  return { out: out.rows.sort() };
}

const WINDOWS: WindowSpec[] = [
  { kind: 'HOP', timeIndex: 1, timeAttribute: 'rowtime', slide: 2_000, size: 10_000, partitionKeys: [] },
  { kind: 'HOP', timeIndex: 1, timeAttribute: 'rowtime', slide: 5_000, size: 5_000, partitionKeys: [] },
  { kind: 'CUMULATE', timeIndex: 1, timeAttribute: 'rowtime', step: 2_000, size: 8_000, partitionKeys: [] },
];

describe('SlicingWindowAggregateOperator', () => {
  for (const window of WINDOWS) {
    const name = `${window.kind}(${window.slide ?? window.step}, ${window.size})`;
    it(`${name}: the same rows as the per-window aggregate, also when restored every few batches`, async () => {
      // Output: [k, window_start, window_end, aggs…]. The sliced input is [k, ts, ts, v]; the unsliced [k, ws, we, v].
      const sliced: SlicingWindowAggregateSpec = {
        kind: 'slicingWindowAggregate',
        window,
        keys: [0, 1, 2],
        windowStart: 1,
        windowEnd: 2,
        aggs: AGGS.map((a) => (a.args.length ? { ...a, args: [3] } : a)),
      };
      const schema4: Field[] = [INPUT[0]!, INPUT[1]!, INPUT[1]!, INPUT[2]!];
      const rows = input(7, 3_000, 60_000);
      const reference = await run(
        () => new WindowAggregateOperator({ ...sliced, kind: 'windowAggregate' }, schema4),
        rows,
        (r) => assignWindows(window, r[1] as number).map(([s, e]) => [r[0], s, e, r[2]]),
      );
      const toSliced = (r: Row): Row[] => [[r[0], r[1], r[1], r[2]]];
      const plain = await run(() => new SlicingWindowAggregateOperator(sliced, schema4), rows, toSliced);
      const restored = await run(
        () => new SlicingWindowAggregateOperator(sliced, schema4),
        rows,
        toSliced,
        7,
      );
      expect(reference.out.length).toBeGreaterThan(50);
      expect(plain.out).toEqual(reference.out);
      expect(restored.out).toEqual(reference.out);
      console.log(`${name}: ${plain.out.length} window rows equal`);
    });
  }

  it('rescales: a snapshot of one subtask restored into two halves of the key groups gives the same rows', async () => {
    const window = WINDOWS[0]!;
    const spec: SlicingWindowAggregateSpec = {
      kind: 'slicingWindowAggregate',
      window,
      keys: [0, 1, 2],
      windowStart: 1,
      windowEnd: 2,
      aggs: AGGS.map((a) => (a.args.length ? { ...a, args: [3] } : a)),
    };
    const schema4: Field[] = [INPUT[0]!, INPUT[1]!, INPUT[1]!, INPUT[2]!];
    // Keys 5…9: their key groups fall in both halves.
    const rows = input(11, 3_000, 60_000).map((r) => [(r[0] as number) + 5, r[1], r[1], r[2]]);
    const whole = await run(
      () => new SlicingWindowAggregateOperator(spec, schema4),
      rows,
      (r) => [r],
    );
    // The first half on one subtask over all key groups, then a snapshot.
    const out = new Collect();
    const one = new HeapKeyedStateBackend(RANGE);
    const first = new SlicingWindowAggregateOperator(spec, schema4);
    await first.open(operatorContext(one, [false]), undefined);
    let maxTs = -Infinity;
    const half = rows.length / 2;
    const feed = (op: SlicingWindowAggregateOperator, chunk: Row[]) => {
      op.processBatch(0, { rows: chunk, kinds: undefined });
      for (const r of chunk) maxTs = Math.max(maxTs, r[1] as number);
    };
    for (let i = 0; i < half; i += 50) {
      feed(first, rows.slice(i, i + 50));
      first.processWatermark(maxTs - 3_000, out);
    }
    const snap = one.snapshot(1);
    if (snap.format !== 'canonical') throw new Error('heap snapshots are canonical');
    const groups = [...(snap.keyGroups() as Iterable<KeyGroupData>)];
    const own = first.snapshotState();
    snap.release();
    // Two subtasks, each with half of the key groups; rows go to the subtask owning their key's group.
    const ranges = [
      { start: 0, end: 63 },
      { start: 64, end: 127 },
    ];
    const subtasks = await Promise.all(
      ranges.map(async (range) => {
        const backend = new HeapKeyedStateBackend(range);
        await backend.restore(groups);
        const op = new SlicingWindowAggregateOperator(spec, schema4);
        await op.open(operatorContext(backend, [false], { keyGroupRange: range }), {
          checkpointId: 1,
          own,
          all: [own],
        });
        return { range, op, backend };
      }),
    );
    for (let i = half; i < rows.length; i += 50) {
      const chunk = rows.slice(i, i + 50);
      for (const t of subtasks)
        feed(
          t.op,
          chunk.filter((r) => {
            const kg = keyGroupOf(r[0] as number, 128);
            return kg >= t.range.start && kg <= t.range.end;
          }),
        );
      for (const t of subtasks) t.op.processWatermark(maxTs - 3_000, out);
    }
    // Both halves own some of the keys.
    const groups5 = [5, 6, 7, 8, 9].map((k) => keyGroupOf(k, 128));
    expect(groups5.some((g) => g < 64) && groups5.some((g) => g >= 64)).toBe(true);
    for (const t of subtasks) t.op.processWatermark(Number.MAX_SAFE_INTEGER, out);
    expect(out.rows.sort()).toEqual(whole.out);
    for (const t of subtasks) expect(t.backend.numEntries()).toBe(0);
  });

  it('drops a row whose slice has fired, counted once', async () => {
    const spec: SlicingWindowAggregateSpec = {
      kind: 'slicingWindowAggregate',
      window: WINDOWS[0]!,
      keys: [0, 1, 2],
      windowStart: 1,
      windowEnd: 2,
      aggs: [AGGS[0]!],
    };
    const ctx = operatorContext(new HeapKeyedStateBackend(RANGE), [false]);
    const op = new SlicingWindowAggregateOperator(spec, INPUT);
    await op.open(ctx, undefined);
    const out = new Collect();
    op.processBatch(0, { rows: [[1, 1_000, 1_000]], kinds: undefined });
    op.processWatermark(1_999, out);
    expect(out.rows).toEqual([JSON.stringify([1, -8_000, 2_000, 1])]);
    op.processBatch(0, { rows: [[1, 1_500, 1_500]], kinds: undefined });
    expect(ctx.metrics.lateRecords).toBe(1);
  });
});
