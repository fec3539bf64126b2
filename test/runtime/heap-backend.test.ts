// Heap state backend: copy-on-write snapshot isolation, overlapping snapshots, tombstones, restore and rescale.
import { describe, expect, it } from 'vitest';
import type { StateKey } from '../../runtime/key-groups';
import type { KeyGroupData } from '../../runtime/state/backend';
import { type HeapSnapshot as SnapshotRunner, HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { decodeKeyGroups, encodeKeyGroups } from '../../runtime/state/snapshot-format';

const FULL = { start: 0, end: 15 };

/** A snapshot's content as table → key group → key → value (sorted, for toEqual). */
function contents(groups: Iterable<KeyGroupData>): Record<string, Record<number, Record<string, unknown>>> {
  const out: Record<string, Record<number, Record<string, unknown>>> = {};
  for (const g of groups) {
    for (const [table, [keys, values]] of Object.entries(g.tables)) {
      const t = (out[table] ??= {});
      const kg = (t[g.keyGroup] ??= {});
      keys.forEach((k, i) => (kg[String(k)] = values[i]));
    }
  }
  return out;
}

const read = (s: SnapshotRunner) => contents(s.keyGroups());

/** Live content of a backend as the same shape, via `entries`. */
function live(b: HeapKeyedStateBackend, tables: readonly string[]) {
  const out: Record<string, Record<number, Record<string, unknown>>> = {};
  for (const name of tables) {
    const t = b.table<unknown>(name);
    for (let kg = b.keyGroupRange.start; kg <= b.keyGroupRange.end; kg++) {
      for (const [k, v] of t.entries(kg)) ((out[name] ??= {})[kg] ??= {})[String(k)] = v;
    }
  }
  return out;
}

const cloneArray = (v: number[]): number[] => v.slice();

describe('HeapKeyedStateBackend copy-on-write', () => {
  it('keeps writes after snapshot() out of that snapshot: put, overwrite, delete, getMutable', () => {
    const b = new HeapKeyedStateBackend(FULL);
    const t = b.table<number[]>('t');
    t.put(1, 'a', [1]);
    t.put(1, 'b', [2]);
    t.put(2, 'c', [3]);
    t.put(3, 'd', [4]);
    const snap = b.snapshot(1);
    const expected = { t: { 1: { a: [1], b: [2] }, 2: { c: [3] }, 3: { d: [4] } } };

    t.put(1, 'a', [10]); // overwrite
    t.delete(1, 'b'); // delete
    t.getMutable(2, 'c', cloneArray)!.push(30); // mutate in place
    t.put(4, 'new', [5]); // a key the snapshot never saw
    t.put(3, 'd', [40]);
    t.delete(3, 'd'); // overwrite, then delete
    t.put(1, 'b', [20]); // re-insert after a delete

    expect(read(snap)).toEqual(expected);
    // Reading twice gives the same answer (the snapshot's async part may restart).
    expect(read(snap)).toEqual(expected);
    expect(live(b, ['t'])).toEqual({ t: { 1: { a: [10], b: [20] }, 2: { c: [3, 30] }, 4: { new: [5] } } });
    snap.release();
    expect(live(b, ['t'])).toEqual({ t: { 1: { a: [10], b: [20] }, 2: { c: [3, 30] }, 4: { new: [5] } } });
  });

  it('hands out the same object from getMutable when no snapshot shares it, a clone when one does', () => {
    const b = new HeapKeyedStateBackend(FULL);
    const t = b.table<number[]>('t');
    const v = [1];
    t.put(0, 'k', v);
    expect(t.getMutable(0, 'k', cloneArray)).toBe(v);
    const snap = b.snapshot(1);
    const m = t.getMutable(0, 'k', cloneArray)!;
    expect(m).not.toBe(v);
    m.push(2);
    // The copy is now the entry's own value: mutating it again needs no further copy.
    expect(t.getMutable(0, 'k', cloneArray)).toBe(m);
    expect(t.get(0, 'k')).toEqual([1, 2]);
    expect(read(snap)).toEqual({ t: { 0: { k: [1] } } });
    expect(t.getMutable(0, 'missing', cloneArray)).toBeUndefined();
    snap.release();
  });

  it('lets two overlapping snapshots each see their own version', () => {
    const b = new HeapKeyedStateBackend(FULL);
    const t = b.table<string>('t');
    t.put(0, 'x', 'v1');
    t.put(0, 'y', 'y1');
    const s1 = b.snapshot(1);
    t.put(0, 'x', 'v2');
    t.delete(0, 'y');
    t.put(0, 'z', 'z2');
    const s2 = b.snapshot(2);
    t.put(0, 'x', 'v3');
    t.put(0, 'y', 'y3');
    t.delete(0, 'z');

    expect(read(s1)).toEqual({ t: { 0: { x: 'v1', y: 'y1' } } });
    expect(read(s2)).toEqual({ t: { 0: { x: 'v2', z: 'z2' } } });
    // Releasing the older one first must not disturb the newer one, and vice versa.
    s1.release();
    t.put(0, 'x', 'v4');
    expect(read(s2)).toEqual({ t: { 0: { x: 'v2', z: 'z2' } } });
    const s3 = b.snapshot(3);
    t.put(0, 'x', 'v5');
    s2.release();
    expect(read(s3)).toEqual({ t: { 0: { x: 'v4', y: 'y3' } } });
    s3.release();
    expect(live(b, ['t'])).toEqual({ t: { 0: { x: 'v5', y: 'y3' } } });
  });

  it('keeps an older snapshot’s value when a key written after it is deleted while a newer snapshot runs', () => {
    const b = new HeapKeyedStateBackend(FULL);
    const t = b.table<number>('t');
    t.put(5, 'k', 1);
    const s1 = b.snapshot(1);
    t.put(5, 'k', 2);
    const s2 = b.snapshot(2);
    t.put(5, 'k', 3);
    t.delete(5, 'k');
    expect(read(s1)).toEqual({ t: { 5: { k: 1 } } });
    expect(read(s2)).toEqual({ t: { 5: { k: 2 } } });
    s1.release();
    s2.release();
    expect(t.get(5, 'k')).toBeUndefined();
  });

  it('purges tombstones once every snapshot is released, and keeps size right throughout', () => {
    const b = new HeapKeyedStateBackend(FULL);
    const t = b.table<number>('t') as ReturnType<HeapKeyedStateBackend['table']> & {
      tombstones: [number, StateKey][];
      maps: Map<StateKey, unknown>[];
    };
    for (let i = 0; i < 10; i++) t.put(i % 16, i, i);
    expect(t.size).toBe(10);
    expect(b.numEntries()).toBe(10);
    const s1 = b.snapshot(1);
    const s2 = b.snapshot(2);
    t.delete(1, 1);
    t.delete(2, 2);
    t.delete(2, 2); // deleting twice changes nothing
    t.delete(3, 99); // absent
    expect(t.size).toBe(8);
    expect(t.get(1, 1)).toBeUndefined();
    expect([...t.entries(1)]).toEqual([]);
    expect(t.tombstones).toHaveLength(2);
    expect(t.maps[1]!.has(1)).toBe(true); // still there for the snapshots
    t.put(1, 1, 100); // revived while a snapshot runs
    expect(t.size).toBe(9);
    s1.release();
    expect(t.tombstones).toHaveLength(2); // s2 still runs
    expect(read(s2)).toEqual({
      t: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, { [i]: i }])),
    });
    s2.release();
    s2.release(); // idempotent
    expect(t.tombstones).toHaveLength(0);
    expect(t.maps[2]!.has(2)).toBe(false);
    expect(t.get(1, 1)).toBe(100);
    expect(t.size).toBe(9);
    // Without a running snapshot, a delete removes the entry at once.
    t.delete(3, 3);
    expect(t.tombstones).toHaveLength(0);
    expect(t.maps[3]!.has(3)).toBe(false);
    expect(t.size).toBe(8);
    expect(b.numEntries()).toBe(8);
  });

  it('counts size over several tables and through re-puts and deletes of new keys', () => {
    const b = new HeapKeyedStateBackend(FULL);
    const a = b.table<number>('a');
    const c = b.table<number>('c');
    a.put(0, 'x', 1);
    a.put(0, 'x', 2); // overwrite: same key
    c.put(0, 'x', 1);
    const s = b.snapshot(1);
    a.put(0, 'y', 1);
    a.delete(0, 'y'); // new key deleted during the snapshot
    c.put(0, 'x', 3);
    expect(a.size).toBe(1);
    expect(c.size).toBe(1);
    expect(b.numEntries()).toBe(2);
    expect(read(s)).toEqual({ a: { 0: { x: 2 } }, c: { 0: { x: 1 } } });
    s.release();
    expect(b.numEntries()).toBe(2);
  });

  it('does not include a table created after the snapshot', () => {
    const b = new HeapKeyedStateBackend(FULL);
    b.table<number>('old').put(0, 'k', 1);
    const s = b.snapshot(1);
    b.table<number>('later').put(0, 'k', 2);
    expect(read(s)).toEqual({ old: { 0: { k: 1 } } });
    s.release();
  });

  it('refuses key groups outside its range', () => {
    const b = new HeapKeyedStateBackend({ start: 4, end: 7 });
    expect(() => b.table<number>('t').put(3, 'k', 1)).toThrow(/key group 3 is outside .* 4-7/);
  });
});

describe('HeapKeyedStateBackend snapshot → file → restore', () => {
  function filled(): HeapKeyedStateBackend {
    const b = new HeapKeyedStateBackend({ start: 0, end: 127 });
    const counts = b.table<unknown>('counts');
    const rows = b.table<unknown>('rows');
    for (let i = 0; i < 500; i++) counts.put(i % 128, i, [i, i * 2]);
    for (let i = 0; i < 50; i++) rows.put((i * 7) % 128, `key-${i}`, `value ${i}`);
    counts.put(9, true, new Map([['nested', 1]]));
    counts.put(10, 'a\u0001b', null);
    return b;
  }

  it('round trips through encodeKeyGroups/decodeKeyGroups into a fresh backend', async () => {
    const b = filled();
    const s = b.snapshot(1);
    // Writes during the asynchronous part must not reach the file.
    b.table<unknown>('counts').put(0, 0, 'changed');
    b.table<unknown>('rows').delete(0, 'key-0');
    const data = await encodeKeyGroups(s.keyGroups());
    s.release();
    const groups = decodeKeyGroups(data, 'test.state');
    const restored = new HeapKeyedStateBackend({ start: 0, end: 127 });
    restored.restore(groups);

    const before = filled();
    expect(live(restored, ['counts', 'rows'])).toEqual(live(before, ['counts', 'rows']));
    expect(restored.numEntries()).toBe(before.numEntries());
    expect(restored.table<unknown>('counts').get(9, true)).toEqual(new Map([['nested', 1]]));
    expect(restored.table<unknown>('counts').get(10, 'a\u0001b')).toBeNull();
    // A second snapshot of the restored backend encodes to the same bytes.
    const again = restored.snapshot(2);
    expect(await encodeKeyGroups(again.keyGroups())).toEqual(
      await encodeKeyGroups(filled().snapshot(1).keyGroups()),
    );
    again.release();
  });

  it('keeps only its own key groups when restored at a smaller range (rescaling)', async () => {
    const b = filled();
    const s = b.snapshot(1);
    const groups = decodeKeyGroups(await encodeKeyGroups(s.keyGroups()), 'test.state');
    s.release();
    const part = new HeapKeyedStateBackend({ start: 32, end: 63 });
    part.restore(groups);
    const all = live(b, ['counts', 'rows']);
    const expected: typeof all = {};
    for (const [table, byGroup] of Object.entries(all))
      for (const [kg, entries] of Object.entries(byGroup))
        if (Number(kg) >= 32 && Number(kg) <= 63) (expected[table] ??= {})[Number(kg)] = entries;
    expect(live(part, ['counts', 'rows'])).toEqual(expected);
    const n = Object.values(expected).reduce(
      (sum, byGroup) => sum + Object.values(byGroup).reduce((x, e) => x + Object.keys(e).length, 0),
      0,
    );
    expect(part.numEntries()).toBe(n);
    expect(n).toBeGreaterThan(0);
  });

  it('rejects a file that is not keyed state, and a truncated one', async () => {
    expect(() => decodeKeyGroups(new Uint8Array([1, 2, 3, 4, 5]), 'x.state')).toThrow(
      'x.state: not a weir keyed-state file',
    );
    const b = filled();
    const s = b.snapshot(1);
    const data = await encodeKeyGroups(s.keyGroups());
    s.release();
    expect(() => decodeKeyGroups(data.subarray(0, data.length - 3), 'y.state')).toThrow(
      /y\.state: truncated at byte \d+/,
    );
  });
});

describe('incremental snapshots', () => {
  const read = (r: { keyGroups(): Iterable<unknown> }) => [...r.keyGroups()];

  it('write only the changes since the last completed checkpoint, and restore to the same contents', async () => {
    const { HeapKeyedStateBackend: Backend } = await import('../../runtime/state/heap-backend');
    const b = new Backend({ start: 0, end: 7 }, true);
    const t = b.table<number>('t');
    for (let k = 0; k < 500; k++) t.put(k % 8, k, k);
    const s1 = b.snapshot(1);
    expect(s1.full).toBe(true);
    const g1 = read(s1);
    s1.release();
    b.notifyCheckpointComplete(1);
    t.put(1, 9, 900); // overwrite
    t.delete(2, 10); // delete
    t.put(3, 1000, 7); // insert
    const s2 = b.snapshot(2);
    t.put(1, 17, 1700); // after the synchronous part: not in snapshot 2
    expect(s2.full).toBe(false);
    const g2 = read(s2) as { tables: Record<string, unknown[][]> }[];
    s2.release();
    const changed = g2.reduce((n, g) => n + g.tables['t']![0]!.length + (g.tables['t']![2]?.length ?? 0), 0);
    expect(changed).toBe(3);
    const r = new Backend({ start: 0, end: 7 }, true);
    r.restore([...g1, ...g2] as never);
    const rt = r.table<number>('t');
    expect(rt.get(1, 9)).toBe(900);
    expect(rt.get(2, 10)).toBeUndefined();
    expect(rt.get(3, 1000)).toBe(7);
    expect(rt.get(1, 17)).toBe(17);
    expect(rt.size).toBe(500);
  });

  it('a failed checkpoint leaves the base alone: the next delta still holds its changes', async () => {
    const { HeapKeyedStateBackend: Backend } = await import('../../runtime/state/heap-backend');
    const b = new Backend({ start: 0, end: 0 }, true);
    const t = b.table<number>('t');
    t.put(0, 'a', 1);
    const s1 = b.snapshot(1);
    s1.release();
    b.notifyCheckpointComplete(1);
    t.put(0, 'b', 2);
    const s2 = b.snapshot(2); // never completes
    s2.release();
    t.delete(0, 'a');
    const s3 = b.snapshot(3);
    const g3 = read(s3) as { tables: Record<string, unknown[][]> }[];
    s3.release();
    expect(g3[0]!.tables['t']![0]).toEqual(['b']);
    expect(g3[0]!.tables['t']![2]).toEqual(['a']);
  });

  it('a forced full snapshot ignores the base', async () => {
    const { HeapKeyedStateBackend: Backend } = await import('../../runtime/state/heap-backend');
    const b = new Backend({ start: 0, end: 0 }, true);
    b.table<number>('t').put(0, 'a', 1);
    const s1 = b.snapshot(1);
    s1.release();
    b.notifyCheckpointComplete(1);
    const s2 = b.snapshot(2, true);
    expect(s2.full).toBe(true);
    expect(read(s2)).toHaveLength(1);
    s2.release();
  });
});

describe('incremental snapshots and in-place updates', () => {
  it('a value changed through getMutable with no snapshot running is in the next delta', async () => {
    const { HeapKeyedStateBackend: Backend } = await import('../../runtime/state/heap-backend');
    const b = new Backend({ start: 0, end: 0 }, true);
    const t = b.table<number[]>('t');
    t.put(0, 'k', [1]);
    const s1 = b.snapshot(1);
    void [...s1.keyGroups()];
    s1.release();
    b.notifyCheckpointComplete(1);
    t.getMutable(0, 'k', (v) => v.slice())![0] = 2; // no snapshot is running: mutated in place
    const s2 = b.snapshot(2);
    const g2 = [...s2.keyGroups()];
    s2.release();
    expect(g2).toEqual([{ keyGroup: 0, tables: { t: [['k'], [[2]]] } }]);
  });
});

describe('incremental snapshots: delete then re-insert', () => {
  it('a key deleted and written again after the base is in the next delta with its new value', async () => {
    const { HeapKeyedStateBackend: Backend } = await import('../../runtime/state/heap-backend');
    const b = new Backend({ start: 0, end: 0 }, true);
    const t = b.table<number>('t');
    t.put(0, 'a', 1);
    const s1 = b.snapshot(1);
    const g1 = [...s1.keyGroups()];
    s1.release();
    b.notifyCheckpointComplete(1);
    // Delete while a snapshot runs (a tombstone), then write the key again.
    const s2 = b.snapshot(2);
    t.delete(0, 'a');
    t.put(0, 'a', 7);
    s2.release();
    const s3 = b.snapshot(3);
    const g3 = [...s3.keyGroups()];
    s3.release();
    const r = new Backend({ start: 0, end: 0 }, true);
    r.restore([...g1, ...g3] as never);
    expect(r.table<number>('t').get(0, 'a')).toBe(7);
  });
});

describe('incremental snapshots after a restore', () => {
  it('a restored key first written while the first snapshot is in flight reaches later deltas', async () => {
    const { HeapKeyedStateBackend: Backend } = await import('../../runtime/state/heap-backend');
    const b = new Backend({ start: 0, end: 0 }, true);
    b.restore([{ keyGroup: 0, tables: { t: [['k'], [1]] } }]);
    const t = b.table<number>('t');
    const s1 = b.snapshot(1); // full: the first after a restore
    t.put(0, 'k', 2); // written while snapshot 1 is in flight
    const g1 = [...s1.keyGroups()];
    s1.release();
    b.notifyCheckpointComplete(1);
    t.put(0, 'k', 3);
    const s2 = b.snapshot(2);
    const g2 = [...s2.keyGroups()];
    s2.release();
    const r = new Backend({ start: 0, end: 0 }, true);
    r.restore([...g1, ...g2] as never);
    expect(r.table<number>('t').get(0, 'k')).toBe(3);
  });
});
