// Messages between the page and the engine worker: what the page asks, what the worker reports.
import type { CheckpointStats } from '../../../runtime/checkpoint/coordinator';

/** A savepoint as a file the page downloads and uploads: its `_metadata` and every state file (base64). */
export interface SavepointBundle {
  readonly format: 'weir-savepoint-bundle/1';
  readonly name: string;
  readonly metadata: unknown;
  readonly files: Readonly<Record<string, string>>;
}

export type ToWorker =
  /** Runs a script in a fresh session (as `weir run`): earlier jobs are cancelled first. */
  | {
      readonly type: 'run';
      readonly script: string;
      /** The page's settings, applied before the script as the CLI's `-D key=value` flags are. */
      readonly config: Readonly<Record<string, string>>;
      readonly pasted: Readonly<Record<string, string>>;
    }
  /** Runs statements in the current session (as `weir sql`). */
  | { readonly type: 'statement'; readonly text: string }
  /** Fails one task of the running job (the next step of its first stateful task throws). */
  | { readonly type: 'fail' }
  /** Source events per second over all sources; 0: as fast as possible. */
  | { readonly type: 'rate'; readonly eventsPerSec: number }
  | { readonly type: 'cancel' }
  | { readonly type: 'download'; readonly location: string }
  | { readonly type: 'upload'; readonly bundle: SavepointBundle };

export interface OperatorFigures {
  readonly uid: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly stateEntries: number;
  /** Bytes of its state in the latest completed checkpoint (the dashboard, which has no live entry count). */
  readonly stateBytes?: number;
  /** -Infinity before the first watermark (sent as null). */
  readonly watermark: number | null;
}

export interface ResultsFigures {
  readonly table: string;
  readonly columns: readonly string[];
  /** The first rows of the materialized view, with how many times each is present. */
  readonly rows: readonly { readonly row: readonly string[]; readonly n: number }[];
  readonly total: number;
  readonly counts: {
    readonly '+I': number;
    readonly '-U': number;
    readonly '+U': number;
    readonly '-D': number;
  };
  /** Retractions of a row the view does not hold (a replayed -U after an at-least-once restart). */
  readonly missingRetractions: number;
}

/** The exactness counter: the view at a checkpoint against a failure-free shadow run over the same input. */
export interface ExactnessFigures {
  readonly checks: number;
  readonly exact: number;
  readonly last?: {
    /** The checkpoint compared at; null: at the end of a bounded job. */
    readonly checkpointId: number | null;
    readonly exact: boolean;
    readonly rows: number;
    readonly shadowRows: number;
    /** Rows the job's view holds more often than the shadow's (duplicates), and fewer (lost). */
    readonly extra: number;
    readonly missing: number;
    readonly events: number;
  };
  readonly pending: boolean;
}

export interface JobFigures {
  readonly name: string;
  readonly id: string;
  readonly status: string;
  readonly mode: string;
  readonly restarts: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly operators: readonly OperatorFigures[];
  readonly checkpoints: readonly CheckpointStats[];
  /**
   * The newest checkpoint's barrier progress: the tasks (chain-subtask keys) that acknowledged it, with the
   * milliseconds from its trigger; `inProgress` while its barriers are still travelling.
   */
  readonly barrier?: {
    readonly id: number;
    readonly inProgress: boolean;
    readonly acked: readonly { readonly task: string; readonly ms: number }[];
  };
  readonly results?: ResultsFigures;
  readonly exactness: ExactnessFigures;
  /** Milliseconds since the worker started (for rates). */
  readonly at: number;
  /** Milliseconds from the job's start to now, or to its end once it ended. */
  readonly elapsedMs: number;
}

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'log'; readonly level: 'out' | 'err' | 'info'; readonly text: string }
  /** A job started: its plan (`explain --json`). */
  | { readonly type: 'job'; readonly name: string; readonly id: string; readonly plan: unknown }
  | { readonly type: 'figures'; readonly jobs: readonly JobFigures[] }
  | { readonly type: 'savepoint'; readonly location: string; readonly size: number }
  | { readonly type: 'bundle'; readonly bundle: SavepointBundle }
  /** A run or statement finished (ok: no error). */
  | { readonly type: 'done'; readonly ok: boolean };
