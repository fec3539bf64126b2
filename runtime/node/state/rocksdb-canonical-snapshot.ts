// Savepoints of the rocksdb backend in the canonical format: key group by key group, read through a RocksDB snapshot.
import type { KeyGroupRange } from '../../key-groups';
import type { CanonicalSnapshot, KeyGroupData } from '../../state/backend';
import { decodeKey, decodeValue, keyGroupBound } from './rocksdb-keys';
import type { RocksDBQueue } from './rocksdb-queue';
import { entryBatches } from './rocksdb-scan';
import type { SlotCache } from './rocksdb-slot-cache';

/**
 * A savepoint: the canonical format, read through a RocksDB snapshot taken after the changes so far are
 * written (so records processed meanwhile do not show), key group by key group in key order.
 */
export function canonicalSnapshot(
  range: KeyGroupRange,
  cache: SlotCache,
  queue: RocksDBQueue,
): CanonicalSnapshot {
  void cache.writeDirty();
  const view = queue.enqueue(async (db) => db.snapshot());
  view.catch(() => {});
  const { start, end } = range;
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
