// What the engine is given: the platform's environment (connectors, storage, clock, backends, hooks) and start options.
import type { Clock } from './clock';
import type { CheckpointMetadata } from './checkpoint/metadata';
import type { CompletedCheckpoint } from './checkpoint/pending-checkpoint';
import type { CheckpointStorage } from './checkpoint/storage';
import type { ConnectorRegistry } from './connectors/connector';
import type { KeyedStateBackend } from './state/backend';
import type { StreamTask } from './task/stream-task';
import type { TaskManagers } from './task/task-managers';

/** Everything platform-specific the engine needs, supplied by runtime/node or the playground. */
export interface EngineEnvironment {
  readonly connectors: ConnectorRegistry;
  readonly storage: CheckpointStorage;
  readonly clock?: Clock;
  /** Creates the keyed state backend of one stateful subtask (default: the heap backend). */
  readonly stateBackend?: (
    kind: 'hashmap' | 'rocksdb',
    ctx: {
      jobName: string;
      uid: string;
      subtask: number;
      range: { start: number; end: number };
      incremental: boolean;
      config: Readonly<Record<string, string>>;
    },
  ) => KeyedStateBackend;
  readonly print: (line: string, stderr: boolean) => void;
  readonly log: (message: string) => void;
  /** Tests: the order tasks are stepped in each round (default: graph order). */
  readonly schedule?: (tasks: readonly StreamTask[], round: number) => readonly StreamTask[];
  /** Tests: called before each task step; throwing there fails the task (failure injection). */
  readonly beforeStep?: (task: StreamTask, attempt: number) => void;
  /**
   * Runs subtasks on task manager threads when the job asks for it (`weir.workers`, parallelism > 1);
   * absent (the playground, tests with injected clocks): every subtask runs on this thread.
   */
  readonly taskManagers?: TaskManagers;
  /** Observers (the playground's barrier progress): a task acknowledged checkpoint `checkpointId`. */
  readonly onAcknowledge?: (taskKey: string, checkpointId: number) => void;
}

export interface StartOptions {
  /**
   * A completed checkpoint or savepoint to start from. `claimed` (Flink's CLAIM mode): completed checkpoints of
   * an earlier run, oldest first, that this run takes over: retention subsumes them like its own.
   */
  readonly restore?: {
    readonly metadata: CheckpointMetadata;
    readonly location: string;
    readonly claimed?: readonly CompletedCheckpoint[];
  };
  /** This run's job id (default: a new random one, 32 hex digits as Flink's JobID). */
  readonly jobId?: string;
}

/** A new job id: 32 hex digits, as Flink's JobID. */
export function newJobId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
