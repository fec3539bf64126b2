// The `rocksdb` state backend: keyed state in an embedded RocksDB per subtask, loaded per batch, snapshots of SST files.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyGroupRange } from '../../key-groups';
import type {
  CanonicalSnapshot,
  KeyGroupData,
  KeyedStateBackend,
  KeyedTable,
  NativeRestore,
  NativeSnapshot,
} from '../../state/backend';
import type { StateKeyRefs } from '../../state/key-refs';
import { canonicalSnapshot } from './rocksdb-canonical-snapshot';
import { RocksNativeSnapshotStrategy } from './rocksdb-native-snapshot';
import { RocksDBQueue } from './rocksdb-queue';
import { restoreCanonical, restoreNative } from './rocksdb-restore';
import { SlotCache } from './rocksdb-slot-cache';

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

export class RocksDBKeyedStateBackend implements KeyedStateBackend {
  readonly kind = 'rocksdb' as const;
  readonly keyGroupRange: KeyGroupRange;
  readonly incremental: boolean;
  private readonly queue: RocksDBQueue;
  private readonly cache: SlotCache;
  private readonly native: RocksNativeSnapshotStrategy;

  constructor(private readonly o: RocksDBBackendOptions) {
    this.keyGroupRange = o.range;
    this.incremental = o.incremental;
    this.queue = new RocksDBQueue(join(o.dir, 'db'), o.writeBufferSize);
    this.cache = new SlotCache(o.range, o.cacheEntries, this.queue);
    this.native = new RocksNativeSnapshotStrategy(o, this.cache, this.queue);
  }

  table<V>(name: string): KeyedTable<V> {
    return this.cache.table<V>(name);
  }

  prefetch(refs: StateKeyRefs): Promise<void> | undefined {
    return this.cache.prefetch(refs);
  }

  snapshot(checkpointId: number, full = false, savepoint = false): NativeSnapshot | CanonicalSnapshot {
    if (savepoint) return canonicalSnapshot(this.keyGroupRange, this.cache, this.queue);
    return this.native.snapshot(checkpointId, full);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.native.notifyCheckpointComplete(checkpointId);
  }

  restore(groups: Iterable<KeyGroupData>): Promise<void> {
    return restoreCanonical(this.cache, this.queue, groups);
  }

  restoreNative(states: readonly NativeRestore[]): Promise<void> {
    return restoreNative(this.cache, this.queue, this.o.dir, states);
  }

  numEntries(): number {
    return this.cache.live;
  }

  async dispose(): Promise<void> {
    if (this.queue.closed) return;
    await this.queue.close();
    this.cache.dropCache();
    rmSync(this.o.dir, { recursive: true, force: true });
  }
}
