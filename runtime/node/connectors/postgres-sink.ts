// The `postgres` sink: exactly-once by two-phase commit (PREPARE TRANSACTION per checkpoint), idempotent upserts, or at-least-once inserts.
import type pg from 'pg';
import type { TableDef } from '../../../compiler/catalog';
import type { Field } from '../../../compiler/types';
import type { ConnectorContext, SinkWriter } from '../../connectors/connector';
import { ROW_KIND_SHORT, RowKind, type RecordBatch } from '../../messages';
import { faultPoint } from '../faults';
import {
  PostgresCommitter,
  checkGidLength,
  prepareTransaction,
  type RestoredCheckpoint,
} from './postgres-committer';
import { endAll, openConnection } from './postgres-connection';
import {
  errorMessage,
  parsePostgresSinkOptions,
  sinkError,
  withoutPassword,
  type PostgresSinkOptions,
} from './postgres-options';
import { writeChanges, type Op } from './postgres-statements';
import { checkTable, type CheckedTable } from './postgres-table-check';
import {
  destinationKey,
  gidOf,
  type PostgresSinkState,
  type PreparedTransaction,
} from './postgres-transaction-ids';
import { encoder } from './postgres-values';

export { destinationKey, gidOf, gidPrefix, parseGid } from './postgres-transaction-ids';
export type { PostgresSinkState, PreparedTransaction } from './postgres-transaction-ids';
export { postgresType } from './postgres-values';

/** Runs async steps one after another (one connection runs one statement at a time, in order). */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(step: () => Promise<T>): Promise<T> {
    const p = this.tail.then(step);
    this.tail = p.catch(() => {});
    return p;
  }
}

/**
 * Writes one subtask's rows into a PostgreSQL table. `write` only buffers (operators are synchronous); the
 * statements run in order on one connection, in the background once `sink.buffer-flush.max-rows` rows are
 * buffered and at each barrier (`snapshot`, whose promise resolves once the rows are sent).
 *
 * - exactly-once: the rows between two barriers go into one transaction; at the barrier it is prepared
 *   (`PREPARE TRANSACTION 'weir:<job>:<uid>:<destination>:<subtask>:<checkpoint>'`, listed in the checkpoint with
 *   the table and database) and committed with `COMMIT PREPARED` on a second connection once the checkpoint
 *   completed. On restore the listed ones are committed (where they were prepared) and every other prepared
 *   transaction of this sink of the job into this table is rolled back.
 * - upsert: `INSERT ... ON CONFLICT (key) DO UPDATE` and `DELETE` by key, autocommitted: replays repeat
 *   statements, but the final table is exact.
 * - at-least-once: plain `INSERT`s, autocommitted: rows after the last completed checkpoint are written
 *   again after a failure.
 *
 * With a PRIMARY KEY, -U/-D rows delete the key and +I/+U rows upsert it (the last change of a key in a
 * flush wins); without one only inserts are accepted (the compiler rejects updating queries).
 */
export class PostgresWriter implements SinkWriter {
  private readonly options: PostgresSinkOptions;
  private readonly fields: readonly Field[];
  private readonly encoders: readonly ((v: unknown) => unknown)[];
  /** Positions of the PRIMARY KEY columns in a row; empty without a key. */
  private readonly keyIndexes: readonly number[];
  private ctx!: ConnectorContext;
  private data: pg.Client | undefined;
  /** exactly-once: commits and rolls back prepared transactions on its own connection. */
  private committer: PostgresCommitter | undefined;
  /** The table as PostgreSQL names it and its columns in row order, quoted (found on open). */
  private table: CheckedTable = { target: '', columnSql: [] };
  /** exactly-once: the destination key in this sink's transaction ids (database and table). */
  private destination = '';
  private buffer: Op[] = [];
  private readonly queue = new Serial();
  private queued = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** exactly-once: whether the data connection has an open transaction (touched only by queued steps). */
  private inTransaction = false;
  /** exactly-once: transactions prepared (or being prepared) and not yet committed. */
  private prepared: (PreparedTransaction & { ready: Promise<boolean> })[] = [];
  /** A failed statement or a lost connection: rows would be lost, so every later call fails. */
  private failure: Error | undefined;
  private closed = false;

  constructor(table: TableDef, schema: readonly Field[]) {
    this.options = parsePostgresSinkOptions(table);
    const physical = table.physical.map((i) => table.columns[i]!);
    this.fields = physical.length === schema.length ? physical : schema;
    this.encoders = this.fields.map((f) => encoder(f.type));
    this.keyIndexes = table.primaryKey.map((c) => table.physical.indexOf(c)).filter((i) => i >= 0);
    if (this.options.semantic === 'upsert' && this.keyIndexes.length === 0) {
      throw new Error(
        `postgres sink '${table.name}': 'sink.semantic' = 'upsert' needs a PRIMARY KEY (add PRIMARY KEY (k) NOT ENFORCED)`,
      );
    }
  }

  async open(ctx: ConnectorContext, restored: RestoredCheckpoint): Promise<void> {
    this.ctx = ctx;
    if (this.options.semantic === 'exactly-once') checkGidLength(this.options, ctx);
    try {
      this.data = await this.connect('data');
      this.table = await checkTable(this.data, this.options, this.fields, this.keyIndexes);
      this.destination = destinationKey(this.options.database, this.table.target);
      if (this.options.semantic === 'exactly-once') {
        this.committer = new PostgresCommitter(
          this.options,
          ctx,
          await this.connect('commit'),
          () => this.closed,
        );
        await this.committer.checkServer();
        await this.committer.recover(restored, { key: this.destination, table: this.table.target });
      }
    } catch (e) {
      // A writer whose open failed is not closed by its task: its connections MUST NOT outlive it (each
      // restart would leave more behind, up to the server's max_connections).
      await this.close();
      throw e;
    }
  }

  /** Backpressure: with this many rows waiting, the task stops reading input until flushes catch up. */
  hasCapacity(): boolean {
    return this.buffer.length < this.options.flushRows * 4 || this.failure !== undefined;
  }

  write(batch: RecordBatch): void {
    if (this.failure) throw this.failure;
    const { rows, kinds } = batch;
    if (rows.length === 0) return;
    if (kinds !== undefined && this.keyIndexes.length === 0) {
      const bad = kinds.find((k) => k !== RowKind.Insert);
      if (bad !== undefined) {
        throw this.error(
          `'sink.semantic' = '${this.options.semantic}' without a PRIMARY KEY only takes inserts, got a ${ROW_KIND_SHORT[bad]} row (declare a PRIMARY KEY with 'exactly-once' or 'upsert')`,
        );
      }
    }
    for (let i = 0; i < rows.length; i++)
      this.buffer.push({ row: rows[i]!, kind: kinds ? kinds[i]! : RowKind.Insert });
    // At most two steps queued; beyond that the buffer grows until `hasCapacity` holds the task back.
    if (this.flushDue()) this.flushInBackground();
    else if (this.options.semantic !== 'exactly-once' && this.flushTimer === undefined) {
      // Upserts and inserts become visible within a second even when few rows arrive.
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        if (!this.closed && this.failure === undefined && this.buffer.length > 0) this.flushInBackground();
      }, 1000);
      this.flushTimer.unref?.();
    }
  }

  /**
   * At the barrier: sends the buffered rows; exactly-once then prepares the checkpoint's transaction (when it
   * has rows) and resolves to every prepared transaction not yet committed.
   */
  snapshot(checkpointId: number): Promise<PostgresSinkState | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    const ops = this.takeBuffer();
    if (this.options.semantic !== 'exactly-once') {
      return this.enqueue(() => this.send(ops)).then(() => undefined);
    }
    const gid = gidOf(this.ctx.jobName, this.ctx.uid, this.destination, this.ctx.subtaskIndex, checkpointId);
    const ready = this.enqueue(async () => {
      await this.send(ops);
      if (!this.inTransaction) return false;
      await prepareTransaction(this.data!, gid);
      this.inTransaction = false;
      faultPoint('pg-prepared');
      return true;
    });
    this.prepared.push({ checkpointId, gid, ready });
    const listed = [...this.prepared];
    const url = withoutPassword(this.options.url);
    const table = this.table.target;
    return Promise.all(listed.map((p) => p.ready)).then((done) => ({
      prepared: listed
        .filter((_, i) => done[i])
        .map(({ checkpointId: c, gid: g }) => ({ checkpointId: c, gid: g, url, table })),
    }));
  }

  /** Commits every transaction prepared at a checkpoint ≤ `checkpointId` (a repeated commit is a no-op). */
  async commit(checkpointId: number): Promise<void> {
    if (this.failure) throw this.failure;
    const due = this.prepared.filter((p) => p.checkpointId <= checkpointId);
    if (due.length === 0) return;
    for (const p of due) {
      if (!(await p.ready)) continue;
      // Closed meanwhile (the job stops): the transaction stays prepared; the completed checkpoint lists
      // it, so the run restored from it commits it.
      if (this.closed) return;
      faultPoint('pg-committing');
      await this.committer!.commitPrepared(p.gid);
    }
    this.prepared = this.prepared.filter((p) => !due.includes(p));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // An open transaction ends with its connection (rolled back); prepared ones stay for the next run.
    await endAll([this.data, this.committer?.control]);
    this.data = this.committer = undefined;
  }

  // -------------------------------------------------------------------------------------------------------

  private error(text: string): Error {
    return sinkError(this.options, text);
  }

  private fail(e: unknown): void {
    if (this.closed || this.failure) return;
    this.failure =
      e instanceof Error && e.message.startsWith('postgres sink ')
        ? e
        : this.error(
            `${errorMessage(e)} (server ${this.options.where}, database '${this.options.database}')`,
          );
  }

  private connect(role: string): Promise<pg.Client> {
    // A connection lost between statements (server restart, pg_terminate_backend) fails the task.
    return openConnection(this.options, this.ctx, role, (e) => this.fail(e));
  }

  private takeBuffer(): Op[] {
    const ops = this.buffer;
    this.buffer = [];
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    return ops;
  }

  private flushDue(): boolean {
    return this.buffer.length >= this.options.flushRows && this.queued < 2 && !this.closed;
  }

  private flushInBackground(): void {
    // The rows are taken now: a barrier queued after this step MUST NOT see them sent after it.
    const ops = this.takeBuffer();
    this.enqueue(() => this.send(ops)).catch(() => {});
  }

  /** Queues a step on the data connection; a failing step fails the writer. */
  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    this.queued++;
    return this.queue
      .run(async () => {
        if (this.failure) throw this.failure;
        if (!this.data) throw this.error('the connection is closed');
        return step();
      })
      .then(
        (v) => {
          this.queued--;
          // Rows that waited while two steps (flushes or barriers) were queued: sent now, so a held-back
          // task reads on. Nothing else would: a task without room reads no input, so `write` is not called.
          if (this.flushDue()) this.flushInBackground();
          return v;
        },
        (e: unknown) => {
          this.queued--;
          this.fail(e);
          throw this.failure ?? e;
        },
      );
  }

  /** Sends rows: plain INSERTs without a key; with one, the last change per key as an upsert or DELETE. */
  private async send(ops: readonly Op[]): Promise<void> {
    if (ops.length === 0) return;
    const client = this.data!;
    if (this.options.semantic === 'exactly-once' && !this.inTransaction) {
      await client.query('BEGIN');
      this.inTransaction = true;
    }
    await writeChanges(
      (sql, params) => this.data!.query(sql, params),
      { ...this.table, keyIndexes: this.keyIndexes, encoders: this.encoders },
      ops,
    );
  }
}
