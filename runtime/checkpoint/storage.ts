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

/**
 * One run of a job: its name (the same in every run: `pipeline.name` or `<script>-<n>`) and its job id (new for
 * every run, as Flink's JobID). A run writes its checkpoints only into its own folder `<job name>/<job id>/`.
 */
export interface JobRun {
  readonly name: string;
  readonly id: string;
}

/** A completed checkpoint as storage knows it. */
export interface StoredCheckpoint {
  readonly id: number;
  /** Where it lives: a folder path, or `memory://job/run/chk-n`. */
  readonly location: string;
  /** The job id of the run that wrote it ('' for a checkpoint of the layout before job ids). */
  readonly jobId: string;
  /** When it completed (from `_metadata`; the file's time when `_metadata` cannot be read). */
  readonly completionTime: number;
}

export interface CheckpointStorage {
  /** `filesystem` or `jobmanager`. */
  readonly kind: string;
  /**
   * Writes one state file of checkpoint `id` (durably, before resolving), with its checksum. `shared`
   * files (incremental snapshots, which later checkpoints reference) go to the job name's `shared/` folder,
   * which every run of the job reaches by the same relative path (`../../shared/<name>`).
   */
  writeState(
    run: JobRun,
    id: number,
    name: string,
    data: Uint8Array,
    shared?: boolean,
  ): Promise<StateFileHandle>;
  /** Reads a state file of a checkpoint and verifies size and checksum; throws naming the file when wrong. */
  readState(location: string, handle: StateFileHandle): Promise<Uint8Array>;
  /** Writes `_metadata` last and atomically: the checkpoint exists once this resolves. Returns its location. */
  commit(run: JobRun, metadata: CheckpointMetadata): Promise<string>;
  /** Completed checkpoints of a job name over all its runs, newest (by completion time) first. */
  list(jobName: string): Promise<StoredCheckpoint[]>;
  /** Reads and checks `_metadata` at a location (a checkpoint folder or its `_metadata` file). */
  readMetadata(location: string): Promise<CheckpointMetadata>;
  /**
   * Deletes the checkpoint at `location` (its own run's, or one the run claimed), and the shared files (paths
   * as in its `_metadata`) that no retained checkpoint references any more.
   */
  discard(location: string, unreferencedShared?: readonly string[]): Promise<void>;
  /** Where checkpoint `id` of `run` lives (whether or not it completed). */
  checkpointLocation(run: JobRun, id: number): string;
  /** A new savepoint folder under `dir` (`execution.checkpointing.savepoint-dir` or `SAVEPOINT TO 'dir'`). */
  savepoint(dir: string, job: string, id: number): SavepointTarget;
  /** Deletes what is left of one run's checkpoints (abandoned folders of failed checkpoints included). */
  discardAll(run: JobRun): Promise<void>;
}
