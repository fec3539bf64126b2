// The `rocksdb` state backend: keyed state in an embedded RocksDB per subtask, loaded per batch, snapshots of SST files.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import RocksDB from 'rocksdb-native';
import type { StateFileHandle } from '../../checkpoint/metadata';
import type { KeyGroupRange, StateKey } from '../../key-groups';
import type {
  CanonicalSnapshot,
  KeyGroupData,
  KeyedStateBackend,
  KeyedTable,
  NativeKeyedState,
  NativeRestore,
  NativeSnapshot,
} from '../../state/backend';
import type { StateKeyRefs } from '../../state/key-refs';
import { faultPoint } from '../faults';
import { isSstFile, linkLiveFiles, materialize } from './rocksdb-files';
import {
  decodeKey,
  decodeValue,
  encodeKey,
  encodeValue,
  keyGroupBound,
  prefixEnd,
  tablePrefix,
} from './rocksdb-keys';
import { entryBatches } from './rocksdb-scan';

/** A key known to have no value (never written, or deleted). */
const ABSENT: unique symbol = Symbol('absent');
/** Entries per write batch of a restore. */
const RESTORE_BATCH = 65536;

/**
 * A key in memory: its value (or ABSENT) and whether it changed since it was last handed to RocksDB.
 * Every read of a batch is answered from slots; RocksDB sees writes in batches (at a barrier, or when
 * the cache is full), never one record at a time.
 */
interface Slot {
  v: unknown;
  dirty: boolean;
}

export interface RocksDBBackendOptions {
  readonly range: KeyGroupRange;
  /** This subtask's working folder (created; removed by `dispose`). */
  readonly dir: string;
  /** Prefix of its files in checkpoint storage: `<uid>-<subtask>`. */
  readonly name: string;
  readonly incremental: boolean;
  /** Keys kept in memory (decoded) before clean ones are dropped. */
  readonly cacheEntries: number;
  readonly writeBufferSize: number;
}

class RocksTable<V> implements KeyedTable<V> {
  /** Index: key group − range start. */
  readonly slots: Map<StateKey, Slot>[];
  readonly prefixes: Buffer[];

  constructor(
    readonly name: string,
    private readonly b: RocksDBKeyedStateBackend,
  ) {
    const r = b.keyGroupRange;
    this.slots = Array.from({ length: r.end - r.start + 1 }, () => new Map());
    this.prefixes = Array.from({ length: r.end - r.start + 1 }, (_, i) => tablePrefix(r.start + i, name));
  }

  private map(keyGroup: number): Map<StateKey, Slot> {
    const m = this.slots[keyGroup - this.b.keyGroupRange.start];
    if (!m)
      throw new Error(
        `key group ${keyGroup} is outside this subtask's range ${this.b.keyGroupRange.start}-${this.b.keyGroupRange.end}`,
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
    this.b.resident++;
    return { slot, created: true };
  }

  put(keyGroup: number, key: StateKey, value: V): void {
    const s = this.slotToWrite(keyGroup, key).slot;
    if (s.v === ABSENT) this.b.live++;
    s.v = value;
    this.b.markDirty(this, keyGroup, key, s);
  }

  getMutable(keyGroup: number, key: StateKey): V | undefined {
    const s = this.loaded(keyGroup, key);
    if (s.v === ABSENT) return undefined;
    // Pending changes are encoded at the barrier, so a value may change in place: no copy is needed.
    this.b.markDirty(this, keyGroup, key, s);
    return s.v as V;
  }

  delete(keyGroup: number, key: StateKey): void {
    const { slot: s, created } = this.slotToWrite(keyGroup, key);
    if (!created) {
      if (s.v === ABSENT) return;
      this.b.live--;
    }
    s.v = ABSENT;
    this.b.markDirty(this, keyGroup, key, s);
  }

  *entries(keyGroup: number): IterableIterator<[StateKey, V]> {
    for (const [k, s] of this.map(keyGroup)) if (s.v !== ABSENT) yield [k, s.v as V];
  }

  async *scan(keyGroup: number): AsyncIterableIterator<[StateKey, V]> {
    const prefix = this.prefixes[keyGroup - this.b.keyGroupRange.start]!;
    // Everything written so far reaches RocksDB first: then it alone holds the truth.
    for await (const batch of entryBatches(await this.b.iterate(prefix, prefixEnd(prefix))))
      for (const { key, value } of batch) yield [decodeKey(key).key, decodeValue(value) as V];
  }

  get size(): number {
    return this.b.live;
  }
}

export class RocksDBKeyedStateBackend implements KeyedStateBackend {
  readonly kind = 'rocksdb' as const;
  readonly keyGroupRange: KeyGroupRange;
  readonly incremental: boolean;
  private readonly tables = new Map<string, RocksTable<unknown>>();
  private readonly tableList: RocksTable<unknown>[] = [];
  /** Slots in memory, and live entries (an estimate after a native restore). */
  resident = 0;
  live = 0;
  private dirty: { t: RocksTable<unknown>; kg: number; key: StateKey; s: Slot }[] = [];
  private db: RocksDB | undefined;
  private opening: Promise<RocksDB> | undefined;
  /** Every RocksDB call in order: a read queued after a write sees it; a snapshot sees neither later one. */
  private io: Promise<unknown> = Promise.resolve();
  /** A background write that failed: the next load fails the task. */
  private failure: unknown;
  /** Shared SST files of the last completed checkpoint, by local name: a later checkpoint reuses them. */
  private confirmed = new Map<string, StateFileHandle>();
  private readonly uploads = new Map<number, Map<string, StateFileHandle>>();
  /** Distinguishes this instance's shared files from another attempt's SST of the same number. */
  private readonly instance = randomUUID().slice(0, 8);
  private disposed = false;

  constructor(private readonly o: RocksDBBackendOptions) {
    this.keyGroupRange = o.range;
    this.incremental = o.incremental;
  }

  private get dataDir(): string {
    return join(this.o.dir, 'db');
  }

  table<V>(name: string): KeyedTable<V> {
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

  private open(): Promise<RocksDB> {
    if (this.disposed) return Promise.reject(new Error('rocksdb state backend is closed'));
    this.opening ??= (async () => {
      const db = new RocksDB(this.dataDir, { writeBufferSize: this.o.writeBufferSize, maxBackgroundJobs: 2 });
      await db.ready();
      this.db = db;
      return db;
    })();
    return this.opening;
  }

  /** Runs `fn` after every RocksDB call queued before it. */
  private enqueue<T>(fn: (db: RocksDB) => Promise<T>): Promise<T> {
    const p = this.io.then(async () => fn(await this.open()));
    this.io = p.catch(() => {});
    return p;
  }

  /** Encodes every changed slot (synchronously: later changes to the values cannot leak in) and queues the write. */
  private writeDirty(): Promise<void> | undefined {
    if (this.dirty.length === 0) return undefined;
    const ops: [Buffer, Buffer | undefined][] = new Array(this.dirty.length);
    for (let i = 0; i < this.dirty.length; i++) {
      const { t, kg, key, s } = this.dirty[i]!;
      s.dirty = false;
      const k = encodeKey(t.prefixes[kg - this.keyGroupRange.start]!, key);
      ops[i] = [k, s.v === ABSENT ? undefined : encodeValue(s.v)];
    }
    this.dirty = [];
    const p = this.writeBatch(ops);
    p.catch((e: unknown) => (this.failure ??= e));
    return p;
  }

  /** Queues one atomic write of `ops` (a value of undefined deletes the key), after every call queued before it. */
  private writeBatch(ops: readonly (readonly [Buffer, Buffer | undefined])[]): Promise<void> {
    return this.enqueue(async (db) => {
      const w = db.write({ capacity: ops.length });
      try {
        for (const [k, v] of ops)
          if (v === undefined) w.tryDelete(k);
          else w.tryPut(k, v);
        await w.flush();
      } finally {
        w.destroy();
      }
    });
  }

  /** Drops clean slots (oldest first in each key group) until half the cache is free. */
  private evict(): void {
    void this.writeDirty();
    const target = this.o.cacheEntries >> 1;
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
          if (this.resident + keys.length * this.tableList.length > this.o.cacheEntries) {
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
    return this.enqueue(async (db) => {
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
    return this.enqueue(async (db) => db.iterator({ gte, lt, capacity: 256 }));
  }

  snapshot(checkpointId: number, full = false, savepoint = false): NativeSnapshot | CanonicalSnapshot {
    if (savepoint) return this.canonicalSnapshot();
    // The synchronous part: changes so far are encoded now; RocksDB work happens in order on the queue.
    void this.writeDirty();
    const local = join(this.o.dir, `chk-${checkpointId}`);
    const linked = this.enqueue(async (db) => {
      await db.flush();
      await db.suspend();
      try {
        return linkLiveFiles(this.dataDir, local);
      } finally {
        await db.resume();
      }
    });
    linked.catch(() => {});
    const reuse = this.incremental && !full ? new Map(this.confirmed) : new Map<string, StateFileHandle>();
    return {
      format: 'native',
      full: reuse.size === 0,
      write: async (writer) => {
        const names = await linked;
        const files: { name: string; file: StateFileHandle }[] = [];
        const shared = new Map<string, StateFileHandle>();
        for (const name of names.sort()) {
          let file = isSstFile(name) ? reuse.get(name) : undefined;
          if (file === undefined) {
            const data = readFileSync(join(local, name));
            file =
              isSstFile(name) && this.incremental
                ? await writer(`${this.o.name}-${this.instance}-${name}`, data, true)
                : await writer(`${this.o.name}-${checkpointId}-${name}`, data, false);
            faultPoint('sst-upload');
          }
          if (isSstFile(name) && this.incremental) shared.set(name, file);
          files.push({ name, file });
        }
        this.uploads.set(checkpointId, shared);
        return { format: 'rocksdb', keyGroupRange: this.keyGroupRange, files } satisfies NativeKeyedState;
      },
      release: () => rmSync(local, { recursive: true, force: true }),
    };
  }

  /**
   * A savepoint: the canonical format, read through a RocksDB snapshot taken after the changes so far are
   * written (so records processed meanwhile do not show), key group by key group in key order.
   */
  private canonicalSnapshot(): CanonicalSnapshot {
    void this.writeDirty();
    const view = this.enqueue(async (db) => db.snapshot());
    view.catch(() => {});
    const { start, end } = this.keyGroupRange;
    return {
      format: 'canonical',
      full: true,
      async *keyGroups(): AsyncIterableIterator<KeyGroupData> {
        const snap = await view;
        let current: { keyGroup: number; tables: KeyGroupData['tables'] } | undefined;
        const entries = snap.iterator({
          gte: keyGroupBound(start),
          lt: keyGroupBound(end + 1),
          capacity: 1024,
        });
        for await (const batch of entryBatches(entries))
          for (const { key, value } of batch) {
            const k = decodeKey(key);
            if (current?.keyGroup !== k.keyGroup) {
              if (current) yield current;
              current = { keyGroup: k.keyGroup, tables: {} };
            }
            const t = (current.tables[k.table] ??= [[], []]);
            t[0].push(k.key);
            t[1].push(decodeValue(value));
          }
        if (current) yield current;
      },
      release: () => {
        void view.then((s) => s.close()).catch(() => {});
      },
    };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    const files = this.uploads.get(checkpointId);
    if (files === undefined) return;
    // Only files a completed checkpoint lists may be reused: a failed checkpoint's uploads may be gone.
    this.confirmed = files;
    for (const id of [...this.uploads.keys()]) if (id <= checkpointId) this.uploads.delete(id);
  }

  /**
   * Writes the entries straight into RocksDB, in order (a later entry of the same key wins), in batches of
   * RESTORE_BATCH with one batch encoding while the one before is written. The cache is left out: what it
   * held is written first and dropped, as it would be stale.
   */
  async restore(groups: Iterable<KeyGroupData>): Promise<void> {
    const { start, end } = this.keyGroupRange;
    await this.writeDirty();
    this.dropCache();
    let ops: [Buffer, Buffer | undefined][] = [];
    let writing: Promise<void> | undefined;
    const write = async () => {
      await writing;
      writing = this.writeBatch(ops);
      ops = [];
    };
    for (const g of groups) {
      if (g.keyGroup < start || g.keyGroup > end) continue;
      for (const [name, [keys, values, deleted]] of Object.entries(g.tables)) {
        const prefix = (this.table(name) as RocksTable<unknown>).prefixes[g.keyGroup - start]!;
        for (const k of deleted ?? []) ops.push([encodeKey(prefix, k), undefined]);
        for (let i = 0; i < keys.length; i++) ops.push([encodeKey(prefix, keys[i]!), encodeValue(values[i])]);
      }
      if (ops.length >= RESTORE_BATCH) await write();
    }
    if (ops.length > 0) await write();
    await writing;
    if (this.opening !== undefined) this.live = await this.countLive();
  }

  async restoreNative(states: readonly NativeRestore[]): Promise<void> {
    const { start, end } = this.keyGroupRange;
    const only = states.length === 1 ? states[0]! : undefined;
    if (
      this.opening === undefined &&
      only?.state.keyGroupRange.start === start &&
      only.state.keyGroupRange.end === end
    ) {
      // The same key groups: the snapshot's files become this database, with no replay of records.
      await materialize(only.state.files, only.read, this.dataDir);
    } else {
      // Rescaling: copy this range's keys out of each overlapping snapshot.
      for (const [i, n] of states.entries()) {
        const dir = join(this.o.dir, `restore-${i}`);
        await materialize(n.state.files, n.read, dir);
        const src = new RocksDB(dir, { createIfMissing: false });
        try {
          await src.ready();
          let ops: [Buffer, Buffer][] = [];
          const flush = async () => {
            const batch = ops;
            ops = [];
            await this.writeBatch(batch);
          };
          const entries = src.iterator({
            gte: keyGroupBound(start),
            lt: keyGroupBound(end + 1),
            capacity: 1024,
          });
          for await (const batch of entryBatches(entries)) {
            for (const { key, value } of batch) ops.push([Buffer.from(key), Buffer.from(value)]);
            if (ops.length >= 8192) await flush();
          }
          if (ops.length) await flush();
        } finally {
          await src.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    this.live = await this.countLive();
  }

  private async countLive(): Promise<number> {
    const n = await this.enqueue(async (db) => db.getProperty('rocksdb.estimate-num-keys'));
    return Number(n) || 0;
  }

  private dropCache(): void {
    for (const t of this.tableList) for (const m of t.slots) m.clear();
    this.resident = 0;
  }

  numEntries(): number {
    return this.live;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.io.catch(() => {});
    await this.db?.close();
    this.db = undefined;
    this.dropCache();
    rmSync(this.o.dir, { recursive: true, force: true });
  }
}
