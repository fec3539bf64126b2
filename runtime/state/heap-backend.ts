// The `hashmap` state backend: JS Maps per key group with entry-level copy-on-write for asynchronous snapshots.
import type { KeyGroupRange, StateKey } from '../key-groups';
import type { CanonicalSnapshot, KeyGroupData, KeyedStateBackend, KeyedTable } from './backend';

/** A deleted entry kept while a snapshot still needs its old value. */
const TOMBSTONE: unique symbol = Symbol('tombstone');

/**
 * An entry holds its value and the version it was written at. When a write would overwrite a value that a
 * running snapshot (version ≥ entry version) must still see, the old value moves into `old` first — so
 * the snapshot's synchronous part only bumps a counter, as Flink's CopyOnWriteStateMap does.
 */
interface Entry {
  v: unknown;
  ver: number;
  old: Entry | undefined;
}

class Versions {
  /** Writes are stamped with this; a snapshot sees entries with ver ≤ its own version. */
  current = 1;
  /** Incremental mode: deletions are remembered until a completed checkpoint covers them. */
  trackDeletes = false;
  /** Incremental mode: the version of the last completed checkpoint; a write to an entry at or below it is its first since. */
  dirtyBase = 0;
  /** Versions of snapshots whose asynchronous part is still running. */
  readonly active: number[] = [];
  maxActive = 0;

  /** Whether an entry written at `ver` must be preserved before it is overwritten. */
  needsPreserve(ver: number): boolean {
    return this.active.length > 0 && ver <= this.maxActive;
  }
}

class HeapTable<V> implements KeyedTable<V> {
  /** Index: key group − range start. */
  readonly maps: Map<StateKey, Entry>[];
  private live = 0;
  /** Keys deleted while a snapshot needed them: removed for real once no snapshot runs. */
  readonly tombstones: [number, StateKey][] = [];
  /** Incremental mode, per key group: keys deleted and the version they were deleted at. */
  private readonly deletions: Map<StateKey, number>[];
  /**
   * Incremental mode, per key group: keys written since the last completed checkpoint (what a delta reads).
   * A key is appended on its first write after that checkpoint, known from its version: no per-write set insert.
   */
  private dirty: StateKey[][];

  constructor(
    readonly name: string,
    private readonly range: KeyGroupRange,
    private readonly versions: Versions,
  ) {
    this.maps = Array.from({ length: range.end - range.start + 1 }, () => new Map());
    this.deletions = Array.from({ length: range.end - range.start + 1 }, () => new Map());
    this.dirty = Array.from({ length: range.end - range.start + 1 }, () => []);
  }

  private map(keyGroup: number): Map<StateKey, Entry> {
    const m = this.maps[keyGroup - this.range.start];
    if (!m)
      throw new Error(
        `key group ${keyGroup} is outside this subtask's range ${this.range.start}-${this.range.end}`,
      );
    return m;
  }

  get(keyGroup: number, key: StateKey): V | undefined {
    const e = this.map(keyGroup).get(key);
    return e === undefined || e.v === TOMBSTONE ? undefined : (e.v as V);
  }

  put(keyGroup: number, key: StateKey, value: V): void {
    const m = this.map(keyGroup);
    const e = m.get(key);
    const vs = this.versions;
    if (vs.trackDeletes && (e === undefined || e.ver <= vs.dirtyBase))
      this.dirty[keyGroup - this.range.start]!.push(key);
    if (e === undefined) {
      m.set(key, { v: value, ver: vs.current, old: undefined });
      this.live++;
      return;
    }
    if (e.v === TOMBSTONE) this.live++;
    if (vs.needsPreserve(e.ver)) e.old = { v: e.v, ver: e.ver, old: e.old };
    else if (vs.active.length === 0) e.old = undefined;
    e.v = value;
    e.ver = vs.current;
  }

  getMutable(keyGroup: number, key: StateKey, clone: (v: V) => V): V | undefined {
    const e = this.map(keyGroup).get(key);
    if (e === undefined || e.v === TOMBSTONE) return undefined;
    const vs = this.versions;
    if (vs.trackDeletes && e.ver <= vs.dirtyBase) this.dirty[keyGroup - this.range.start]!.push(key);
    if (vs.needsPreserve(e.ver)) {
      e.old = { v: e.v, ver: e.ver, old: e.old };
      e.v = clone(e.v as V);
    } else if (vs.active.length === 0) {
      e.old = undefined;
    }
    // The caller mutates the value: it is a write, and incremental snapshots find writes by version.
    e.ver = vs.current;
    return e.v as V;
  }

  delete(keyGroup: number, key: StateKey): void {
    const m = this.map(keyGroup);
    const e = m.get(key);
    if (e === undefined || e.v === TOMBSTONE) return;
    this.live--;
    const vs = this.versions;
    if (vs.trackDeletes) {
      this.deletions[keyGroup - this.range.start]!.set(key, vs.current);
      // A delete is a write too: a key re-inserted later must still be in the delta.
      if (e.ver <= vs.dirtyBase) this.dirty[keyGroup - this.range.start]!.push(key);
    }
    const preserve = vs.needsPreserve(e.ver);
    // Older values kept in `old` (written before a running snapshot, overwritten since) MUST survive too.
    if (preserve || (e.old !== undefined && vs.active.length > 0)) {
      if (preserve) e.old = { v: e.v, ver: e.ver, old: e.old };
      e.v = TOMBSTONE;
      e.ver = vs.current;
      this.tombstones.push([keyGroup, key]);
    } else {
      m.delete(key);
    }
  }

  *entries(keyGroup: number): IterableIterator<[StateKey, V]> {
    for (const [k, e] of this.map(keyGroup)) if (e.v !== TOMBSTONE) yield [k, e.v as V];
  }

  async *scan(keyGroup: number): AsyncIterableIterator<[StateKey, V]> {
    yield* this.entries(keyGroup);
  }

  /**
   * Keys and values of one key group as of snapshot version `version`; with `base`, only those written
   * after it, plus the keys deleted after it (an incremental snapshot).
   */
  readAt(keyGroup: number, version: number, base?: number): [StateKey[], unknown[], StateKey[]] {
    const keys: StateKey[] = [];
    const values: unknown[] = [];
    const since = base ?? 0;
    const map = this.map(keyGroup);
    const visit = (e: Entry, k: StateKey) => {
      let x: Entry | undefined = e;
      while (x !== undefined && x.ver > version) x = x.old;
      if (x !== undefined && x.v !== TOMBSTONE && x.ver > since) {
        keys.push(k);
        values.push(x.v);
      }
    };
    if (base === undefined) map.forEach(visit);
    else {
      // A delta reads only the keys written since the base, not the whole key group.
      for (const k of this.dirty[keyGroup - this.range.start]!) {
        const e = map.get(k);
        if (e !== undefined) visit(e, k);
      }
    }
    const deleted: StateKey[] = [];
    if (base !== undefined) {
      this.deletions[keyGroup - this.range.start]!.forEach((w, k) => {
        if (w > base && w <= version) deleted.push(k);
      });
    }
    return [keys, values, deleted];
  }

  /** Forgets deletions and written keys that a completed checkpoint (version `base`) already covers. */
  pruneDeletions(base: number): void {
    for (const d of this.deletions) for (const [k, w] of d) if (w <= base) d.delete(k);
    this.dirty = this.dirty.map((keys, i) => {
      const m = this.maps[i]!;
      return keys.filter((k) => {
        const e = m.get(k);
        return e !== undefined && e.ver > base;
      });
    });
  }

  purgeTombstones(): void {
    for (const [kg, key] of this.tombstones.splice(0)) {
      const m = this.map(kg);
      const e = m.get(key);
      if (e !== undefined && e.v === TOMBSTONE) m.delete(key);
    }
  }

  load(keyGroup: number, keys: StateKey[], values: unknown[], deleted?: StateKey[]): void {
    const m = this.map(keyGroup);
    for (const k of deleted ?? []) {
      const e = m.get(k);
      if (e !== undefined && e.v !== TOMBSTONE) this.live--;
      m.delete(k);
    }
    for (let i = 0; i < keys.length; i++) {
      if (!m.has(keys[i]!)) this.live++;
      m.set(keys[i]!, { v: values[i], ver: this.versions.current, old: undefined });
    }
  }

  get size(): number {
    return this.live;
  }
}

/** The heap backend's snapshots read memory: their key groups come synchronously. */
export interface HeapSnapshot extends CanonicalSnapshot {
  keyGroups(): IterableIterator<KeyGroupData>;
}

export class HeapKeyedStateBackend implements KeyedStateBackend {
  readonly kind = 'hashmap' as const;
  private readonly tables = new Map<string, HeapTable<unknown>>();
  private readonly versions = new Versions();
  /** Version of the last completed checkpoint's snapshot: the base of the next incremental one. */
  private baseVersion: number | undefined;
  /** Snapshot versions of checkpoints not yet completed. */
  private readonly pending = new Map<number, number>();

  /** @param incremental snapshots after the first completed one hold only the changes since the last. */
  constructor(
    readonly keyGroupRange: KeyGroupRange,
    readonly incremental = false,
  ) {
    this.versions.trackDeletes = incremental;
  }

  table<V>(name: string): KeyedTable<V> {
    let t = this.tables.get(name);
    if (!t) {
      t = new HeapTable(name, this.keyGroupRange, this.versions);
      this.tables.set(name, t);
    }
    return t as HeapTable<V>;
  }

  snapshot(checkpointId: number, full = false, savepoint = false): HeapSnapshot {
    const vs = this.versions;
    const version = vs.current++;
    vs.active.push(version);
    vs.maxActive = Math.max(...vs.active);
    if (!savepoint) this.pending.set(checkpointId, version);
    const base = this.incremental && !full ? this.baseVersion : undefined;
    const tables = [...this.tables.values()];
    const range = this.keyGroupRange;
    let released = false;
    return {
      format: 'canonical',
      full: base === undefined,
      *keyGroups() {
        for (let kg = range.start; kg <= range.end; kg++) {
          const out: KeyGroupData['tables'] = {};
          let any = false;
          for (const t of tables) {
            const [keys, values, deleted] = t.readAt(kg, version, base);
            if (keys.length > 0 || deleted.length > 0) {
              out[t.name] = deleted.length > 0 ? [keys, values, deleted] : [keys, values];
              any = true;
            }
          }
          if (any) yield { keyGroup: kg, tables: out };
        }
      },
      release: () => {
        if (released) return;
        released = true;
        vs.active.splice(vs.active.indexOf(version), 1);
        vs.maxActive = vs.active.length ? Math.max(...vs.active) : 0;
        if (vs.active.length === 0) {
          for (const t of this.tables.values()) {
            t.purgeTombstones();
            if (this.baseVersion !== undefined) t.pruneDeletions(this.baseVersion);
          }
        }
      },
    };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    const version = this.pending.get(checkpointId);
    if (version === undefined) return;
    for (const id of [...this.pending.keys()]) if (id <= checkpointId) this.pending.delete(id);
    this.baseVersion = version;
    this.versions.dirtyBase = version;
    if (this.versions.active.length === 0) for (const t of this.tables.values()) t.pruneDeletions(version);
  }

  restore(groups: Iterable<KeyGroupData>): void {
    for (const g of groups) {
      if (g.keyGroup < this.keyGroupRange.start || g.keyGroup > this.keyGroupRange.end) continue;
      for (const [name, [keys, values, deleted]] of Object.entries(g.tables)) {
        (this.table(name) as HeapTable<unknown>).load(g.keyGroup, keys, values, deleted);
      }
    }
    // Invariant of the dirty lists: every entry written after `dirtyBase` is listed. Restored entries are
    // not listed (the first snapshot after a restore is full), so they MUST count as written at or before it.
    this.versions.dirtyBase = this.versions.current;
  }

  numEntries(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  dispose(): void {
    this.tables.clear();
  }
}
