// The regular join's state: insert-only sides keep rows flat, updating sides as multisets, and each reads
// the older forms (lists of rows, multisets on an insert-only side) and turns flat rows into a multiset on a retraction.
import { describe, expect, it } from 'vitest';
import { keyGroupOf } from '../../runtime/key-groups';
import { type Row, RowKind } from '../../runtime/messages';
import type { Output } from '../../runtime/operator';
import { JoinOperator } from '../../runtime/operators/join';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { operatorContext } from '../support/operator-context';

const RANGE = { start: 0, end: 127 };

/** Left rows [k, l], right rows [k, r]; INNER or LEFT join on k. Output rows as `kind:l/r`. */
class Harness implements Output {
  readonly out: string[] = [];
  readonly backend = new HeapKeyedStateBackend(RANGE);
  readonly op: JoinOperator;

  constructor(
    joinType: 'INNER' | 'LEFT',
    readonly updating: [boolean, boolean],
  ) {
    this.op = new JoinOperator(joinType, [0], [0], undefined, 2, 2);
  }

  open(): this {
    const ctx = operatorContext(this.backend, this.updating);
    this.op.open(ctx);
    return this;
  }

  emit(batch: { rows: Row[]; kinds?: RowKind[] }): void {
    batch.rows.forEach((r, i) => {
      const kind = batch.kinds?.[i] ?? RowKind.Insert;
      this.out.push(`${kind === RowKind.Insert ? '+' : '-'}${String(r[1])}/${String(r[3])}`);
    });
  }

  emitWatermark(): void {}

  side(side: 0 | 1, rows: Row[], kinds?: RowKind[]): this {
    this.op.processBatch(side, { rows, kinds }, this);
    return this;
  }

  take(): string[] {
    return this.out.splice(0).sort();
  }

  /** The stored entries of `key` on a side (a list or a multiset). */
  stored(name: 'left' | 'right', key: number): unknown {
    return (this.backend.table<[unknown]>(name).get(keyGroupOf(key, 128), key) ?? [])[0];
  }
}

describe('regular join state', () => {
  it('keeps insert-only rows flat, width first (duplicates included), and joins them like a multiset would', () => {
    const h = new Harness('INNER', [false, false]).open();
    h.side(0, [
      [1, 'a'],
      [1, 'a'],
      [2, 'b'],
    ]);
    h.side(1, [[1, 'x']]);
    expect(h.take()).toEqual(['+a/x', '+a/x']);
    expect(h.stored('left', 1)).toEqual([2, 1, 'a', 1, 'a']);
    h.side(0, [[1, 'c']]);
    expect(h.take()).toEqual(['+c/x']);
    h.side(1, [[1, 'y']]);
    expect(h.take()).toEqual(['+a/y', '+a/y', '+c/y']);
  });

  it('reads rows kept as a list of rows (state written before rows were kept flat) and adds to it', () => {
    const h = new Harness('INNER', [false, false]);
    h.backend.table('left').put(keyGroupOf(1, 128), 1, [
      [
        [1, 'a'],
        [1, 'a'],
      ],
    ]);
    h.open();
    h.side(1, [[1, 'x']]);
    expect(h.take()).toEqual(['+a/x', '+a/x']);
    h.side(0, [[1, 'b']]);
    expect(h.take()).toEqual(['+b/x']);
    expect(h.stored('left', 1)).toEqual([
      [1, 'a'],
      [1, 'a'],
      [1, 'b'],
    ]);
  });

  it('a row of another width than the flat rows (the input changed its columns) turns them into a list', () => {
    const h = new Harness('INNER', [false, false]);
    // Written when the left input had two columns; restored where it has three.
    h.backend.table('left').put(keyGroupOf(1, 128), 1, [[2, 1, 'a', 1, 'b']]);
    h.open();
    h.side(0, [[1, 'c', 'new']]);
    expect(h.stored('left', 1)).toEqual([
      [1, 'a'],
      [1, 'b'],
      [1, 'c', 'new'],
    ]);
    h.side(1, [[1, 'x']]);
    // Each row joins with its own fields ([1, 'c', 'new', 1, 'x']: the harness shows fields 1 and 3).
    expect(h.take()).toEqual(['+a/x', '+b/x', '+c/1']);
  });

  it('keeps an updating side as a multiset and retracts from it', () => {
    const h = new Harness('INNER', [true, false]).open();
    h.side(1, [[1, 'x']]);
    h.side(0, [
      [1, 'a'],
      [1, 'a'],
    ]);
    expect(h.stored('left', 1)).toBeInstanceOf(Map);
    h.take();
    h.side(0, [[1, 'a']], [RowKind.Delete]);
    expect(h.take()).toEqual(['-a/x']);
    h.side(1, [[1, 'y']]);
    expect(h.take()).toEqual(['+a/y']);
  });

  it('a retraction for rows kept flat (restored, or the query changed) turns them into a multiset', () => {
    // The left side was insert-only when its state was written: flat rows.
    const before = new Harness('LEFT', [false, false]).open();
    before.side(0, [
      [1, 'a'],
      [1, 'a'],
      [1, 'b'],
    ]);
    expect(before.take()).toEqual(['+a/null', '+a/null', '+b/null']);
    // Restored where the left input is updating (state carried over as is).
    const after = new Harness('LEFT', [true, false]);
    after.backend.table('left').put(keyGroupOf(1, 128), 1, [before.stored('left', 1)]);
    after.open();
    after.side(0, [[1, 'a']], [RowKind.Delete]);
    expect(after.take()).toEqual(['-a/null']);
    expect(after.stored('left', 1)).toBeInstanceOf(Map);
    after.side(1, [[1, 'x']]);
    // One a and one b are left: their padded rows go, the joined ones come.
    expect(after.take()).toEqual(['+a/x', '+b/x', '-a/null', '-b/null']);
  });

  it('reads a multiset written before lists existed on an insert-only side', () => {
    const h = new Harness('INNER', [false, false]);
    h.backend.table('right').put(keyGroupOf(1, 128), 1, [new Map([['[1,"x"]', [[1, 'x'], 2]]])]);
    h.open();
    h.side(0, [[1, 'a']]);
    expect(h.take()).toEqual(['+a/x', '+a/x']);
    h.side(1, [[1, 'y']]);
    expect(h.take()).toEqual(['+a/y']);
    expect(h.stored('right', 1)).toBeInstanceOf(Map);
  });
});
