// OVER aggregates alone: ROWS and RANGE frames on event time against a reference computed row by row, late rows,
// processing time on arrival.
import { describe, expect, it } from 'vitest';
import type { AggCall, OverFrame } from '../../compiler/logical/plan';
import { T } from '../../compiler/types';
import { ManualClock } from '../../runtime/clock';
import type { Row } from '../../runtime/messages';
import type { Output, StreamOperator } from '../../runtime/operator';
import { OverAggregateOperator } from '../../runtime/operators/over-aggregate';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { prng } from '../e2e/crash-harness';
import { operatorContext } from '../support/operator-context';

/** Rows (k, v, ts): COUNT(*), SUM(v), MIN(v), MAX(v) over the frame, partitioned by k, ordered by ts. */
const SCHEMA = [
  { name: 'k', type: T.string(false) },
  { name: 'v', type: T.bigint(false) },
  { name: 'ts', type: T.timestamp(3, false, 'rowtime') },
];
const AGGS: AggCall[] = [
  { fn: 'COUNT', args: [], distinct: false, type: T.bigint(false), name: 'c' },
  { fn: 'SUM', args: [1], distinct: false, type: T.bigint(), name: 's' },
  { fn: 'MIN', args: [1], distinct: false, type: T.bigint(), name: 'mn' },
  { fn: 'MAX', args: [1], distinct: false, type: T.bigint(), name: 'mx' },
];

async function opened(
  frame: OverFrame,
  timeAttribute: 'rowtime' | 'proctime' = 'rowtime',
  clock?: ManualClock,
) {
  const state = new HeapKeyedStateBackend({ start: 0, end: 127 });
  const ctx = operatorContext(state, [false], clock ? { clock } : {});
  const op: StreamOperator = new OverAggregateOperator(
    { kind: 'overAggregate', partitionKeys: [0], timeIndex: 2, timeAttribute, frame, aggs: AGGS },
    SCHEMA,
  );
  await op.open(ctx, undefined);
  const emitted: Row[] = [];
  const out: Output = { emit: (b) => emitted.push(...b.rows), emitWatermark: () => {} };
  return { op, ctx, emitted, out };
}

/** The reference: for each row, the aggregates over the rows of its key that its frame holds. */
function reference(rows: readonly Row[], frame: OverFrame): Row[] {
  // Event-time order, ties in arrival order.
  const sorted = rows
    .map((r, i) => [r, i] as const)
    .sort((a, b) => (a[0][2] as number) - (b[0][2] as number) || a[1] - b[1]);
  const out: Row[] = [];
  sorted.forEach(([row]) => {
    const same = sorted.filter(([r]) => r[0] === row[0]);
    const mine = same.findIndex(([r]) => r === row);
    const ts = row[2] as number;
    const inFrame =
      frame.unit === 'ROWS'
        ? same.slice(frame.preceding === undefined ? 0 : Math.max(0, mine - frame.preceding), mine + 1)
        : same.filter(
            ([r]) =>
              (r[2] as number) <= ts &&
              (frame.preceding === undefined || (r[2] as number) >= ts - frame.preceding),
          );
    const vs = inFrame.map(([r]) => r[1] as number);
    out.push([...row, vs.length, vs.reduce((a, b) => a + b, 0), Math.min(...vs), Math.max(...vs)]);
  });
  return out;
}

/** 3 keys, times with ties, arriving up to 3 s out of order, the watermark 3 s behind the largest time. */
async function runEventTime(frame: OverFrame): Promise<{ got: Row[]; want: Row[] }> {
  const { op, emitted, out } = await opened(frame);
  const rnd = prng(3);
  const rows: Row[] = [];
  let maxTs = 0;
  for (let i = 0; i < 3000; i++) {
    const ts = Math.max(
      0,
      i * 100 - Math.floor(rnd() * 3) * 1000 - (i % 7 === 0 ? 0 : 100 * Math.floor(rnd() * 3)),
    );
    const row: Row = [`k${Math.floor(rnd() * 3)}`, Math.floor(rnd() * 100), ts];
    rows.push(row);
    op.processBatch(0, { rows: [row], kinds: undefined }, out);
    maxTs = Math.max(maxTs, ts);
    if (i % 10 === 9) op.processWatermark!(maxTs - 3001, out);
  }
  op.processWatermark!(Number.MAX_SAFE_INTEGER, out);
  return { got: emitted, want: reference(rows, frame) };
}

const byKey = (rows: Row[]) => [...rows].map((r) => JSON.stringify(r)).sort();

describe('OverAggregate on event time', () => {
  it('ROWS BETWEEN 2 PRECEDING AND CURRENT ROW', async () => {
    const { got, want } = await runEventTime({ unit: 'ROWS', preceding: 2 });
    expect(byKey(got)).toEqual(byKey(want));
  });

  it('RANGE BETWEEN INTERVAL 2 SECOND PRECEDING AND CURRENT ROW: rows of one time are peers', async () => {
    const { got, want } = await runEventTime({ unit: 'RANGE', preceding: 2000 });
    expect(byKey(got)).toEqual(byKey(want));
  });

  it('ROWS and RANGE UNBOUNDED PRECEDING', async () => {
    for (const unit of ['ROWS', 'RANGE'] as const) {
      const { got, want } = await runEventTime({ unit });
      expect(byKey(got)).toEqual(byKey(want));
    }
  });

  it('emits in time order once the watermark passes; drops and counts late rows', async () => {
    const { op, ctx, emitted, out } = await opened({ unit: 'ROWS', preceding: 1 });
    op.processBatch(
      0,
      {
        rows: [
          ['a', 5, 2000],
          ['a', 7, 1000],
        ],
        kinds: undefined,
      },
      out,
    );
    expect(emitted).toEqual([]);
    op.processWatermark!(1500, out);
    expect(emitted).toEqual([['a', 7, 1000, 1, 7, 7, 7]]);
    op.processBatch(0, { rows: [['a', 1, 1200]], kinds: undefined }, out);
    op.processWatermark!(2500, out);
    expect(emitted).toEqual([
      ['a', 7, 1000, 1, 7, 7, 7],
      ['a', 5, 2000, 2, 12, 5, 7],
    ]);
    expect(ctx.metrics.lateRecords).toBe(1);
  });
});

describe('OverAggregate on processing time', () => {
  it('each row on arrival, with a RANGE frame over the clock', async () => {
    const clock = new ManualClock(0);
    const { op, emitted, out } = await opened({ unit: 'RANGE', preceding: 1000 }, 'proctime', clock);
    for (const [t, v] of [
      [0, 1],
      [500, 2],
      [1200, 3],
      [3000, 4],
    ] as const) {
      clock.advance(t - clock.now());
      op.processBatch(0, { rows: [['a', v, null]], kinds: undefined }, out);
    }
    expect(emitted.map((r) => r.slice(3))).toEqual([
      [1, 1, 1, 1],
      [2, 3, 1, 2],
      [2, 5, 2, 3],
      [1, 4, 4, 4],
    ]);
  });
});
