// The rocksdb backend's cache of slots: loads the keys a batch needs, writes changed slots back, evicts clean ones.
import type RocksDB from 'rocksdb-native';
import type { KeyGroupRange, StateKey } from '../../key-groups';
import type { StateKeyRefs } from '../../state/key-refs';
import { decodeValue, encodeKey, encodeValue } from './rocksdb-keys';
import type { RocksDBQueue } from './rocksdb-queue';
import { ABSENT, RocksTable, type Slot } from './rocksdb-table';

export class SlotCache {
  private readonly tables = new Map<string, RocksTable<unknown>>();
  private readonly tableList: RocksTable<unknown>[] = [];
  /** Slots in memory, and live entries (an estimate after a native restore). */
  resident = 0;
  live = 0;
  private dirty: { t: RocksTable<unknown>; kg: number; key: StateKey; s: Slot }[] = [];
  /** A background write that failed: the next load fails the task. */
  private failure: unknown;

  constructor(
    readonly keyGroupRange: KeyGroupRange,
    /** Keys kept in memory (decoded) before clean ones are dropped. */
    private readonly cacheEntries: number,
    private readonly queue: RocksDBQueue,
  ) {}

  table<V>(name: string): RocksTable<V> {
    let t = this.tables.get(name);
    if (!t) {
      if (Buffer.byteLength(name) > 255) throw new Error(`state table name too long: ${name}`);
      t = new RocksTable(name, this);
      this.tables.set(name, t);
      this.tableList.push(t);
    }
    return t as RocksTable<V>;
  }

  markDirty(t: RocksTable<unknown>, kg: number, key: StateKey, s: Slot): void {
    if (s.dirty) return;
    s.dirty = true;
    this.dirty.push({ t, kg, key, s });
  }

  /** Encodes every changed slot (synchronously: later changes to the values cannot leak in) and queues the write. */
  writeDirty(): Promise<void> | undefined {
    if (this.dirty.length === 0) return undefined;
    const ops: [Buffer, Buffer | undefined][] = new Array(this.dirty.length);
    for (let i = 0; i < this.dirty.length; i++) {
      const { t, kg, key, s } = this.dirty[i]!;
      s.dirty = false;
      const k = encodeKey(t.prefixes[kg - this.keyGroupRange.start]!, key);
      ops[i] = [k, s.v === ABSENT ? undefined : encodeValue(s.v)];
    }
    this.dirty = [];
    const p = this.queue.writeBatch(ops);
    p.catch((e: unknown) => (this.failure ??= e));
    return p;
  }

  /** Drops clean slots (oldest first in each key group) until half the cache is free. */
  private evict(): void {
    void this.writeDirty();
    const target = this.cacheEntries >> 1;
    for (let round = 0; this.resident > target && round < 2; round++) {
      for (const t of this.tableList) {
        for (const m of t.slots) {
          // Per key group, a share of the excess; a second round takes whatever is still over.
          let drop = round === 0 ? Math.ceil((m.size * (this.resident - target)) / this.resident) : m.size;
          for (const [k, s] of m) {
            if (drop <= 0 || this.resident <= target) break;
            if (s.dirty) continue;
            m.delete(k);
            this.resident--;
            drop--;
          }
        }
      }
    }
  }

  prefetch(refs: StateKeyRefs): Promise<void> | undefined {
    if (this.failure !== undefined) throw this.failure;
    const start = this.keyGroupRange.start;
    let missing: { s: Slot; k: Buffer }[] | undefined;
    const { keyGroups, keys } = refs;
    for (let i = 0; i < keys.length; i++) {
      const kg = keyGroups[i]!;
      for (const t of this.tableList) {
        const m = t.slots[kg - start];
        if (m === undefined) throw new Error(`key group ${kg} is outside this subtask's range`);
        if (m.has(keys[i]!)) continue;
        if (missing === undefined) {
          // Room first: what is evicted now and needed by this call is simply read again below.
          if (this.resident + keys.length * this.tableList.length > this.cacheEntries) {
            this.evict();
            i = -1;
            missing = [];
            break;
          }
          missing = [];
        }
        const s: Slot = { v: ABSENT, dirty: false };
        m.set(keys[i]!, s);
        this.resident++;
        missing.push({ s, k: encodeKey(t.prefixes[kg - start]!, keys[i]!) });
      }
    }
    if (missing === undefined || missing.length === 0) return undefined;
    const wanted = missing;
    return this.queue.enqueue(async (db) => {
      const r = db.read({ capacity: wanted.length });
      try {
        const values = wanted.map((w) => r.get(w.k));
        r.tryFlush();
        const got = await Promise.all(values);
        for (let i = 0; i < got.length; i++) {
          const v = got[i];
          // Loading changes nothing: `live` already counts what RocksDB holds.
          if (v !== null && v !== undefined) wanted[i]!.s.v = decodeValue(v);
        }
      } finally {
        r.destroy();
      }
    });
  }

  /** Iterates RocksDB between two keys after every pending change is written. */
  async iterate(gte: Buffer, lt: Buffer): Promise<ReturnType<RocksDB['iterator']>> {
    await this.writeDirty();
    return this.queue.enqueue(async (db) => db.iterator({ gte, lt, capacity: 256 }));
  }

  /** Drops every slot from memory, without writing any. */
  dropCache(): void {
    for (const t of this.tableList) for (const m of t.slots) m.clear();
    this.resident = 0;
  }
}
