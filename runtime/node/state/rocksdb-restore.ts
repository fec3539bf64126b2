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

/** Entries per write batch of a restore. */
const RESTORE_BATCH = 65536;

/**
 * Writes the entries straight into RocksDB, in order (a later entry of the same key wins), in batches of
 * RESTORE_BATCH with one batch encoding while the one before is written. The cache is left out: what it
 * held is written first and dropped, as it would be stale.
 */
export async function restoreCanonical(
  cache: SlotCache,
  queue: RocksDBQueue,
  groups: Iterable<KeyGroupData>,
): Promise<void> {
  const { start, end } = cache.keyGroupRange;
  await cache.writeDirty();
  cache.dropCache();
  let ops: [Buffer, Buffer | undefined][] = [];
  let writing: Promise<void> | undefined;
  const write = async () => {
    await writing;
    writing = queue.writeBatch(ops);
    ops = [];
  };
  for (const g of groups) {
    if (g.keyGroup < start || g.keyGroup > end) continue;
    for (const [name, [keys, values, deleted]] of Object.entries(g.tables)) {
      const prefix = cache.table(name).prefixes[g.keyGroup - start]!;
      for (const k of deleted ?? []) ops.push([encodeKey(prefix, k), undefined]);
      for (let i = 0; i < keys.length; i++) ops.push([encodeKey(prefix, keys[i]!), encodeValue(values[i])]);
    }
    if (ops.length >= RESTORE_BATCH) await write();
  }
  if (ops.length > 0) await write();
  await writing;
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
        let ops: [Buffer, Buffer][] = [];
        const flush = async () => {
          const batch = ops;
          ops = [];
          await queue.writeBatch(batch);
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
  cache.live = await queue.countLive();
}
