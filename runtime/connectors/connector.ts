// The connector contract: a replayable source reader per split, a (transactional) sink writer per subtask.
import type { TableDef } from '../../compiler/catalog';
import type { Field } from '../../compiler/types';
import type { Clock } from '../clock';
import type { StateKey } from '../key-groups';
import type { RecordBatch, Row } from '../messages';
import type { OperatorMetrics } from '../operator';

export interface ConnectorContext {
  readonly jobName: string;
  /** The source or sink operator's uid (stable across harmless query edits and job renames). */
  readonly uid: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly attempt: number;
  readonly clock: Clock;
  readonly metrics: OperatorMetrics;
  /** Rows per poll. */
  readonly batchSize: number;
  /** Where print-like sinks write a line. */
  readonly print: (line: string, stderr: boolean) => void;
  readonly log: (message: string) => void;
}

/**
 * Reads one split (subtask `subtaskIndex` of `parallelism`). MUST be deterministic from its offset: after a
 * restore at `offset()`, it produces exactly the rows it produced after that point before.
 */
export interface SourceReader {
  /**
   * `restoredOffset`: this subtask's offset; `allOffsets`: every old subtask's (Flink's union state), so
   * that a source restored at another parallelism can tell what its new split still has to read.
   */
  open(ctx: ConnectorContext, restoredOffset: unknown, allOffsets?: readonly unknown[]): void | Promise<void>;
  /**
   * Up to `max` rows (inserts), or a batch with change kinds (a changelog source); `idle` when nothing is
   * available now, `end` when the split is exhausted.
   */
  poll(max: number): Row[] | RecordBatch | 'idle' | 'end';
  /** The position after the last row returned (JSON-able). */
  offset(): unknown;
  /**
   * The checkpoint that stored `offset` (what `offset()` returned at its barrier) completed: a source that
   * acknowledges positions to an external system (a replication slot) does it here, never earlier.
   */
  notifyCheckpointComplete?(checkpointId: number, offset: unknown): void | Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * Writes one subtask's rows. A transactional writer pre-commits in `snapshot` (its result is stored in the
 * checkpoint) and makes the rows visible in `commit` once that checkpoint completed.
 */
export interface SinkWriter {
  /** `restored`: every subtask's snapshot results of the restored checkpoint (to commit what was pre-committed). */
  open(
    ctx: ConnectorContext,
    restored: { checkpointId: number; all: readonly unknown[]; own: unknown } | undefined,
  ): void | Promise<void>;
  write(batch: RecordBatch): void;
  /** The sink's input watermark advanced (partitioned filesystem sinks commit partitions by it). */
  watermark?(timestamp: number): void;
  /** False while the external system is behind: the task reads no more input until it is true (backpressure). */
  hasCapacity?(): boolean;
  snapshot?(checkpointId: number): unknown;
  commit?(checkpointId: number): void | Promise<void>;
  finish?(): void | Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * Rows of a table looked up by key, for a processing-time temporal (lookup) join. `get` MUST be synchronous:
 * a table kept in memory answers at once; one that asks a database loads the keys of a batch in `prepare`,
 * which the task awaits before the batch (as it awaits a RocksDB prefetch).
 */
export interface LookupTable {
  open(ctx: ConnectorContext): void | Promise<void>;
  /**
   * Makes `get` answer for these keys (`values[i]`: the key column values of `keys[i]`); undefined when it
   * already can (the hot path takes no await).
   */
  prepare?(keys: readonly StateKey[], values: readonly (readonly unknown[])[]): Promise<void> | undefined;
  /** The rows whose key columns equal `key` (a StateKey of the key values, as `keySelector` makes it). */
  get(key: StateKey): readonly Row[] | undefined;
  close?(): void | Promise<void>;
}

export interface ConnectorFactory {
  createReader?(table: TableDef, schema: readonly Field[]): SourceReader;
  /** A lookup over `table` by the columns `keys` (indexes into `schema`, the table's physical columns). */
  createLookup?(table: TableDef, schema: readonly Field[], keys: readonly number[]): LookupTable;
  createWriter?(table: TableDef | undefined, schema: readonly Field[]): SinkWriter;
}

/** Connector name → factory; the core registers the platform-neutral ones, runtime/node adds `filesystem`. */
export class ConnectorRegistry {
  private readonly factories = new Map<string, ConnectorFactory>();

  register(name: string, f: ConnectorFactory): this {
    this.factories.set(name, f);
    return this;
  }

  get(name: string): ConnectorFactory {
    const f = this.factories.get(name);
    if (!f)
      throw new Error(
        `connector '${name}' is not available in this runtime (available: ${[...this.factories.keys()].join(', ')})`,
      );
    return f;
  }
}
