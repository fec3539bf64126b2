// What a task reports to whoever runs it (the job master or a task manager): checkpoint acks and declines, end, failure.
import type { StateFileHandle, SubtaskState } from '../checkpoint/metadata';

/** What a task reports for one checkpoint, per operator of its chain: the subtask's state as `_metadata` lists it. */
export interface TaskAck {
  readonly taskKey: string;
  readonly checkpointId: number;
  /** `records`: a source's rows out or a sink's rows in this attempt, at the barrier. */
  readonly operators: readonly (SubtaskState & { readonly uid: string; readonly records?: number })[];
  readonly syncMs: number;
  readonly asyncMs: number;
  readonly alignmentMs: number;
  readonly bytes: number;
  /** The task snapshotted unaligned; `inFlightBytes` of its channel state are part of `bytes`. */
  readonly unaligned?: boolean;
  readonly inFlightBytes?: number;
}

export interface TaskListener {
  acknowledge(ack: TaskAck): void;
  /** `fatal` (default): the job fails over; otherwise only this checkpoint is abandoned (a newer one subsumed it). */
  decline(taskKey: string, checkpointId: number, error: unknown, fatal?: boolean): void;
  /** A source task ran out of input and waits for the final checkpoint. */
  sourceEnded(taskKey: string): void;
  /** The task failed outside the record path (an asynchronous snapshot part). */
  failed(taskKey: string, error: unknown): void;
  /** State the task waited for is loaded: it has work again. */
  ready?(taskKey: string): void;
}

/** Writes a state file of checkpoint or savepoint `id` where it belongs; resolves with its handle. */
export type WriteState = (
  id: number,
  name: string,
  data: Uint8Array,
  shared: boolean,
) => Promise<StateFileHandle>;
