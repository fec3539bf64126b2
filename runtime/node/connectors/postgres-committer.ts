// The postgres sink's two-phase commit: PREPARE TRANSACTION at a barrier, COMMIT PREPARED once the checkpoint completed, and on restore settling what an earlier run left prepared.
import type pg from 'pg';
import type { ConnectorContext } from '../../connectors/connector';
import { commitInOtherDatabases } from './postgres-foreign-commits';
import { errorMessage, serverOf, sinkError, type PostgresSinkOptions } from './postgres-options';
import { quoteLiteral } from './postgres-statements';
import {
  GID_MAX,
  gidOf,
  gidPrefix,
  parseGid,
  preparedOf,
  subtaskOfGid,
  UNDEFINED_OBJECT,
  type PreparedTransaction,
} from './postgres-transaction-ids';

/** The checkpoint a writer opens from: its id, the states of every subtask, and this subtask's own. */
export type RestoredCheckpoint = { checkpointId: number; all: readonly unknown[]; own: unknown } | undefined;

/** exactly-once, before connecting: the job's longest transaction id fits PostgreSQL's limit. */
export function checkGidLength(o: PostgresSinkOptions, ctx: ConnectorContext): void {
  const longest = gidOf(ctx.jobName, ctx.uid, 'ffffffff', ctx.parallelism, Number.MAX_SAFE_INTEGER);
  if (Buffer.byteLength(longest) > GID_MAX)
    throw sinkError(
      o,
      `the job name '${ctx.jobName}' is too long for PostgreSQL's ${GID_MAX}-byte prepared transaction ids: set a shorter 'pipeline.name'`,
    );
}

/** Prepares the open transaction of the data connection under `gid`; it outlives the connection. */
export function prepareTransaction(data: pg.Client, gid: string): Promise<unknown> {
  return data.query(`PREPARE TRANSACTION ${quoteLiteral(gid)}`);
}

/**
 * Commits and rolls back prepared transactions on a second connection (`control`), apart from the data
 * connection's statements. `isClosed` tells whether the writer is closing.
 */
export class PostgresCommitter {
  constructor(
    private readonly o: PostgresSinkOptions,
    private readonly ctx: ConnectorContext,
    readonly control: pg.Client,
    private readonly isClosed: () => boolean,
  ) {}

  /** The server prepares transactions: max_prepared_transactions is above 0. */
  async checkServer(): Promise<void> {
    const max = Number(
      (await this.control.query<{ max_prepared_transactions: string }>('SHOW max_prepared_transactions'))
        .rows[0]?.max_prepared_transactions ?? 0,
    );
    if (!(max > 0)) {
      throw sinkError(
        this.o,
        `'sink.semantic' = 'exactly-once' prepares transactions, but max_prepared_transactions is 0 on the server at ${this.o.where}: set max_prepared_transactions (e.g. 64, at least twice the sink's parallelism) in postgresql.conf and restart the server, or use 'sink.semantic' = 'upsert'`,
      );
    }
  }

  /**
   * exactly-once, on open: commits the prepared transactions the restored checkpoint lists and rolls back
   * every other prepared transaction of this sink of this job into this table (from checkpoints that never
   * completed, or from a run that is started again without restoring). Each subtask resolves the ids of its
   * own subtask index; subtask 0 also those of subtask indexes the job no longer has. The listed ids are
   * committed whatever job name they carry: a checkpoint restores into a job of another name when statements
   * were added or moved before its INSERT. Listed ids of another table are committed too (in this database
   * here; in another database by subtask 0, or skipped with a notice when that is no longer possible);
   * unlisted ones of another table are never touched (another job, or an older version of this one, may
   * still write there). `destination`: this sink's destination key and table as PostgreSQL names it.
   */
  async recover(restored: RestoredCheckpoint, destination: { key: string; table: string }): Promise<void> {
    const { jobName: job, uid } = this.ctx;
    const listed = new Set<string>();
    const otherTables = new Set<string>();
    const otherDatabases: PreparedTransaction[] = [];
    if (restored) {
      for (const state of restored.all)
        for (const p of preparedOf(state)) {
          if (p.checkpointId > restored.checkpointId) continue;
          const here = this.placeOf(p, destination.table);
          if (here === 'other-database') otherDatabases.push(p);
          else listed.add(p.gid);
          if (here === 'other-table') otherTables.add(p.gid);
        }
    }
    const rows = (
      await this.control.query<{ gid: string }>(
        'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND (left(gid, length($1)) = $1 OR gid = ANY($2)) ORDER BY gid',
        [gidPrefix(job, uid), [...listed]],
      )
    ).rows;
    let committed = 0;
    let elsewhere = 0;
    let rolledBack = 0;
    // Listed ids of another database MUST NOT be rolled back here, should it be this one under another name.
    const foreign = new Set(otherDatabases.map((p) => p.gid));
    for (const { gid } of rows) {
      if (foreign.has(gid)) continue;
      const own = listed.has(gid) ? undefined : parseGid(job, uid, gid);
      // Another table's: never rolled back here.
      if (own?.destination !== undefined && own.destination !== destination.key) continue;
      const subtask = listed.has(gid) ? subtaskOfGid(gid) : own?.subtask;
      if (subtask === undefined) continue;
      const mine =
        subtask === this.ctx.subtaskIndex || (this.ctx.subtaskIndex === 0 && subtask >= this.ctx.parallelism);
      if (!mine) continue;
      if (listed.has(gid)) {
        await this.commitPrepared(gid);
        if (otherTables.has(gid)) elsewhere++;
        else committed++;
      } else {
        await this.tolerateMissing(() => this.control.query(`ROLLBACK PREPARED ${quoteLiteral(gid)}`));
        rolledBack++;
      }
    }
    if (committed + rolledBack > 0) {
      this.ctx.log(
        `postgres sink '${this.o.name}' subtask ${this.ctx.subtaskIndex}: committed ${committed} prepared transaction(s) of checkpoint ≤ ${restored?.checkpointId ?? '-'}, rolled back ${rolledBack} later or unlisted one(s)`,
      );
    }
    if (elsewhere > 0) {
      this.ctx.log(
        `postgres sink '${this.o.name}' subtask ${this.ctx.subtaskIndex}: the restored state lists ${elsewhere} prepared transaction(s) into another table than this sink's ${destination.table}: committed them where they were`,
      );
    }
    if (this.ctx.subtaskIndex === 0 && otherDatabases.length > 0)
      await commitInOtherDatabases(this.o, this.ctx, otherDatabases, () => this.isClosed());
  }

  /** Where a restored prepared transaction was prepared, seen from this sink (state without it: here). */
  private placeOf(p: PreparedTransaction, table: string): 'here' | 'other-table' | 'other-database' {
    if (p.url === undefined || p.table === undefined) return 'here';
    let server: { where: string; database: string };
    try {
      server = serverOf(new URL(p.url));
    } catch {
      return 'other-database';
    }
    if (server.where !== this.o.where || server.database !== this.o.database) return 'other-database';
    return p.table === table ? 'here' : 'other-table';
  }

  /** Commits the prepared transaction `gid`; one that is no longer there (committed before) is no error. */
  commitPrepared(gid: string): Promise<void> {
    // Retried commits (after a restore, or a commit that failed after it reached the server) find nothing.
    return this.tolerateMissing(() => this.control.query(`COMMIT PREPARED ${quoteLiteral(gid)}`));
  }

  private async tolerateMissing(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      // Closed while the statement ran: what it did is settled on restore (listed ids committed, others rolled back).
      if ((e as { code?: string }).code === UNDEFINED_OBJECT || this.isClosed()) return;
      throw sinkError(this.o, `${errorMessage(e)} (server ${this.o.where})`);
    }
  }
}
