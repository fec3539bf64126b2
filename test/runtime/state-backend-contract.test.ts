// One contract for both keyed state backends (`hashmap`, `rocksdb`): kinds of values, snapshot isolation, restore, rescale.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import type { KeyGroupRange, StateKey } from '../../runtime/key-groups';
import { RocksDBKeyedStateBackend } from '../../runtime/node/state/rocksdb-backend';
import type { KeyedStateBackend, NativeKeyedState, SnapshotRunner } from '../../runtime/state/backend';
import { HeapKeyedStateBackend } from '../../runtime/state/heap-backend';
import { StateKeyRefs } from '../../runtime/state/key-refs';
import { decodeKeyGroups, encodeKeyGroups } from '../../runtime/state/snapshot-format';

const FULL: KeyGroupRange = { start: 0, end: 15 };
const LOW: KeyGroupRange = { start: 0, end: 7 };
const HIGH: KeyGroupRange = { start: 8, end: 15 };
const JOB = 'contract';
const RUN = { name: JOB, id: 'run0' };

let root = '';
let storage = new MemoryCheckpointStorage();
let created: KeyedStateBackend[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'weir-state-contract-'));
  storage = new MemoryCheckpointStorage();
  created = [];
});
afterEach(async () => {
  for (const b of created) await b.dispose();
  rmSync(root, { recursive: true, force: true });
});

type Options = { readonly incremental?: boolean; readonly cacheEntries?: number };

/** Each backend's constructor; everything else goes through the KeyedStateBackend interface. */
const backends = [
  {
    kind: 'hashmap',
    create: (range: KeyGroupRange, o: Options = {}): KeyedStateBackend =>
      new HeapKeyedStateBackend(range, o.incremental ?? false),
  },
  {
    kind: 'rocksdb',
    create: (range: KeyGroupRange, o: Options = {}): KeyedStateBackend =>
      new RocksDBKeyedStateBackend({
        range,
        dir: join(root, `b${created.length}`),
        name: `op-${created.length}`,
        incremental: o.incremental ?? false,
        cacheEntries: o.cacheEntries ?? 4096,
        writeBufferSize: 4 << 20,
      }),
  },
] as const;
type Backend = (typeof backends)[number];

function create(h: Backend, range: KeyGroupRange, o?: Options): KeyedStateBackend {
  const b = h.create(range, o);
  created.push(b);
  return b;
}

/** A written snapshot: canonical bytes, or a native snapshot's files (in `storage`); and the bytes written. */
type Persisted = { id: number; bytes: number } & (
  { format: 'canonical'; data: Uint8Array } | { format: 'native'; state: NativeKeyedState }
);

/** Runs the asynchronous part of snapshot `id` and releases it. */
async function persist(runner: SnapshotRunner, id: number): Promise<Persisted> {
  if (runner.format === 'canonical') {
    const data = await encodeKeyGroups(runner.keyGroups());
    runner.release();
    return { id, bytes: data.length, format: 'canonical', data };
  }
  let bytes = 0;
  const state = await runner.write((name, data, shared) => {
    bytes += data.length;
    return storage.writeState(RUN, id, name, data, shared);
  });
  runner.release();
  return { id, bytes, format: 'native', state };
}

/**
 * Restores `b` from the snapshots of one or several old subtasks, each a chain (full, then deltas), as a
 * checkpoint lists them: canonical key groups all in order; of a native chain, the last (it lists every file).
 */
async function restoreInto(b: KeyedStateBackend, subtasks: readonly (readonly Persisted[])[]) {
  const native = subtasks.flatMap((c) => c.slice(-1)).flatMap((p) => (p.format === 'native' ? [p] : []));
  const read = (p: Persisted) => (f: NativeKeyedState['files'][number]['file']) =>
    storage.readState(`memory://${JOB}/${RUN.id}/chk-${p.id}`, f);
  if (native.length > 0) await b.restoreNative!(native.map((p) => ({ state: p.state, read: read(p) })));
  const canonical = subtasks.flat().flatMap((p) => (p.format === 'canonical' ? [p] : []));
  if (canonical.length > 0) await b.restore(canonical.flatMap((p) => decodeKeyGroups(p.data, `${p.id}`)));
  return b;
}

/** Loads the keys (of every table) when the backend reads from disk; nothing to do on the heap backend. */
async function load(b: KeyedStateBackend, ...keys: (readonly [number, StateKey])[]): Promise<void> {
  if (!b.prefetch) return;
  const refs = new StateKeyRefs();
  for (const [kg, key] of keys) refs.add(kg, key);
  await b.prefetch(refs);
}

/** table → key group → [key, value] sorted by key: what `scan` sees, or what the model says. */
type Dump = Record<string, Record<number, [StateKey, unknown][]>>;
const order = (a: [StateKey, unknown], b: [StateKey, unknown]) =>
  `${typeof a[0]}:${String(a[0])}` < `${typeof b[0]}:${String(b[0])}` ? -1 : 1;
const size = (d: Dump) => Object.values(d).flatMap(Object.values).flat().length;

async function dump(b: KeyedStateBackend, tables = TABLES): Promise<Dump> {
  const out: Dump = {};
  for (const name of tables) {
    for (let kg = b.keyGroupRange.start; kg <= b.keyGroupRange.end; kg++) {
      const entries: [StateKey, unknown][] = [];
      for await (const e of b.table<unknown>(name).scan(kg)) entries.push(e);
      if (entries.length > 0) (out[name] ??= {})[kg] = entries.sort(order);
    }
  }
  return out;
}

/** A write: table, key group, key, value (undefined: delete). */
type Op = readonly [string, number, StateKey, unknown];

/** What the backend should hold: the same writes applied to a Map. */
class Model {
  readonly m = new Map<string, Op>();
  apply([t, kg, k, v]: Op): void {
    const id = JSON.stringify([t, kg, typeof k, k]);
    if (v === undefined) this.m.delete(id);
    else this.m.set(id, [t, kg, k, v]);
  }
  clone(): Model {
    const c = new Model();
    for (const [id, op] of this.m) c.m.set(id, structuredClone(op));
    return c;
  }
  dump(range: KeyGroupRange = FULL): Dump {
    const out: Dump = {};
    for (const [t, kg, k, v] of this.m.values())
      if (kg >= range.start && kg <= range.end) ((out[t] ??= {})[kg] ??= []).push([k, v]);
    for (const byKg of Object.values(out)) for (const e of Object.values(byKg)) e.sort(order);
    return structuredClone(out);
  }
}

/** Applies `ops` to backend and model in batches of four keys, each batch loaded first (as a task does). */
async function write(b: KeyedStateBackend, model: Model, ops: readonly Op[]): Promise<void> {
  for (let i = 0; i < ops.length; i += 4) {
    const batch = ops.slice(i, i + 4);
    await load(b, ...batch.map(([, kg, k]) => [kg, k] as const));
    for (const op of batch) {
      const [t, kg, k, v] = op;
      if (v === undefined) b.table(t).delete(kg, k);
      else b.table(t).put(kg, k, structuredClone(v)); // the backend's value is not the model's
      model.apply(op);
    }
  }
}

const TABLES = ['counts', 'rows', 'joined'];

/** `n` characters that do not compress (deterministic). */
function noise(seed: number, n: number): string {
  let x = seed + 1;
  let out = '';
  for (; out.length < n; x = (Math.imul(x, 1103515245) + 12345) >>> 0) out += (x >>> 8).toString(36);
  return out.slice(0, n);
}

/** `n` keys in each table: a scalar (or null), a list of rows, a Map of row → [count, time] (as joins keep). */
function fillOps(n: number, pad = 0): Op[] {
  return Array.from({ length: n }, (_, i): Op[] => {
    const key: StateKey = i % 3 === 0 ? i : `k${i}`;
    const kg = (i * 7) % 16;
    return [
      ['counts', kg, key, i % 11 === 0 ? null : i],
      ['rows', kg, key, Array.of<unknown>([i, `r${i}${noise(i, pad)}`], [i + 1, true])],
      ['joined', kg, key, new Map([[`[${i},"x"]`, [i % 4, 1000 + i]]])],
    ];
  }).flat();
}

describe.each(backends)('$kind keyed state backend contract', (h) => {
  it('puts, reads, deletes and mutates in place scalars, lists and Maps, each table on its own', async () => {
    const b = create(h, FULL);
    const model = new Model();
    await write(b, model, fillOps(40));
    await write(b, model, [
      ['counts', 3, 'x', 1],
      ['counts', 3, 'x', 2], // overwrite
      ['rows', 3, 'x', [[1]]],
      ['counts', 4, true, 'bool key'],
      ['counts', 5, 'gone', 7],
      ['counts', 5, 'gone', undefined], // delete
      ['joined', 7, 'k1', undefined], // a delete in one table leaves the others alone
    ]);
    await load(b, [3, 'x'], [4, true], [5, 'gone'], [7, 'k1'], [3, 'absent'], [0, 0]);
    const [counts, rows, joined] = TABLES.map((t) => b.table<unknown>(t));
    expect([counts!.get(3, 'x'), counts!.get(4, true)]).toEqual([2, 'bool key']);
    expect(counts!.get(5, 'gone') ?? counts!.get(3, 'absent')).toBeUndefined();
    expect(counts!.getMutable(3, 'absent', (v) => v)).toBeUndefined();
    expect(rows!.get(7, 'k1')).toEqual(fillOps(2)[4]![3]); // key 1's list
    expect(joined!.get(7, 'k1')).toBeUndefined();
    // In place: push to a list, set in a Map; the changed object is the stored value.
    (rows!.getMutable(3, 'x', (v) => (v as unknown[]).slice()) as unknown[]).push([2]);
    const m = joined!.getMutable(0, 0, (v) => new Map(v as Map<string, unknown>)) as Map<string, unknown>;
    m.set('new', [1, 2]);
    model.apply(['rows', 3, 'x', [[1], [2]]]);
    model.apply(['joined', 0, 0, new Map([...(fillOps(1)[2]![3] as Map<string, unknown>), ['new', [1, 2]]])]);
    expect(await dump(b)).toEqual(model.dump());
    expect(b.numEntries()).toBe(model.m.size);
  });

  it('scan returns every entry, those evicted from memory too, and evicted entries read back right', async () => {
    const b = create(h, FULL, { cacheEntries: 8 });
    const model = new Model();
    const ops = fillOps(150).filter(([t]) => t !== 'joined');
    await write(b, model, ops);
    // Read back and mutate the first keys (evicted by now on rocksdb: loaded again from disk).
    for (const [t, kg, k, v] of ops.slice(0, 40)) {
      await load(b, [kg, k]);
      expect(b.table(t).get(kg, k)).toEqual(v);
      if (t !== 'rows') continue;
      const list = b.table<unknown[]>(t).getMutable(kg, k, (x) => x.slice())!;
      list.push('more');
      model.apply([t, kg, k, [...(v as unknown[]), 'more']]);
    }
    expect(await dump(b, ['counts', 'rows'])).toEqual(model.dump());
    // Loading an entry again does not count it again.
    expect(b.numEntries()).toBe(300);
    let inMemory = 0;
    for (const t of ['counts', 'rows'])
      for (let kg = 0; kg < 16; kg++) inMemory += [...b.table(t).entries(kg)].length;
    if (h.kind === 'rocksdb') expect(inMemory).toBeLessThan(50);
    else expect(inMemory).toBe(300);
  });

  it('keeps writes and in-place changes after snapshot() out of it, also with overlapping snapshots', async () => {
    const b = create(h, FULL, { cacheEntries: 8 });
    const model = new Model();
    await write(b, model, fillOps(30));
    const at1 = model.dump();
    const s1 = b.snapshot(1);
    // Overwrite, delete, change in place, new keys (evicting on rocksdb), a new table.
    await write(b, model, [['counts', 0, 0, 'changed'] as const, ['rows', 7, 'k1', undefined] as const]);
    await load(b, [14, 'k2'], [0, 0]);
    const list = b.table<unknown[]>('rows').getMutable(14, 'k2', (v) => v.slice())!;
    list.push('after');
    const map = b.table<Map<string, unknown>>('joined').getMutable(0, 0, (v) => new Map(v))!;
    map.set('after', 1);
    model.apply(['rows', 14, 'k2', structuredClone(list)]);
    model.apply(['joined', 0, 0, structuredClone(map)]);
    await write(b, model, [
      ...fillOps(20).map(([t, kg, k]): Op => [t, kg, `new-${String(k)}`, 1]),
      ['later', 1, 'k', 1],
    ]);
    const at2 = model.dump();
    const s2 = b.snapshot(2);
    await write(b, model, [
      ['counts', 0, 0, 'after 2'],
      ...fillOps(10).map(([t, kg, k]): Op => [t, kg, k, undefined]),
    ]);
    // The newer snapshot is written first: each still sees its own version.
    const p2 = await persist(s2, 2);
    const p1 = await persist(s1, 1);
    const all = [...TABLES, 'later'];
    expect(await dump(await restoreInto(create(h, FULL), [[p1]]), all)).toEqual(at1);
    expect(await dump(await restoreInto(create(h, FULL), [[p2]]), all)).toEqual(at2);
    expect(await dump(b, all)).toEqual(model.dump());
  });

  it('restores every table and key group to its contents at snapshot time, and snapshots them again', async () => {
    const b = create(h, FULL);
    const model = new Model();
    await write(b, model, fillOps(300));
    const r = await restoreInto(create(h, FULL), [[await persist(b.snapshot(1), 1)]]);
    expect(await dump(r)).toEqual(model.dump());
    expect(r.numEntries()).toBe(model.m.size);
    const again = await restoreInto(create(h, FULL), [[await persist(r.snapshot(2), 2)]]);
    expect(await dump(again)).toEqual(model.dump());
  });

  it('incremental: after a completed checkpoint, changing 1% of keys writes far fewer bytes; restore equals', async () => {
    const b = create(h, FULL, { incremental: true, cacheEntries: 1024 });
    const model = new Model();
    const ops = fillOps(700, 200);
    await write(b, model, ops);
    const p1 = await persist(b.snapshot(1), 1);
    b.notifyCheckpointComplete?.(1);
    // 1% of the 2100 entries: overwrites, deletes and inserts.
    const changes: Op[] = [];
    for (let i = 0; i < 7; i++) {
      const [, kg, k] = ops[i * 30]!;
      changes.push(
        ['counts', kg, k, -1 - i],
        ['rows', kg, k, undefined],
        ['joined', i, `fresh-${i}`, new Map([['a', i]])],
      );
    }
    await write(b, model, changes);
    const s2 = b.snapshot(2);
    expect(s2.full).toBe(false);
    const p2 = await persist(s2, 2);
    expect(p2.bytes).toBeLessThan(p1.bytes / 4);
    if (p1.format === 'native' && p2.format === 'native') {
      // The SST files both list are the very same uploads: the second checkpoint points at the first's.
      const first = new Map(p1.state.files.map((f) => [f.name, f.file]));
      const reused = p2.state.files.filter((f) => first.get(f.name) === f.file);
      expect(reused.length).toBeGreaterThan(0);
      expect(reused.every((f) => f.name.endsWith('.sst') && f.file.path.startsWith('../../shared/'))).toBe(
        true,
      );
    }
    const r = await restoreInto(create(h, FULL), [[p1, p2]]);
    expect(await dump(r)).toEqual(model.dump());
    // After a native restore the count is RocksDB's estimate (a key overwritten in a later SST counts twice).
    if (h.kind === 'hashmap') expect(r.numEntries()).toBe(model.m.size);
    else expect(Math.abs(r.numEntries() - model.m.size)).toBeLessThanOrEqual(model.m.size / 100);
  });

  it('a snapshot of key groups 0-15 restores into 0-7 and 8-15 with exactly their key groups, and back', async () => {
    const b = create(h, FULL);
    const model = new Model();
    await write(b, model, fillOps(200));
    const p = await persist(b.snapshot(1), 1);
    const low = await restoreInto(create(h, LOW), [[p]]);
    const high = await restoreInto(create(h, HIGH), [[p]]);
    expect(await dump(low)).toEqual(model.dump(LOW));
    expect(await dump(high)).toEqual(model.dump(HIGH));
    expect(Object.keys(model.dump(LOW)['counts']!)).toHaveLength(8);
    expect([low.numEntries(), high.numEntries()]).toEqual([size(model.dump(LOW)), size(model.dump(HIGH))]);
    // Scaling in: both halves' snapshots restore into one backend of the whole range.
    const parts = [[await persist(low.snapshot(2), 2)], [await persist(high.snapshot(3), 3)]];
    expect(await dump(await restoreInto(create(h, FULL), parts))).toEqual(model.dump());
  });

  it('a savepoint is canonical, full, isolated from later writes, restores on either backend, is no base', async () => {
    const b = create(h, FULL, { incremental: true, cacheEntries: 8 });
    const model = new Model();
    await write(b, model, fillOps(60));
    const at = model.clone();
    const sp = b.snapshot(1, false, true);
    expect([sp.format, sp.full]).toEqual(['canonical', true]);
    const after = fillOps(30).map(([t, kg, k], i): Op => [t, kg, k, i % 2 ? undefined : 'changed']);
    await write(b, model, after);
    await load(b, [8, 'k40']); // written before the savepoint, untouched by the writes after it
    b.table<unknown[]>('rows').getMutable(8, 'k40', (v) => v.slice())![0] = 'after';
    const p = await persist(sp, 1);
    for (const other of backends) {
      expect(await dump(await restoreInto(create(other, FULL), [[p]]))).toEqual(at.dump());
      expect(await dump(await restoreInto(create(other, LOW), [[p]]))).toEqual(at.dump(LOW));
    }
    // A completed savepoint is not the base of the next incremental snapshot.
    b.notifyCheckpointComplete?.(1);
    const next = b.snapshot(2);
    expect(next.full).toBe(true);
    await persist(next, 2);
  });
});

describe('rocksdb backend', () => {
  const rocks = backends[1];

  it('refuses to read a key that was not loaded, naming key, key group and table', async () => {
    const b = create(rocks, FULL, { cacheEntries: 8 });
    const t = b.table<unknown>('t');
    expect(() => t.get(3, 'k')).toThrow(
      `rocksdb state: key "k" (key group 3) of table 't' was read without being loaded first`,
    );
    expect(() => t.getMutable(3, 'k', (v) => v)).toThrow(/was read without being loaded first/);
    const counts = fillOps(40).flatMap(([table, kg, k, v]): Op[] =>
      table === 'counts' ? [['t', kg, k, v]] : [],
    );
    await write(b, new Model(), counts);
    // Key 0 was loaded, then evicted: reading it again without a load is refused too.
    expect(() => t.get(0, 0)).toThrow(/key 0 \(key group 0\) of table 't' was read without being loaded/);
    await load(b, [0, 0]);
    expect(t.get(0, 0)).toBeNull();
  });

  it('dispose closes the database and removes its working folder, snapshot folders included', async () => {
    const b = create(rocks, FULL);
    await write(b, new Model(), fillOps(20));
    // A snapshot written but not released keeps its folder of hard links (chk-1) until then.
    const running = b.snapshot(1);
    if (running.format !== 'native') throw new Error('expected a native snapshot');
    await running.write((name, data, shared) => storage.writeState(RUN, 1, name, data, shared));
    expect(existsSync(join(root, 'b0', 'chk-1'))).toBe(true);
    expect(existsSync(join(root, 'b0', 'db', 'CURRENT'))).toBe(true);
    await b.dispose();
    expect(existsSync(join(root, 'b0'))).toBe(false);
    running.release();
  });
});
