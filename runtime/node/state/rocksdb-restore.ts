// Restoring the rocksdb backend: canonical key groups written into RocksDB, or a native snapshot's files (rescaled if need be).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import RocksDB from 'rocksdb-native';
import type { KeyGroupData, NativeRestore } from '../../state/backend';
import { materialize } from './rocksdb-files';
import { encodeKey, encodeValue, keyGroupBound } from './rocksdb-keys';
import type { RocksDBQueue } from './rocksdb-queue';
import { entryBatches } from './rocksdb-scan';
import type { SlotCache } from './rocksdb-slot-cache';

/** Entries per write batch of a canonical restore. */
const RESTORE_BATCH = 65536;
/** Entries per write batch when copying a native snapshot's keys (rescaling). */
const COPY_BATCH = 8192;

/**
 * Entries gathered into write batches of `size`, in order (a later entry of the same key wins), one batch
 * gathering while the one before is written.
 */
class BatchedWriter {
  private ops: [Buffer, Buffer | undefined][] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly queue: RocksDBQueue,
    private readonly size: number,
  ) {}

  /** `value` undefined deletes the key. */
  push(key: Buffer, value: Buffer | undefined): void {
    this.ops.push([key, value]);
  }

  /** Starts writing the gathered entries once there are `size` of them (after the write before ends). */
  async writeIfFull(): Promise<void> {
    if (this.ops.length >= this.size) await this.write();
  }

  /** Writes what is left and waits for every write. */
  async finish(): Promise<void> {
    if (this.ops.length > 0) await this.write();
    await this.writing;
  }

  private async write(): Promise<void> {
    await this.writing;
    const w = this.queue.writeBatch(this.ops);
    // Awaited by the next write or by finish; a restore that fails before then must not leave it unhandled.
    w.catch(() => {});
    this.writing = w;
    this.ops = [];
  }
}

/**
 * Writes the entries straight into RocksDB in batches (BatchedWriter). The cache is left out: what it held is
 * written first and dropped, as it would be stale.
 */
export async function restoreCanonical(
  cache: SlotCache,
  queue: RocksDBQueue,
  groups: Iterable<KeyGroupData>,
): Promise<void> {
  const { start, end } = cache.keyGroupRange;
  await cache.writeDirty();
  cache.dropCache();
  const out = new BatchedWriter(queue, RESTORE_BATCH);
  for (const g of groups) {
    if (g.keyGroup < start || g.keyGroup > end) continue;
    for (const [name, [keys, values, deleted]] of Object.entries(g.tables)) {
      const prefix = cache.table(name).prefixes[g.keyGroup - start]!;
      for (const k of deleted ?? []) out.push(encodeKey(prefix, k), undefined);
      for (let i = 0; i < keys.length; i++) out.push(encodeKey(prefix, keys[i]!), encodeValue(values[i]));
    }
    await out.writeIfFull();
  }
  await out.finish();
  if (queue.opened) cache.live = await queue.countLive();
}

/**
 * Restores native snapshots: with the same key groups and no database opened yet, the snapshot's files become
 * the database; otherwise this range's keys are copied out of each snapshot, opened in `workDir`/restore-<i>.
 */
export async function restoreNative(
  cache: SlotCache,
  queue: RocksDBQueue,
  workDir: string,
  states: readonly NativeRestore[],
): Promise<void> {
  const { start, end } = cache.keyGroupRange;
  const only = states.length === 1 ? states[0]! : undefined;
  if (!queue.opened && only?.state.keyGroupRange.start === start && only.state.keyGroupRange.end === end) {
    // The same key groups: the snapshot's files become this database, with no replay of records.
    await materialize(only.state.files, only.read, queue.dataDir);
  } else {
    // Rescaling: copy this range's keys out of each overlapping snapshot.
    for (const [i, n] of states.entries()) {
      const dir = join(workDir, `restore-${i}`);
      await materialize(n.state.files, n.read, dir);
      const src = new RocksDB(dir, { createIfMissing: false });
      try {
        await src.ready();
        const out = new BatchedWriter(queue, COPY_BATCH);
        const entries = src.iterator({
          gte: keyGroupBound(start),
          lt: keyGroupBound(end + 1),
          capacity: 1024,
        });
        for await (const batch of entryBatches(entries)) {
          for (const { key, value } of batch) out.push(Buffer.from(key), Buffer.from(value));
          await out.writeIfFull();
        }
        await out.finish();
      } finally {
        await src.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  cache.live = await queue.countLive();
}
