// The `postgres` sink: exactly-once by two-phase commit (PREPARE TRANSACTION per checkpoint), idempotent upserts, or at-least-once inserts.
import pg from 'pg';
import type { TableDef } from '../../../compiler/catalog';
import { dateToString } from '../../../compiler/codegen/builtins';
import { postgresSemantic } from '../../../compiler/connectors';
import type { Field, SqlType } from '../../../compiler/types';
import type { ConnectorContext, SinkWriter } from '../../connectors/connector';
import { formatTimestamp } from '../../connectors/values';
import { ROW_KIND_SHORT, RowKind, type RecordBatch, type Row } from '../../messages';
import { faultPoint } from '../faults';

type Semantic = 'exactly-once' | 'upsert' | 'at-least-once';

/** A transaction prepared at checkpoint `checkpointId` under the global id `gid`, not yet committed. */
export interface PreparedTransaction {
  readonly checkpointId: number;
  readonly gid: string;
}

/** What an exactly-once writer stores in a checkpoint: every prepared transaction it has not committed. */
export interface PostgresSinkState {
  readonly prepared: readonly PreparedTransaction[];
}

/** PostgreSQL's limit on a prepared transaction's identifier. */
const GID_MAX = 200;
/** Bind parameters per statement: PostgreSQL takes at most 65535. */
const MAX_PARAMS = 60_000;
/** SQLSTATE undefined_object: "prepared transaction with identifier ... does not exist". */
const UNDEFINED_OBJECT = '42704';

/**
 * `weir:<job>:<uid>:`: every prepared transaction of one sink (operator uid) of a job starts with it. The uid
 * keeps a job that was renamed (statements added before its INSERT) from taking another sink's transactions
 * under its old name for its own.
 */
export const gidPrefix = (job: string, uid: string): string => `weir:${job}:${uid}:`;

/** `weir:<job>:<uid>:<subtask>:<checkpoint>` */
export const gidOf = (job: string, uid: string, subtask: number, checkpointId: number): string =>
  `${gidPrefix(job, uid)}${subtask}:${checkpointId}`;

/** The subtask and checkpoint of one of this sink's transaction ids, or undefined for another sink's. */
export function parseGid(
  job: string,
  uid: string,
  gid: string,
): { subtask: number; checkpointId: number } | undefined {
  const prefix = gidPrefix(job, uid);
  if (!gid.startsWith(prefix)) return undefined;
  const m = /^(\d+):(\d+)$/.exec(gid.slice(prefix.length));
  return m ? { subtask: Number(m[1]), checkpointId: Number(m[2]) } : undefined;
}

/** The subtask of a transaction id of any job (`…:<subtask>:<checkpoint>`; a job name may hold ':'). */
function subtaskOfGid(gid: string): number | undefined {
  const m = /:(\d+):\d+$/.exec(gid);
  return m ? Number(m[1]) : undefined;
}

/** A PostgreSQL column type that holds the values of a weir type (for the CREATE TABLE hint in errors). */
export function postgresType(t: SqlType): string {
  switch (t.kind) {
    case 'BOOLEAN':
      return 'boolean';
    case 'TINYINT':
    case 'SMALLINT':
      return 'smallint';
    case 'INT':
      return 'integer';
    case 'BIGINT':
      return 'bigint';
    case 'FLOAT':
      return 'real';
    case 'DOUBLE':
      return 'double precision';
    case 'DECIMAL':
      return `numeric(${t.precision}, ${t.scale})`;
    case 'VARCHAR':
      return `varchar(${t.length})`;
    case 'TIMESTAMP':
      return 'timestamp(3)';
    case 'TIMESTAMP_LTZ':
      return 'timestamptz(3)';
    case 'DATE':
      return 'date';
    case 'ROW':
      return 'jsonb';
    default:
      return 'text';
  }
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A value as the `pg` client should send it: timestamps and dates as SQL text, ROWs as JSON. */
function encoder(t: SqlType): (v: unknown) => unknown {
  switch (t.kind) {
    case 'TIMESTAMP':
      return (v) => (typeof v === 'number' ? formatTimestamp(v) : v);
    case 'TIMESTAMP_LTZ':
      return (v) => (typeof v === 'number' ? new Date(v).toISOString() : v);
    case 'DATE':
      return (v) => (typeof v === 'number' ? dateToString(v) : v);
    case 'ROW': {
      const fields = t.fields.map((f) => ({ name: f.name, enc: encoder(f.type) }));
      const object = (v: unknown): unknown => {
        if (!Array.isArray(v)) return v;
        const o: Record<string, unknown> = {};
        fields.forEach((f, i) => (o[f.name] = v[i] == null ? null : f.enc(v[i])));
        return o;
      };
      return (v) => (v == null ? v : JSON.stringify(object(v)));
    }
    default:
      return (v) => v;
  }
}

/** Runs async steps one after another (one connection runs one statement at a time, in order). */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(step: () => Promise<T>): Promise<T> {
    const p = this.tail.then(step);
    this.tail = p.catch(() => {});
    return p;
  }
}

interface Op {
  readonly row: Row;
  readonly kind: RowKind;
}

/**
 * Writes one subtask's rows into a PostgreSQL table. `write` only buffers (operators are synchronous); the
 * statements run in order on one connection, in the background once `sink.buffer-flush.max-rows` rows are
 * buffered and at each barrier (`snapshot`, whose promise resolves once the rows are sent).
 *
 * - exactly-once: the rows between two barriers go into one transaction; at the barrier it is prepared
 *   (`PREPARE TRANSACTION 'weir:<job>:<uid>:<subtask>:<checkpoint>'`, listed in the checkpoint) and committed with
 *   `COMMIT PREPARED` on a second connection once the checkpoint completed. On restore the listed ones are
 *   committed and every other prepared transaction of the job is rolled back.
 * - upsert: `INSERT ... ON CONFLICT (key) DO UPDATE` and `DELETE` by key, autocommitted: replays repeat
 *   statements, but the final table is exact.
 * - at-least-once: plain `INSERT`s, autocommitted: rows after the last completed checkpoint are written
 *   again after a failure.
 *
 * With a PRIMARY KEY, -U/-D rows delete the key and +I/+U rows upsert it (the last change of a key in a
 * flush wins); without one only inserts are accepted (the compiler rejects updating queries).
 */
export class PostgresWriter implements SinkWriter {
  private readonly name: string;
  private readonly url: string;
  private readonly where: string;
  private readonly database: string;
  private readonly tableName: string;
  private readonly semantic: Semantic;
  private readonly flushRows: number;
  private readonly fields: readonly Field[];
  private readonly encoders: readonly ((v: unknown) => unknown)[];
  /** Positions of the PRIMARY KEY columns in a row; empty without a key. */
  private readonly keyIndexes: readonly number[];
  private ctx!: ConnectorContext;
  private data: pg.Client | undefined;
  private control: pg.Client | undefined;
  /** The table as PostgreSQL names it, quoted, and its columns in row order, quoted. */
  private target = '';
  private columnSql: string[] = [];
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
    const o = table.options;
    this.name = table.name;
    const url = o['url'];
    if (!url) throw new Error(`postgres sink '${table.name}': option 'url' is required`);
    const tableName = o['table-name'];
    if (!tableName) throw new Error(`postgres sink '${table.name}': option 'table-name' is required`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(
        `postgres sink '${table.name}': 'url' = '${url}' is not a URL such as 'postgres://user@host:5432/database'`,
      );
    }
    this.url = url;
    this.where = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
    this.database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.username || 'postgres';
    this.tableName = tableName;
    this.semantic = postgresSemantic(o) as Semantic;
    this.flushRows = Math.max(1, Number(o['sink.buffer-flush.max-rows'] ?? 500) || 500);
    const physical = table.physical.map((i) => table.columns[i]!);
    this.fields = physical.length === schema.length ? physical : schema;
    this.encoders = this.fields.map((f) => encoder(f.type));
    this.keyIndexes = table.primaryKey.map((c) => table.physical.indexOf(c)).filter((i) => i >= 0);
    if (this.semantic === 'upsert' && this.keyIndexes.length === 0) {
      throw new Error(
        `postgres sink '${table.name}': 'sink.semantic' = 'upsert' needs a PRIMARY KEY (add PRIMARY KEY (k) NOT ENFORCED)`,
      );
    }
  }

  async open(
    ctx: ConnectorContext,
    restored: { checkpointId: number; all: readonly unknown[]; own: unknown } | undefined,
  ): Promise<void> {
    this.ctx = ctx;
    if (this.semantic === 'exactly-once') {
      const longest = gidOf(ctx.jobName, ctx.uid, ctx.parallelism, Number.MAX_SAFE_INTEGER);
      if (Buffer.byteLength(longest) > GID_MAX)
        throw this.error(
          `the job name '${ctx.jobName}' is too long for PostgreSQL's ${GID_MAX}-byte prepared transaction ids: set a shorter 'pipeline.name'`,
        );
    }
    try {
      this.data = await this.connect('data');
      await this.checkTable(this.data);
      if (this.semantic === 'exactly-once') {
        this.control = await this.connect('commit');
        const max = Number(
          (await this.control.query<{ max_prepared_transactions: string }>('SHOW max_prepared_transactions'))
            .rows[0]?.max_prepared_transactions ?? 0,
        );
        if (!(max > 0)) {
          throw this.error(
            `'sink.semantic' = 'exactly-once' prepares transactions, but max_prepared_transactions is 0 on the server at ${this.where}: set max_prepared_transactions (e.g. 64, at least twice the sink's parallelism) in postgresql.conf and restart the server, or use 'sink.semantic' = 'upsert'`,
          );
        }
        await this.recover(restored);
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
    return this.buffer.length < this.flushRows * 4 || this.failure !== undefined;
  }

  write(batch: RecordBatch): void {
    if (this.failure) throw this.failure;
    const { rows, kinds } = batch;
    if (rows.length === 0) return;
    if (kinds !== undefined && this.keyIndexes.length === 0) {
      const bad = kinds.find((k) => k !== RowKind.Insert);
      if (bad !== undefined) {
        throw this.error(
          `'sink.semantic' = '${this.semantic}' without a PRIMARY KEY only takes inserts, got a ${ROW_KIND_SHORT[bad]} row (declare a PRIMARY KEY with 'exactly-once' or 'upsert')`,
        );
      }
    }
    for (let i = 0; i < rows.length; i++)
      this.buffer.push({ row: rows[i]!, kind: kinds ? kinds[i]! : RowKind.Insert });
    // At most two steps queued; beyond that the buffer grows until `hasCapacity` holds the task back.
    if (this.flushDue()) this.flushInBackground();
    else if (this.semantic !== 'exactly-once' && this.flushTimer === undefined) {
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
    if (this.semantic !== 'exactly-once') {
      return this.enqueue(() => this.send(ops)).then(() => undefined);
    }
    const gid = gidOf(this.ctx.jobName, this.ctx.uid, this.ctx.subtaskIndex, checkpointId);
    const ready = this.enqueue(async () => {
      await this.send(ops);
      if (!this.inTransaction) return false;
      await this.data!.query(`PREPARE TRANSACTION ${quoteLiteral(gid)}`);
      this.inTransaction = false;
      faultPoint('pg-prepared');
      return true;
    });
    this.prepared.push({ checkpointId, gid, ready });
    const listed = [...this.prepared];
    return Promise.all(listed.map((p) => p.ready)).then((done) => ({
      prepared: listed
        .filter((_, i) => done[i])
        .map(({ checkpointId: c, gid: g }) => ({ checkpointId: c, gid: g })),
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
      await this.commitPrepared(p.gid);
    }
    this.prepared = this.prepared.filter((p) => !due.includes(p));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // An open transaction ends with its connection (rolled back); prepared ones stay for the next run.
    await Promise.all(
      [this.data, this.control].map((c) =>
        c
          ? Promise.race([c.end().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref?.())])
          : undefined,
      ),
    );
    this.data = this.control = undefined;
  }

  // -------------------------------------------------------------------------------------------------------

  private error(text: string): Error {
    return new Error(`postgres sink '${this.name}' (table '${this.tableName}'): ${text}`);
  }

  private fail(e: unknown): void {
    if (this.closed || this.failure) return;
    this.failure =
      e instanceof Error && e.message.startsWith('postgres sink ')
        ? e
        : this.error(`${message(e)} (server ${this.where}, database '${this.database}')`);
  }

  private async connect(role: string): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `weir ${role} ${this.ctx.subtaskIndex} ${this.ctx.jobName}`.slice(0, 63),
      connectionTimeoutMillis: 10_000,
    });
    // A connection lost between statements (server restart, pg_terminate_backend) fails the task.
    client.on('error', (e) => this.fail(e));
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => {});
      throw this.error(
        `cannot connect to PostgreSQL at ${this.where} (database '${this.database}'): ${message(e) || (e as { code?: string }).code}`,
      );
    }
    return client;
  }

  /** The table exists and has every column of the sink (and a unique key on the PRIMARY KEY for upserts). */
  private async checkTable(client: pg.Client): Promise<void> {
    let oid: number | null;
    try {
      const r = await client.query<{ oid: number | null; name: string | null }>(
        'SELECT to_regclass($1)::oid AS oid, to_regclass($1)::text AS name',
        [this.tableName],
      );
      oid = r.rows[0]?.oid ?? null;
      this.target = r.rows[0]?.name ?? '';
    } catch (e) {
      throw this.error(`'table-name' = '${this.tableName}' is not a table name: ${message(e)}`);
    }
    const hint = () => {
      const cols = this.fields.map((f) => `${f.name} ${postgresType(f.type)}`);
      const key = this.keyIndexes.length
        ? `, PRIMARY KEY (${this.keyIndexes.map((i) => this.fields[i]!.name).join(', ')})`
        : '';
      return `CREATE TABLE ${this.tableName} (${cols.join(', ')}${key})`;
    };
    if (oid === null) {
      throw this.error(
        `table '${this.tableName}' does not exist in database '${this.database}' at ${this.where}; create it, e.g. ${hint()}`,
      );
    }
    const attrs = (
      await client.query<{ num: number; name: string; notnull: boolean; hasdef: boolean }>(
        // An identity column fills itself without a default (atthasdef is false for it).
        "SELECT attnum AS num, attname AS name, attnotnull AS notnull, atthasdef OR attidentity <> '' AS hasdef FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [oid],
      )
    ).rows;
    const missing: string[] = [];
    const used = new Set<string>();
    this.columnSql = this.fields.map((f) => {
      const exact = attrs.find((a) => a.name === f.name);
      const folded = attrs.filter((a) => a.name.toLowerCase() === f.name.toLowerCase());
      const a = exact ?? (folded.length === 1 ? folded[0] : undefined);
      if (!a) missing.push(f.name);
      else used.add(a.name);
      return quoteIdent(a?.name ?? f.name);
    });
    const tableColumns = attrs.map((a) => a.name).join(', ');
    if (missing.length > 0) {
      throw this.error(
        `table '${this.target}' in database '${this.database}' at ${this.where} has no column ${missing.map((m) => `'${m}'`).join(', ')} (the sink writes ${this.fields.map((f) => f.name).join(', ')}; the table has ${tableColumns})`,
      );
    }
    const unfilled = attrs.filter((a) => !used.has(a.name) && a.notnull && !a.hasdef);
    if (unfilled.length > 0) {
      throw this.error(
        `table '${this.target}' has NOT NULL column(s) ${unfilled.map((a) => `'${a.name}'`).join(', ')} without a default that the sink does not write (the sink writes ${this.fields.map((f) => f.name).join(', ')})`,
      );
    }
    if (this.keyIndexes.length > 0) {
      const key = new Set(this.keyIndexes.map((i) => this.columnSql[i]!));
      const indexes = (
        await client.query<{ cols: number[] }>(
          'SELECT indkey::int2[] AS cols FROM pg_index WHERE indrelid = $1 AND indisunique AND indpred IS NULL',
          [oid],
        )
      ).rows;
      const byNum = new Map(attrs.map((a) => [a.num, quoteIdent(a.name)]));
      const matches = indexes.some(
        (ix) => ix.cols.length === key.size && ix.cols.every((n) => key.has(byNum.get(n) ?? '')),
      );
      if (!matches) {
        const names = this.keyIndexes.map((i) => this.fields[i]!.name).join(', ');
        throw this.error(
          `table '${this.target}' has no PRIMARY KEY or UNIQUE constraint on (${names}), the sink's PRIMARY KEY: updates and upserts need one (ALTER TABLE ${this.target} ADD PRIMARY KEY (${names}))`,
        );
      }
    }
  }

  /**
   * exactly-once, on open: commits the prepared transactions the restored checkpoint lists and rolls back
   * every other prepared transaction of this sink of this job (from checkpoints that never completed, or from a run
   * that is started again without restoring). Each subtask resolves the ids of its own subtask index;
   * subtask 0 also those of subtask indexes the job no longer has. The listed ids are committed whatever
   * job name they carry: a checkpoint restores into a job of another name when statements were added or
   * moved before its INSERT.
   */
  private async recover(
    restored: { checkpointId: number; all: readonly unknown[]; own: unknown } | undefined,
  ): Promise<void> {
    const { jobName: job, uid } = this.ctx;
    const listed = new Set<string>();
    if (restored) {
      for (const state of restored.all)
        for (const p of preparedOf(state)) if (p.checkpointId <= restored.checkpointId) listed.add(p.gid);
    }
    const rows = (
      await this.control!.query<{ gid: string }>(
        'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND (left(gid, length($1)) = $1 OR gid = ANY($2)) ORDER BY gid',
        [gidPrefix(job, uid), [...listed]],
      )
    ).rows;
    let committed = 0;
    let rolledBack = 0;
    for (const { gid } of rows) {
      const subtask = listed.has(gid) ? subtaskOfGid(gid) : parseGid(job, uid, gid)?.subtask;
      if (subtask === undefined) continue;
      const mine =
        subtask === this.ctx.subtaskIndex || (this.ctx.subtaskIndex === 0 && subtask >= this.ctx.parallelism);
      if (!mine) continue;
      if (listed.has(gid)) {
        await this.commitPrepared(gid);
        committed++;
      } else {
        await this.tolerateMissing(() => this.control!.query(`ROLLBACK PREPARED ${quoteLiteral(gid)}`));
        rolledBack++;
      }
    }
    if (committed + rolledBack > 0) {
      this.ctx.log(
        `postgres sink '${this.name}' subtask ${this.ctx.subtaskIndex}: committed ${committed} prepared transaction(s) of checkpoint ≤ ${restored?.checkpointId ?? '-'}, rolled back ${rolledBack} later or unlisted one(s)`,
      );
    }
  }

  private commitPrepared(gid: string): Promise<void> {
    // Retried commits (after a restore, or a commit that failed after it reached the server) find nothing.
    return this.tolerateMissing(() => this.control!.query(`COMMIT PREPARED ${quoteLiteral(gid)}`));
  }

  private async tolerateMissing(run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      // Closed while the statement ran: what it did is settled on restore (listed ids committed, others rolled back).
      if ((e as { code?: string }).code === UNDEFINED_OBJECT || this.closed) return;
      throw this.error(`${message(e)} (server ${this.where})`);
    }
  }

  private takeBuffer(): Op[] {
    const ops = this.buffer;
    this.buffer = [];
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    return ops;
  }

  private flushDue(): boolean {
    return this.buffer.length >= this.flushRows && this.queued < 2 && !this.closed;
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
    if (this.semantic === 'exactly-once' && !this.inTransaction) {
      await client.query('BEGIN');
      this.inTransaction = true;
    }
    const columns = this.columnSql.join(', ');
    const every = this.fields.map((_, i) => i);
    const insert = (rows: readonly Row[], suffix: string) =>
      this.inChunks(
        rows,
        every,
        (values) => `INSERT INTO ${this.target} (${columns}) VALUES ${values}${suffix}`,
      );
    if (this.keyIndexes.length === 0) {
      await insert(
        ops.map((o) => o.row),
        '',
      );
      return;
    }
    // The last change of each key wins: deletes and upserts of distinct keys do not depend on each other.
    const last = new Map<string, Op>();
    for (const op of ops) {
      const key = JSON.stringify(this.keyIndexes.map((i) => op.row[i] ?? null));
      last.delete(key);
      last.set(key, op);
    }
    const upserts: Row[] = [];
    const deletes: Row[] = [];
    for (const op of last.values()) {
      if (op.kind === RowKind.Insert || op.kind === RowKind.UpdateAfter) upserts.push(op.row);
      else deletes.push(op.row);
    }
    const keyCols = this.keyIndexes.map((i) => this.columnSql[i]!);
    await this.inChunks(
      deletes,
      this.keyIndexes,
      (values) => `DELETE FROM ${this.target} WHERE (${keyCols.join(', ')}) IN (${values})`,
    );
    if (upserts.length > 0) {
      const rest = this.columnSql.filter((_, i) => !this.keyIndexes.includes(i));
      const update = rest.length
        ? `DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
        : 'DO NOTHING';
      await insert(upserts, ` ON CONFLICT (${keyCols.join(', ')}) ${update}`);
    }
  }

  /**
   * Runs `statement(values)` on the data connection for `rows`, as many rows a statement as PostgreSQL's
   * bind parameter limit allows; `values` is `($1, $2), ($3, $4), ...` over the columns at `indexes`.
   */
  private async inChunks(
    rows: readonly Row[],
    indexes: readonly number[],
    statement: (values: string) => string,
  ): Promise<void> {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / indexes.length));
    for (let start = 0; start < rows.length; start += perStatement) {
      const params: unknown[] = [];
      const tuples = rows.slice(start, start + perStatement).map((row) => {
        const ph = indexes.map((i) => {
          const v = row[i];
          params.push(v === undefined || v === null ? null : this.encoders[i]!(v));
          return `$${params.length}`;
        });
        return `(${ph.join(', ')})`;
      });
      await this.data!.query(statement(tuples.join(', ')), params);
    }
  }
}

function preparedOf(state: unknown): readonly PreparedTransaction[] {
  const list = (state as Partial<PostgresSinkState> | null | undefined)?.prepared;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (p): p is PreparedTransaction =>
      typeof p === 'object' && p !== null && typeof p.checkpointId === 'number' && typeof p.gid === 'string',
  );
}
