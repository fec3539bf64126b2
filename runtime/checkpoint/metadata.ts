// The checkpoint `_metadata` document: JSON a person can read with `cat`, listing every file with size and checksum.
import type { KeyGroupRange } from '../key-groups';
import type { NativeKeyedState } from '../state/backend';
import { crc32Hex } from './crc32';

export const METADATA_FORMAT_VERSION = 1;

/** A state file written by a task, relative to the checkpoint's folder. */
export interface StateFileHandle {
  readonly path: string;
  readonly size: number;
  /** CRC-32, hex. */
  readonly checksum: string;
}

export interface SubtaskState {
  readonly subtask: number;
  readonly keyGroupRange: KeyGroupRange;
  readonly keyed?: StateFileHandle;
  /**
   * Incremental snapshots: a full base and the changes after it, applied in order (paths relative to the
   * checkpoint folder, e.g. `../shared/<uid>-0-7.state`); `keyed` is the last of them.
   */
  readonly keyedChain?: readonly StateFileHandle[];
  /** The rocksdb backend's own files (a checkpoint, not a savepoint): SSTs in `shared/`, the rest private. */
  readonly native?: NativeKeyedState;
  /** Non-keyed operator state (source offsets, a sink's pending commits), JSON. */
  readonly operatorState?: unknown;
  /**
   * An unaligned checkpoint's in-flight data of the task this operator heads: the batches its barrier
   * overtook, per input channel, replayed into the task before new input on restore.
   */
  readonly inputChannelState?: InputChannelStateHandle;
}

/** A task's channel-state file and what it holds per input channel (index in the task's inputs). */
export interface InputChannelStateHandle {
  readonly file: StateFileHandle;
  readonly channels: readonly {
    readonly index: number;
    readonly name: string;
    readonly batches: number;
    readonly records: number;
  }[];
}

export interface OperatorStateEntry {
  readonly uid: string;
  readonly name: string;
  readonly kind: string;
  readonly parallelism: number;
  readonly subtasks: readonly SubtaskState[];
}

export interface CheckpointMetadata {
  readonly formatVersion: number;
  readonly jobName: string;
  /** The job id of the run that took it (absent in checkpoints written before job ids). */
  readonly jobId?: string;
  readonly checkpointId: number;
  readonly kind: 'checkpoint' | 'savepoint';
  readonly snapshotType: 'full' | 'incremental';
  readonly mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
  readonly backend: 'hashmap' | 'rocksdb';
  readonly maxParallelism: number;
  readonly triggerTime: number;
  readonly completionTime: number;
  readonly durationMs: number;
  /** Per source operator uid, per subtask: where reading resumes. */
  readonly sourceOffsets: Readonly<Record<string, readonly unknown[]>>;
  readonly operators: readonly OperatorStateEntry[];
  /** Total bytes of the state files. */
  readonly stateSize: number;
  /** The weir version that wrote it. */
  readonly weirVersion?: string;
  /** CRC-32 of the job's statement text: tells whether the query changed since (not whether state fits). */
  readonly queryHash?: string;
  /** Whether some task took this checkpoint unaligned (its barrier overtook in-flight data). */
  readonly unaligned?: boolean;
  /** Bytes of in-flight data (channel state) the checkpoint persisted. */
  readonly inFlightBytes?: number;
  /**
   * Rows the job's sources emitted and its sinks received before this checkpoint's barriers, over the job's whole
   * life (earlier runs it was restored from included); absent when a run it restored from did not record them.
   */
  readonly recordsIn?: number;
  readonly recordsOut?: number;
  /**
   * Checkpoints of earlier runs this run claimed and still holds (locations): a later resume that claims this
   * run claims them too, so that retention reaches every checkpoint of the lineage.
   */
  readonly claimed?: readonly string[];
  /** CRC-32 of the document written without this field (see `encodeMetadata`): a damaged `_metadata` is told apart. */
  readonly checksum?: string;
}

/** The job's lifetime record counts a checkpoint recorded (undefined when it did not). */
export function recordCounts(m: CheckpointMetadata): { recordsIn: number; recordsOut: number } | undefined {
  return typeof m.recordsIn === 'number' && typeof m.recordsOut === 'number'
    ? { recordsIn: m.recordsIn, recordsOut: m.recordsOut }
    : undefined;
}

/** Where every checkpoint of a job name reaches its `shared/` folder from: `<job>/<job id>/chk-<n>/../../shared`. */
export const SHARED_PREFIX = '../../shared/';

/** `_metadata`'s text: the document, then the same with the CRC-32 of the first as its `checksum` field. */
export function encodeMetadata(m: CheckpointMetadata): string {
  const { checksum: _, ...rest } = m;
  const body = JSON.stringify(rest, null, 2);
  return `${JSON.stringify({ ...rest, checksum: crc32Hex(new TextEncoder().encode(body)) }, null, 2)}\n`;
}

/** Parses `_metadata`'s text and verifies its checksum (when it has one), naming `where` in errors. */
export function decodeMetadata(text: string, where: string): CheckpointMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where} is corrupt: not valid JSON (${(e as Error).message})`);
  }
  const m = checkMetadata(parsed, where);
  if (m.checksum !== undefined) {
    const { checksum, ...rest } = m;
    const sum = crc32Hex(new TextEncoder().encode(JSON.stringify(rest, null, 2)));
    if (sum !== checksum) throw new Error(`${where} is corrupt: checksum ${sum}, the file says ${checksum}`);
  }
  return m;
}

/** The keyed-state files a subtask's state is restored from, in order. */
export function keyedFiles(s: SubtaskState): readonly StateFileHandle[] {
  return s.keyedChain ?? (s.keyed ? [s.keyed] : []);
}

/** Every state file of a subtask: canonical keyed ones, a native snapshot's, and its channel state. */
export function stateFiles(s: SubtaskState): readonly StateFileHandle[] {
  return [
    ...keyedFiles(s),
    ...(s.native?.files.map((f) => f.file) ?? []),
    ...(s.inputChannelState ? [s.inputChannelState.file] : []),
  ];
}

/** Every state file a checkpoint references (its own and shared ones). */
export function referencedFiles(m: CheckpointMetadata): string[] {
  return m.operators.flatMap((o) => o.subtasks.flatMap((s) => stateFiles(s).map((f) => f.path)));
}

/** Whether a state file path is in the job's `shared/` folder (referenced by several checkpoints, of any run). */
export function isSharedPath(path: string): boolean {
  return path.startsWith(SHARED_PREFIX);
}

/** Whether a state file lives in the job's `shared/` folder (referenced by several checkpoints). */
export function isShared(f: StateFileHandle): boolean {
  return isSharedPath(f.path);
}

/** Validates the shape of a parsed `_metadata` document, naming what is wrong. */
export function checkMetadata(value: unknown, where: string): CheckpointMetadata {
  const m = value as Partial<CheckpointMetadata> | null;
  if (!m || typeof m !== 'object') throw new Error(`${where}: not a checkpoint metadata document`);
  if (m.formatVersion !== METADATA_FORMAT_VERSION) {
    throw new Error(
      `${where}: unsupported metadata format version ${String(m.formatVersion)} (expected ${METADATA_FORMAT_VERSION})`,
    );
  }
  for (const key of ['jobName', 'checkpointId', 'operators', 'maxParallelism'] as const) {
    if (m[key] === undefined) throw new Error(`${where}: metadata lacks '${key}'`);
  }
  return m as CheckpointMetadata;
}
