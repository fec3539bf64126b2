// The keyed state backend interface: tables an operator declares, keyed by key group and key, snapshotted as a whole.
import type { StateFileHandle } from '../checkpoint/metadata';
import type { KeyGroupRange, StateKey } from '../key-groups';
import type { StateKeyRefs } from './key-refs';

/**
 * One named table of an operator's keyed state. Values MUST be treated as immutable once `put`, unless
 * obtained from `getMutable`, which hands out a copy whenever a running snapshot still needs the old value.
 *
 * Reads and writes are synchronous. A backend whose state lives on disk (rocksdb) answers them from memory:
 * the task loads the keys an operator declares (`StreamOperator.stateKeys`) before calling it, and reading
 * a key that was not loaded is an error, never a silent miss.
 */
export interface KeyedTable<V> {
  get(keyGroup: number, key: StateKey): V | undefined;
  put(keyGroup: number, key: StateKey, value: V): void;
  delete(keyGroup: number, key: StateKey): void;
  /** The value to modify in place (`clone` copies it when a snapshot shares it), or undefined when absent. */
  getMutable(keyGroup: number, key: StateKey, clone: (v: V) => V): V | undefined;
  /**
   * Entries of one key group held in memory: all of them on the heap backend, those loaded on rocksdb
   * (what a TTL sweep may delete). Use `scan` to see every entry.
   */
  entries(keyGroup: number): IterableIterator<[StateKey, V]>;
  /** Every live entry of one key group, wherever it is stored (for rebuilding timers on restore). */
  scan(keyGroup: number): AsyncIterableIterator<[StateKey, V]>;
  /** Live entries (on rocksdb, an estimate kept by counting inserts and deletes). */
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

/** Writes one state file of the running checkpoint (the task supplies it; `shared` files go to `shared/`). */
export type StateFileWriter = (name: string, data: Uint8Array, shared: boolean) => Promise<StateFileHandle>;

/** A backend's own snapshot files (rocksdb: SST, MANIFEST, CURRENT, OPTIONS), by their local names. */
export interface NativeKeyedState {
  readonly format: 'rocksdb';
  readonly keyGroupRange: KeyGroupRange;
  readonly files: readonly { readonly name: string; readonly file: StateFileHandle }[];
}

/** What the synchronous part of a snapshot returns: the asynchronous part, run while records keep flowing. */
export type SnapshotRunner = CanonicalSnapshot | NativeSnapshot;

export interface CanonicalSnapshot {
  readonly format: 'canonical';
  /** False for an incremental snapshot: only the changes since the last completed checkpoint. */
  readonly full: boolean;
  /** Yields key groups one by one (in order), reading the state as of the synchronous part. */
  keyGroups(): Iterable<KeyGroupData> | AsyncIterable<KeyGroupData>;
  /** MUST be called when the snapshot is written or abandoned, so that retained old values are released. */
  release(): void;
}

export interface NativeSnapshot {
  readonly format: 'native';
  /** Whether the files may reuse shared files of earlier checkpoints. */
  readonly full: boolean;
  /** Writes the snapshot's files; resolves with what `_metadata` lists. */
  write(writer: StateFileWriter): Promise<NativeKeyedState>;
  release(): void;
}

/** A native snapshot to restore: its files are read (and checked) through `read`. */
export interface NativeRestore {
  readonly state: NativeKeyedState;
  read(file: StateFileHandle): Promise<Uint8Array>;
}

export interface KeyedStateBackend {
  readonly kind: 'hashmap' | 'rocksdb';
  readonly keyGroupRange: KeyGroupRange;
  table<V>(name: string): KeyedTable<V>;
  /** Whether snapshots may be incremental (`execution.checkpointing.incremental`). */
  readonly incremental: boolean;
  /**
   * Loads the keys in `refs` (of every table) so that reads of them are synchronous. Returns undefined when
   * nothing had to be read (always, on the heap backend): the hot path takes no await.
   */
  prefetch?(refs: StateKeyRefs): Promise<void> | undefined;
  /**
   * The synchronous part: marks a version; MUST be cheap (no copying of state). `full` forces a full
   * snapshot; otherwise an incremental backend writes the changes since the last completed checkpoint.
   * `savepoint`: full, in the canonical format whatever the backend, and never the base of a later one.
   */
  snapshot(checkpointId: number, full?: boolean, savepoint?: boolean): SnapshotRunner;
  /** Checkpoint `checkpointId` completed: it becomes the base of the next incremental snapshot. */
  notifyCheckpointComplete?(checkpointId: number): void;
  /** Loads key groups (only those inside this backend's range are kept). */
  restore(groups: Iterable<KeyGroupData>): void | Promise<void>;
  /** Restores native snapshots (of one or several old subtasks; only this backend's key groups are kept). */
  restoreNative?(states: readonly NativeRestore[]): Promise<void>;
  /** Live entries across tables (for metrics and bounded-state tests). */
  numEntries(): number;
  /** Releases memory and, on rocksdb, closes the database and removes its local working folder. */
  dispose(): void | Promise<void>;
}
