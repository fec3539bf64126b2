// Checkpoint storage (Flink's CheckpointStorage): where state files and `_metadata` live; file system or memory.
import type { CheckpointMetadata, StateFileHandle } from './metadata';

/**
 * Where one savepoint is written: a folder of its own (`savepoint-<job>-<id>-<random>`), every path in its
 * `_metadata` relative to it, so the folder can be moved or copied and still restores.
 */
export interface SavepointTarget {
  readonly location: string;
  writeState(name: string, data: Uint8Array): Promise<StateFileHandle>;
  /** Writes `_metadata` last and atomically: the savepoint exists once this resolves. */
  commit(metadata: CheckpointMetadata): Promise<string>;
  /** Removes a savepoint that failed. */
  discard(): Promise<void>;
}

/** A completed checkpoint as storage knows it. */
export interface StoredCheckpoint {
  readonly id: number;
  /** Where it lives: a folder path, or `memory://job/chk-n`. */
  readonly location: string;
}

export interface CheckpointStorage {
  /** `filesystem` or `jobmanager`. */
  readonly kind: string;
  /**
   * Writes one state file of checkpoint `id` (durably, before resolving), with its checksum. `shared`
   * files (incremental snapshots, which later checkpoints reference) go to the job's `shared/` folder.
   */
  writeState(
    job: string,
    id: number,
    name: string,
    data: Uint8Array,
    shared?: boolean,
  ): Promise<StateFileHandle>;
  /** Reads a state file of a checkpoint and verifies size and checksum; throws naming the file when wrong. */
  readState(location: string, handle: StateFileHandle): Promise<Uint8Array>;
  /** Writes `_metadata` last and atomically: the checkpoint exists once this resolves. Returns its location. */
  commit(job: string, metadata: CheckpointMetadata): Promise<string>;
  /** Completed checkpoints of a job, newest first. */
  list(job: string): Promise<StoredCheckpoint[]>;
  /** Reads and checks `_metadata` at a location (a checkpoint folder or its `_metadata` file). */
  readMetadata(location: string): Promise<CheckpointMetadata>;
  /**
   * Deletes a checkpoint's folder, and the shared files (paths as in its `_metadata`) that no retained
   * checkpoint references any more.
   */
  discard(job: string, id: number, unreferencedShared?: readonly string[]): Promise<void>;
  /** A new savepoint folder under `dir` (`execution.checkpointing.savepoint-dir` or `SAVEPOINT TO 'dir'`). */
  savepoint(dir: string, job: string, id: number): SavepointTarget;
  /** Deletes what is left of a job's checkpoints (abandoned folders of failed checkpoints included). */
  discardAll(job: string): Promise<void>;
}
