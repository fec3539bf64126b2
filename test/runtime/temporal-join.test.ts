// The event-time temporal join alone: left rows wait for the watermark, and versions no later row can match are pruned.
import { describe, expect, it } from 'vitest';
import { keyGroupOf } from '../../runtime/key-groups';
import { type RecordBatch, type Row, RowKind } from '../../runtime/messages';
import { TemporalJoinOperator } from '../../runtime/operators/temporal-join';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { operatorContext } from '../support/operator-context';

function setup() {
  const backend = new HeapKeyedStateBackend({ start: 0, end: 127 });
  const op = new TemporalJoinOperator({
    kind: 'temporalJoin',
    joinType: 'LEFT',
    leftKeys: [0],
    rightKeys: [0],
    leftTime: 1,
    rightTime: 2,
    leftWidth: 2,
    rightWidth: 3,
  });
  const out: Row[] = [];
  const output = { emit: (b: RecordBatch) => out.push(...b.rows), emitWatermark: () => {} };
  return { backend, op, out, output };
}

describe('TemporalJoin (event time)', () => {
  it('emits a left row only when the watermark passes it, with the version valid at its time', async () => {
    const { backend, op, out, output } = setup();
    await op.open(operatorContext(backend, [false, true]), undefined);
    op.processBatch(
      1,
      {
        rows: [
          ['k', 'v1', 10],
          ['k', 'v2', 20],
        ],
        kinds: undefined,
      },
      output,
    );
    op.processBatch(
      0,
      {
        rows: [
          ['k', 15],
          ['k', 25],
          ['x', 12],
        ],
        kinds: undefined,
      },
      output,
    );
    op.processWatermark(15, output);
    expect(out).toEqual([['x', 12, null, null, null]]);
    op.processWatermark(16, output);
    expect(out.slice(1)).toEqual([['k', 15, 'k', 'v1', 10]]);
    op.processBatch(1, { rows: [['k', 'v2', 20]], kinds: [RowKind.Delete] }, output);
    op.processWatermark(Number.MAX_SAFE_INTEGER, output);
    expect(out.slice(2)).toEqual([['k', 25, null, null, null]]);
  });

  it('keeps of the versions only the latest before the watermark and the later ones', async () => {
    const { backend, op, output } = setup();
    await op.open(operatorContext(backend, [false, true]), undefined);
    const versions = backend.table<unknown[]>('right');
    const kg = keyGroupOf('k', 128);
    op.processBatch(
      1,
      { rows: Array.from({ length: 100 }, (_, t) => ['k', `v${t}`, t]), kinds: undefined },
      output,
    );
    expect(versions.get(kg, 'k')).toHaveLength(200);
    op.processWatermark(50, output);
    expect((versions.get(kg, 'k') ?? []).filter((_, i) => i % 2 === 0)).toEqual(
      Array.from({ length: 51 }, (_, i) => 49 + i),
    );
    op.processWatermark(Number.MAX_SAFE_INTEGER, output);
    expect(versions.get(kg, 'k')).toEqual([99, ['k', 'v99', 99]]);
    expect(backend.table('left').size).toBe(0);
  });
});
