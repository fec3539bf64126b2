// Top-N and deduplication operators alone: their changelogs against the outputs Flink's own tests expect.
import { describe, expect, it } from 'vitest';
import type { OrderKey } from '../../compiler/logical/plan';
import { type Row, ROW_KIND_SHORT, type RecordBatch, RowKind } from '../../runtime/messages';
import type { Output, StreamOperator } from '../../runtime/operator';
import { ManualClock } from '../../runtime/clock';
import { DeduplicateOperator } from '../../runtime/operators/deduplicate';
import { RankOperator } from '../../runtime/operators/rank';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { operatorContext } from '../support/operator-context';

/** Collects what an operator emits as Flink prints it: `+I[book, 1, 12, 1]`. */
function collector(): { out: Output; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out: {
      emit: (b: RecordBatch) =>
        b.rows.forEach((r, i) =>
          lines.push(`${ROW_KIND_SHORT[b.kinds?.[i] ?? RowKind.Insert]}[${r.join(', ')}]`),
        ),
      emitWatermark: () => {},
    },
  };
}

function open(op: StreamOperator, inputUpdating = false): void {
  const state = new HeapKeyedStateBackend({ start: 0, end: 127 });
  void op.open(operatorContext(state, [inputUpdating]), undefined);
}

/** Feeds rows one at a time (as Flink's test harness does), each `[kind, ...values]`. */
function feed(op: StreamOperator, rows: readonly (readonly [RowKind, ...unknown[]])[]): string[] {
  const { out, lines } = collector();
  for (const [kind, ...values] of rows)
    op.processBatch(0, { rows: [values as Row], kinds: kind === RowKind.Insert ? undefined : [kind] }, out);
  return lines;
}

const I = RowKind.Insert;
const UB = RowKind.UpdateBefore;
const D = RowKind.Delete;

/** Flink's TopNFunctionTestBase: rows (category, id, value), partitioned by category, ordered by value ASC. */
const BY_VALUE: OrderKey[] = [{ index: 2, descending: false }];

function topN(rankStart: number, rankEnd: number, outputRankNumber: boolean): RankOperator {
  const op = new RankOperator({
    kind: 'rank',
    partitionKeys: [0],
    orderKeys: BY_VALUE,
    rankStart,
    rankEnd,
    outputRankNumber,
  });
  open(op);
  return op;
}

/** Without the rank number the operator still fills the rank column, with NULL: drop it to compare. */
const withoutRank = (lines: string[]) => lines.map((l) => l.replace(/, $/, '').replace(/, \]$/, ']'));

describe('Top-N (Rank) on an insert-only input, as Flink’s AppendOnlyTopNFunction', () => {
  it('with the rank number: the moved ranks retracted and re-emitted (testOutputRankNumberWithConstantRankRange)', () => {
    const lines = feed(topN(1, 2, true), [
      [I, 'book', 1, 12],
      [I, 'book', 2, 19],
      [I, 'book', 4, 11],
      [I, 'book', 5, 11],
      [I, 'fruit', 4, 33],
      [I, 'fruit', 3, 44],
      [I, 'fruit', 5, 22],
    ]);
    expect(lines).toEqual([
      '+I[book, 1, 12, 1]',
      '+I[book, 2, 19, 2]',
      '-U[book, 1, 12, 1]',
      '+U[book, 4, 11, 1]',
      '-U[book, 2, 19, 2]',
      '+U[book, 1, 12, 2]',
      '-U[book, 1, 12, 2]',
      '+U[book, 5, 11, 2]',
      '+I[fruit, 4, 33, 1]',
      '+I[fruit, 3, 44, 2]',
      '-U[fruit, 4, 33, 1]',
      '+U[fruit, 5, 22, 1]',
      '-U[fruit, 3, 44, 2]',
      '+U[fruit, 4, 33, 2]',
    ]);
  });

  it('without the rank number: the row pushed out deleted, the new one inserted (testConstantRankRangeWithoutOffset)', () => {
    const lines = feed(topN(1, 2, false), [
      [I, 'book', 1, 12],
      [I, 'book', 2, 19],
      [I, 'book', 4, 11],
      [I, 'fruit', 4, 33],
      [I, 'fruit', 3, 44],
      [I, 'fruit', 5, 22],
    ]);
    expect(withoutRank(lines)).toEqual([
      '+I[book, 1, 12]',
      '+I[book, 2, 19]',
      '-D[book, 2, 19]',
      '+I[book, 4, 11]',
      '+I[fruit, 4, 33]',
      '+I[fruit, 3, 44]',
      '-D[fruit, 3, 44]',
      '+I[fruit, 5, 22]',
    ]);
  });

  it('ties go after the rows they equal; a row tying the last rank of a full Top-N stays out (testDisableGenerateUpdateBefore)', () => {
    const lines = feed(topN(1, 2, false), [
      [I, 'book', 1, 12],
      [I, 'book', 2, 19],
      [I, 'book', 3, 19],
      [I, 'book', 4, 11],
      [I, 'book', 5, 11],
    ]);
    expect(withoutRank(lines)).toEqual([
      '+I[book, 1, 12]',
      '+I[book, 2, 19]',
      '-D[book, 2, 19]',
      '+I[book, 4, 11]',
      '-D[book, 1, 12]',
      '+I[book, 5, 11]',
    ]);
  });

  it('a range from rank 2: updates of that rank (testConstantRankRangeWithOffset)', () => {
    const lines = feed(topN(2, 2, false), [
      [I, 'book', 1, 12],
      [I, 'book', 2, 19],
      [I, 'book', 4, 11],
      [I, 'fruit', 4, 33],
      [I, 'fruit', 3, 44],
      [I, 'fruit', 5, 22],
    ]);
    expect(withoutRank(lines)).toEqual([
      '+I[book, 2, 19]',
      '-U[book, 2, 19]',
      '+U[book, 1, 12]',
      '+I[fruit, 3, 44]',
      '-U[fruit, 3, 44]',
      '+U[fruit, 4, 33]',
    ]);
  });
});

describe('Top-N on an updating input, as Flink’s RetractableTopNFunction', () => {
  it('a retracted row leaves its rank; the rows below move up and the next one enters', () => {
    const op = new RankOperator({
      kind: 'rank',
      partitionKeys: [0],
      orderKeys: BY_VALUE,
      rankStart: 1,
      rankEnd: 2,
      outputRankNumber: true,
    });
    open(op, true);
    const lines = feed(op, [
      [I, 'book', 1, 12],
      [I, 'book', 2, 19],
      [I, 'book', 3, 20],
      [UB, 'book', 1, 12],
      [D, 'book', 2, 19],
      [D, 'book', 3, 20],
    ]);
    expect(lines).toEqual([
      '+I[book, 1, 12, 1]',
      '+I[book, 2, 19, 2]',
      '-U[book, 1, 12, 1]',
      '+U[book, 2, 19, 1]',
      '-U[book, 2, 19, 2]',
      '+U[book, 3, 20, 2]',
      '-U[book, 2, 19, 1]',
      '+U[book, 3, 20, 1]',
      '-D[book, 3, 20, 2]',
      '-D[book, 3, 20, 1]',
    ]);
  });
});

/** Deduplication rows (key, id, time). */
function dedup(keepLastRow: boolean, timeAttribute: 'rowtime' | 'proctime'): DeduplicateOperator {
  const op = new DeduplicateOperator({
    kind: 'deduplicate',
    keys: [0],
    keepLastRow,
    timeIndex: 2,
    timeAttribute,
  });
  open(op);
  return op;
}

const ROWS: [RowKind, string, number, number][] = [
  [I, 'a', 1, 100],
  [I, 'b', 2, 100],
  [I, 'a', 3, 300],
  [I, 'a', 4, 200],
  [I, 'a', 5, 300],
];

describe('Deduplicate, as Flink’s deduplicate functions', () => {
  it('keep first on processing time: each key’s first row, append-only', () => {
    expect(withoutRank(feed(dedup(false, 'proctime'), ROWS))).toEqual(['+I[a, 1, 100]', '+I[b, 2, 100]']);
  });

  it('keep last on processing time: every later row replaces the kept one', () => {
    expect(withoutRank(feed(dedup(true, 'proctime'), ROWS))).toEqual([
      '+I[a, 1, 100]',
      '+I[b, 2, 100]',
      '-U[a, 1, 100]',
      '+U[a, 3, 300]',
      '-U[a, 3, 300]',
      '+U[a, 4, 200]',
      '-U[a, 4, 200]',
      '+U[a, 5, 300]',
    ]);
  });

  it('keep last on event time: a row with an earlier time is dropped, one with an equal time wins', () => {
    expect(withoutRank(feed(dedup(true, 'rowtime'), ROWS))).toEqual([
      '+I[a, 1, 100]',
      '+I[b, 2, 100]',
      '-U[a, 1, 100]',
      '+U[a, 3, 300]',
      '-U[a, 3, 300]',
      '+U[a, 5, 300]',
    ]);
  });

  it('keep first on event time: only a strictly earlier row replaces the kept one', () => {
    expect(
      withoutRank(
        feed(dedup(false, 'rowtime'), [
          [I, 'a', 1, 300],
          [I, 'a', 2, 300],
          [I, 'a', 3, 100],
          [I, 'a', 4, 200],
        ]),
      ),
    ).toEqual(['+I[a, 1, 300]', '-U[a, 1, 300]', '+U[a, 3, 100]']);
  });
});

describe('state TTL (table.exec.state.ttl)', () => {
  it('a Top-N partition idle longer than the TTL starts afresh; the sweep deletes it', () => {
    const clock = new ManualClock(0);
    const state = new HeapKeyedStateBackend({ start: 0, end: 127 });
    const op = new RankOperator({
      kind: 'rank',
      partitionKeys: [0],
      orderKeys: BY_VALUE,
      rankStart: 1,
      rankEnd: 2,
      outputRankNumber: true,
    });
    op.open(operatorContext(state, [false], { clock, stateTtl: 1000 }));
    expect(feed(op, [[I, 'book', 1, 12]])).toEqual(['+I[book, 1, 12, 1]']);
    clock.advance(1500);
    // As in Flink, the expired rows are not retracted: the new row is rank 1 of an empty partition.
    expect(feed(op, [[I, 'book', 2, 19]])).toEqual(['+I[book, 2, 19, 1]']);
    clock.advance(1500);
    for (let i = 0; i < 16; i++) op.processProcessingTime(clock.now());
    expect(state.numEntries()).toBe(0);
  });

  it('a deduplicated key idle longer than the TTL is kept again from its next row', () => {
    const clock = new ManualClock(0);
    const state = new HeapKeyedStateBackend({ start: 0, end: 127 });
    const op = new DeduplicateOperator({
      kind: 'deduplicate',
      keys: [0],
      keepLastRow: false,
      timeIndex: 2,
      timeAttribute: 'proctime',
    });
    op.open(operatorContext(state, [false], { clock, stateTtl: 1000 }));
    expect(
      withoutRank(
        feed(op, [
          [I, 'a', 1, 0],
          [I, 'a', 2, 0],
        ]),
      ),
    ).toEqual(['+I[a, 1, 0]']);
    clock.advance(1500);
    expect(withoutRank(feed(op, [[I, 'a', 3, 0]]))).toEqual(['+I[a, 3, 0]']);
  });
});
