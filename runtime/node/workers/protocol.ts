// Messages between the job master (main thread) and a task manager (worker thread); all structured-clone-able.
import type { MessagePort } from 'node:worker_threads';
import type { CheckpointMetadata, StateFileHandle } from '../../checkpoint/metadata';
import type { TaskAck } from '../../task/stream-task';
import type { OperatorMetricsReport } from '../../task/task-managers';
import type { JobSpec } from '../../task/task-builder';

/** An error as it crosses threads. */
export interface WireError {
  readonly message: string;
  readonly stack?: string;
}

export function toWire(e: unknown): WireError {
  return e instanceof Error
    ? { message: e.message, ...(e.stack ? { stack: e.stack } : {}) }
    : { message: String(e) };
}

export function fromWire(w: WireError): Error {
  const e = new Error(w.message);
  if (w.stack) e.stack = w.stack;
  return e;
}

export interface StartMessage {
  readonly type: 'start';
  /** This task manager's index; subtask s of every chain runs on task manager s mod count. */
  readonly index: number;
  readonly count: number;
  readonly job: JobSpec;
  readonly attempt: number;
  readonly restore?: { readonly metadata: CheckpointMetadata; readonly location: string };
  /** peers[i]: the port to task manager i (undefined for this one). */
  readonly peers: readonly (MessagePort | undefined)[];
}

export type MasterMessage =
  | StartMessage
  | {
      readonly type: 'trigger';
      readonly id: number;
      readonly timestamp: number;
      readonly final: boolean;
      readonly savepoint: boolean;
    }
  | { readonly type: 'notify'; readonly id: number; readonly seq: number }
  | { readonly type: 'abort'; readonly id: number }
  | { readonly type: 'run' }
  | { readonly type: 'shutdown' }
  | { readonly type: 'reply'; readonly seq: number; readonly value?: unknown; readonly error?: WireError };

export type TaskManagerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'startFailed'; readonly error: WireError }
  | { readonly type: 'ack'; readonly ack: TaskAck }
  | {
      readonly type: 'decline';
      readonly key: string;
      readonly id: number;
      readonly error: WireError;
      readonly fatal: boolean;
    }
  | { readonly type: 'sourceEnded'; readonly key: string }
  | { readonly type: 'failed'; readonly key: string; readonly error: WireError }
  | {
      readonly type: 'writeState';
      readonly seq: number;
      readonly id: number;
      readonly name: string;
      readonly data: Uint8Array;
      readonly shared: boolean;
    }
  | {
      readonly type: 'readState';
      readonly seq: number;
      readonly location: string;
      readonly file: StateFileHandle;
    }
  | { readonly type: 'print'; readonly line: string; readonly stderr: boolean }
  | { readonly type: 'log'; readonly message: string }
  | {
      readonly type: 'metrics';
      readonly ops: readonly OperatorMetricsReport[];
      readonly stateEntries: number;
    }
  | { readonly type: 'ended' }
  | { readonly type: 'notified'; readonly seq: number; readonly error?: WireError }
  | { readonly type: 'closed' };

/** Subtask `subtask` runs on task manager `subtask mod count`: forward edges stay in one thread. */
export const taskManagerOf = (subtask: number, count: number): number => subtask % count;
