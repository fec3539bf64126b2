// The contract between the job master (JobRunner, this thread) and task managers that run subtasks elsewhere (worker threads).
import type { CheckpointMetadata, StateFileHandle } from '../checkpoint/metadata';
import type { OperatorMetrics } from '../operator';
import type { TaskListener, WriteState } from './task-listener';
import type { JobSpec } from './task-builder';

/** One subtask operator's counters as a task manager last reported them. */
export interface OperatorMetricsReport {
  readonly uid: string;
  readonly subtask: number;
  readonly metrics: OperatorMetrics;
}

export interface RemoteAttemptOptions {
  readonly job: JobSpec;
  /** How many task managers (threads) share the subtasks. */
  readonly count: number;
  readonly attempt: number;
  readonly restore?: { readonly metadata: CheckpointMetadata; readonly location: string };
  /** Acknowledgements, declines, ended sources and failures of the remote tasks. */
  readonly listener: TaskListener;
  /** State files go through the job master's coordinator (it knows a savepoint's folder). */
  readonly writeState: WriteState;
  readonly readState: (location: string, f: StateFileHandle) => Promise<Uint8Array>;
  readonly print: (line: string, stderr: boolean) => void;
  readonly log: (message: string) => void;
  /** Periodic and final counters of task manager `worker`. */
  readonly metrics: (worker: number, ops: readonly OperatorMetricsReport[], stateEntries: number) => void;
  /** Every remote task ended (bounded input, after the final checkpoint) and drained. */
  readonly ended: () => void;
}

/** A running attempt on task managers, as the coordinator and the job master drive it. */
export interface RemoteAttempt {
  readonly taskKeys: readonly string[];
  readonly sourceTaskKeys: readonly string[];
  /** Lets the opened tasks run (after the coordinator is attached, so that no report comes before). */
  run(): void;
  triggerSources(id: number, timestamp: number, final: boolean, savepoint: boolean): void;
  /** Resolves once every task manager has notified its tasks (sinks committed). */
  notifyComplete(id: number): Promise<void>;
  abort(id: number): void;
  /** Cancels and closes the tasks, then stops the task managers (a dead one is just stopped). */
  shutdown(): Promise<void>;
}

/** Starts task managers for one attempt (runtime/node/workers: worker threads). */
export interface TaskManagers {
  /** How many task managers a job runs on; 0 keeps every subtask on the job master's thread. */
  count(job: JobSpec): number;
  /** Resolves once every task is open (not yet running); rejects when building, restoring or opening fails. */
  start(o: RemoteAttemptOptions): Promise<RemoteAttempt>;
}
