// The keyed state backend interface: tables an operator declares, keyed by key group and key, snapshotted as a whole.
import type { KeyGroupRange, StateKey } from '../key-groups';

/**
 * One named table of an operator's keyed state. Values MUST be treated as immutable once `put`, unless
 * obtained from `getMutable`, which hands out a copy whenever a running snapshot still needs the old value.
 */
export interface KeyedTable<V> {
  get(keyGroup: number, key: StateKey): V | undefined;
  put(keyGroup: number, key: StateKey, value: V): void;
  delete(keyGroup: number, key: StateKey): void;
  /** The value to modify in place (`clone` copies it when a snapshot shares it), or undefined when absent. */
  getMutable(keyGroup: number, key: StateKey, clone: (v: V) => V): V | undefined;
  /** Live entries of one key group. */
  entries(keyGroup: number): IterableIterator<[StateKey, V]>;
  readonly size: number;
}

/**
 * Key group → table name → [keys, values] (and, in an incremental snapshot, the keys deleted since its
 * base): the backend-independent content of a snapshot. Restoring applies deletions, then values.
 */
export interface KeyGroupData {
  readonly keyGroup: number;
  readonly tables: Record<string, [StateKey[], unknown[]] | [StateKey[], unknown[], StateKey[]]>;
}

/** What the synchronous part of a snapshot returns: the asynchronous part, run while records keep flowing. */
export interface SnapshotRunner {
  /** False for an incremental snapshot: only the changes since the last completed checkpoint. */
  readonly full: boolean;
  /** Yields key groups one by one, reading the state as of the synchronous part. */
  keyGroups(): IterableIterator<KeyGroupData>;
  /** MUST be called when the snapshot is written or abandoned, so that retained old values are released. */
  release(): void;
}

export interface KeyedStateBackend {
  readonly kind: 'hashmap' | 'rocksdb';
  readonly keyGroupRange: KeyGroupRange;
  table<V>(name: string): KeyedTable<V>;
  /** Whether snapshots may be incremental (`execution.checkpointing.incremental`). */
  readonly incremental: boolean;
  /**
   * The synchronous part: marks a version; MUST be cheap (no copying of state). `full` forces a full
   * snapshot; otherwise an incremental backend writes the changes since the last completed checkpoint.
   */
  snapshot(checkpointId: number, full?: boolean): SnapshotRunner;
  /** Checkpoint `checkpointId` completed: it becomes the base of the next incremental snapshot. */
  notifyCheckpointComplete?(checkpointId: number): void;
  /** Loads key groups (only those inside this backend's range are kept). */
  restore(groups: Iterable<KeyGroupData>): void;
  /** Live entries across tables (for metrics and bounded-state tests). */
  numEntries(): number;
  dispose(): void;
}
