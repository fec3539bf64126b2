// Checkpoints of the rocksdb backend in its native format: the live SST files, uploaded once and reused when incremental.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StateFileHandle } from '../../checkpoint/metadata';
import type { KeyGroupRange } from '../../key-groups';
import type { NativeKeyedState, NativeSnapshot } from '../../state/backend';
import { faultPoint } from '../faults';
import { isSstFile, linkLiveFiles } from './rocksdb-files';
import type { RocksDBQueue } from './rocksdb-queue';
import type { SlotCache } from './rocksdb-slot-cache';

export interface NativeSnapshotOptions {
  readonly range: KeyGroupRange;
  /** The subtask's working folder: a checkpoint's files are linked into `chk-<id>` below it. */
  readonly dir: string;
  /** Prefix of its files in checkpoint storage: `<uid>-<subtask>`. */
  readonly name: string;
  readonly incremental: boolean;
}

/** Like Flink's RocksIncrementalSnapshotStrategy: tracks which uploaded SST files a later checkpoint may reuse. */
export class RocksNativeSnapshotStrategy {
  /** Shared SST files of the last completed checkpoint, by local name: a later checkpoint reuses them. */
  private confirmed = new Map<string, StateFileHandle>();
  private readonly uploads = new Map<number, Map<string, StateFileHandle>>();
  /** Distinguishes this instance's shared files from another attempt's SST of the same number. */
  private readonly instance = randomUUID().slice(0, 8);

  constructor(
    private readonly o: NativeSnapshotOptions,
    private readonly cache: SlotCache,
    private readonly queue: RocksDBQueue,
  ) {}

  snapshot(checkpointId: number, full: boolean): NativeSnapshot {
    // The synchronous part: changes so far are encoded now; RocksDB work happens in order on the queue.
    void this.cache.writeDirty();
    const local = join(this.o.dir, `chk-${checkpointId}`);
    const linked = this.queue.enqueue(async (db) => {
      await db.flush();
      await db.suspend();
      try {
        return linkLiveFiles(this.queue.dataDir, local);
      } finally {
        await db.resume();
      }
    });
    linked.catch(() => {});
    const reuse = this.o.incremental && !full ? new Map(this.confirmed) : new Map<string, StateFileHandle>();
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
              isSstFile(name) && this.o.incremental
                ? await writer(`${this.o.name}-${this.instance}-${name}`, data, true)
                : await writer(`${this.o.name}-${checkpointId}-${name}`, data, false);
            faultPoint('sst-upload');
          }
          if (isSstFile(name) && this.o.incremental) shared.set(name, file);
          files.push({ name, file });
        }
        this.uploads.set(checkpointId, shared);
        return { format: 'rocksdb', keyGroupRange: this.o.range, files } satisfies NativeKeyedState;
      },
      release: () => rmSync(local, { recursive: true, force: true }),
    };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    const files = this.uploads.get(checkpointId);
    if (files === undefined) return;
    // Only files a completed checkpoint lists may be reused: a failed checkpoint's uploads may be gone.
    this.confirmed = files;
    for (const id of [...this.uploads.keys()]) if (id <= checkpointId) this.uploads.delete(id);
  }
}
