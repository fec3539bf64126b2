// One state table of the rocksdb backend: its keys in memory as slots, per key group, loaded before a batch reads them.
import type { StateKey } from '../../key-groups';
import type { KeyedTable } from '../../state/backend';
import { decodeKey, decodeValue, prefixEnd, tablePrefix } from './rocksdb-keys';
import { entryBatches } from './rocksdb-scan';
import type { SlotCache } from './rocksdb-slot-cache';

/** A key known to have no value (never written, or deleted). */
export const ABSENT: unique symbol = Symbol('absent');

/**
 * A key in memory: its value (or ABSENT) and whether it changed since it was last handed to RocksDB.
 * Every read of a batch is answered from slots; RocksDB sees writes in batches (at a barrier, or when
 * the cache is full), never one record at a time.
 */
export interface Slot {
  v: unknown;
  dirty: boolean;
}

export class RocksTable<V> implements KeyedTable<V> {
  /** Index: key group − range start. */
  readonly slots: Map<StateKey, Slot>[];
  readonly prefixes: Buffer[];

  constructor(
    readonly name: string,
    private readonly cache: SlotCache,
  ) {
    const r = cache.keyGroupRange;
    this.slots = Array.from({ length: r.end - r.start + 1 }, () => new Map());
    this.prefixes = Array.from({ length: r.end - r.start + 1 }, (_, i) => tablePrefix(r.start + i, name));
  }

  private map(keyGroup: number): Map<StateKey, Slot> {
    const m = this.slots[keyGroup - this.cache.keyGroupRange.start];
    if (!m)
      throw new Error(
        `key group ${keyGroup} is outside this subtask's range ${this.cache.keyGroupRange.start}-${this.cache.keyGroupRange.end}`,
      );
    return m;
  }

  private loaded(keyGroup: number, key: StateKey): Slot {
    const s = this.map(keyGroup).get(key);
    if (s === undefined)
      throw new Error(
        `rocksdb state: key ${JSON.stringify(key)} (key group ${keyGroup}) of table '${this.name}' was read without being loaded first (an operator's stateKeys misses it)`,
      );
    return s;
  }

  get(keyGroup: number, key: StateKey): V | undefined {
    const v = this.loaded(keyGroup, key).v;
    return v === ABSENT ? undefined : (v as V);
  }

  /** The slot a write goes to. A blind write needs no read: the slot is created if the key was not loaded. */
  private slotToWrite(keyGroup: number, key: StateKey): { slot: Slot; created: boolean } {
    const m = this.map(keyGroup);
    const s = m.get(key);
    if (s !== undefined) return { slot: s, created: false };
    const slot: Slot = { v: ABSENT, dirty: false };
    m.set(key, slot);
    this.cache.resident++;
    return { slot, created: true };
  }

  put(keyGroup: number, key: StateKey, value: V): void {
    const s = this.slotToWrite(keyGroup, key).slot;
    if (s.v === ABSENT) this.cache.live++;
    s.v = value;
    this.cache.markDirty(this, keyGroup, key, s);
  }

  getMutable(keyGroup: number, key: StateKey): V | undefined {
    const s = this.loaded(keyGroup, key);
    if (s.v === ABSENT) return undefined;
    // Pending changes are encoded at the barrier, so a value may change in place: no copy is needed.
    this.cache.markDirty(this, keyGroup, key, s);
    return s.v as V;
  }

  delete(keyGroup: number, key: StateKey): void {
    const { slot: s, created } = this.slotToWrite(keyGroup, key);
    if (!created) {
      if (s.v === ABSENT) return;
      this.cache.live--;
    }
    s.v = ABSENT;
    this.cache.markDirty(this, keyGroup, key, s);
  }

  *entries(keyGroup: number): IterableIterator<[StateKey, V]> {
    for (const [k, s] of this.map(keyGroup)) if (s.v !== ABSENT) yield [k, s.v as V];
  }

  async *scan(keyGroup: number): AsyncIterableIterator<[StateKey, V]> {
    const prefix = this.prefixes[keyGroup - this.cache.keyGroupRange.start]!;
    // Everything written so far reaches RocksDB first: then it alone holds the truth.
    for await (const batch of entryBatches(await this.cache.iterate(prefix, prefixEnd(prefix))))
      for (const { key, value } of batch) yield [decodeKey(key).key, decodeValue(value) as V];
  }

  get size(): number {
    return this.cache.live;
  }
}
