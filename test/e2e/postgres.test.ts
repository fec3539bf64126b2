// The postgres sink against a real PostgreSQL server: exact tables with and without SIGKILLs, at-least-once duplicates, clear errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableDef } from '../../compiler/catalog';
import { T, type Field } from '../../compiler/types';
import { ManualClock } from '../../runtime/clock';
import { RowKind, insertBatch } from '../../runtime/messages';
import { PostgresWriter, destinationKey } from '../../runtime/node/connectors/postgres-sink';
import { newMetrics } from '../../runtime/operator';
import { compileScript } from '../../compiler/index';
import { startJob } from '../../runtime/node/environment';
import { type PostgresServer, freePort, startPostgres } from '../support/postgres';
import { runWeir, runWithKills, writeInputs } from './crash-harness';
import { TABLES_DDL, expectedTables, postgresScript, preparedLeft, tableRows } from './postgres-fixtures';

let server: PostgresServer;
let databases = 0;
const folders: string[] = [];
const tempFolder = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
};

beforeAll(async () => {
  // No server means failing tests that say why (startPostgres throws), never an empty pass.
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A fresh database with the fixture tables, and a work folder holding the inputs and `job.sql`. */
async function prepare(script: (url: string) => string, orders = 20_000, customers = 500) {
  const db = `t${++databases}`;
  const url = await server.createDatabase(db);
  await server.query(TABLES_DDL, [], db);
  const dir = tempFolder('weir-pg-e2e-');
  writeInputs(dir, orders, customers, 7);
  writeFileSync(join(dir, 'job.sql'), script(url));
  return { db, url, dir };
}

/** A writer of sink table `table` (columns id BIGINT, amount INT) in this process, for what a job cannot show. */
function writerOf(
  url: string,
  table: string,
  options: Record<string, string> = {},
  primaryKey: readonly number[] = [],
): PostgresWriter {
  const columns: Field[] = [
    { name: 'id', type: T.bigint() },
    { name: 'amount', type: T.int() },
  ];
  const def: TableDef = {
    name: table,
    columns,
    physical: [0, 1],
    computed: [],
    primaryKey,
    connector: 'postgres',
    options: { connector: 'postgres', url, 'table-name': table, ...options },
    span: { start: 0, end: 0, line: 1, column: 1 },
  };
  return new PostgresWriter(def, columns);
}

const context = (job: string, uid = 'sink-test') => ({
  jobName: job,
  uid,
  subtaskIndex: 0,
  parallelism: 1,
  attempt: 0,
  clock: new ManualClock(0),
  metrics: newMetrics(),
  batchSize: 1024,
  print: () => {},
  log: () => {},
});

/** The weir connections open on database `db` (a closed one can take a moment to leave pg_stat_activity). */
async function weirConnections(on: PostgresServer, db: string, settleMs = 2_000): Promise<number> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const rows = await on.query(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'weir %'",
      [db],
    );
    if (rows.length === 0 || Date.now() >= deadline) return rows.length;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function expectExact(db: string, dir: string, label: string): Promise<void> {
  const expected = expectedTables(dir);
  expect(expected.totals.length).toBeGreaterThan(0);
  expect(await tableRows(server, db, 'totals'), `totals (exactly-once) ${label}`).toEqual(expected.totals);
  expect(await tableRows(server, db, 'totals_upsert'), `totals_upsert ${label}`).toEqual(expected.totals);
  expect(await tableRows(server, db, 'enriched'), `enriched (exactly-once) ${label}`).toEqual(
    expected.enriched,
  );
  expect(await tableRows(server, db, 'enriched_upsert'), `enriched_upsert ${label}`).toEqual(
    expected.enriched,
  );
  expect(await preparedLeft(server, db), `pg_prepared_xacts ${label}`).toEqual([]);
}

describe('postgres sink', () => {
  it('GROUP BY and LEFT JOIN into exactly-once and upsert tables end equal to the expected result', async () => {
    const { db, dir } = await prepare((url) => postgresScript(url, '200ms'));
    const r = await runWeir(dir, ['run', 'job.sql']);
    expect(r.code, r.stderr).toBe(0);
    await expectExact(db, dir, 'after a failure-free run');
  });

  it('SIGKILLs at random moments, after PREPARE and before COMMIT PREPARED: tables exact, nothing left prepared', async () => {
    const seed = Number(process.env['WEIR_CRASH_SEED'] ?? 11);
    const { db, dir } = await prepare((url) => postgresScript(url, '150ms'), 40_000, 1_000);
    const summary = await runWithKills(dir, 'job.sql', {
      kills: 5,
      minMs: 300,
      maxMs: 1500,
      seed,
      faultPoints: ['pg-prepared', 'pg-committing', 'metadata-written'],
      mustHit: ['pg-prepared', 'pg-committing'],
      faultHits: 4,
    });
    console.log(
      `postgres crash test: ${summary.kills} SIGKILLs over ${summary.runs} runs (seed ${seed}; at fault points: ${JSON.stringify(summary.faultKills)})`,
    );
    expect(summary.faultKills['pg-prepared'] ?? 0).toBeGreaterThan(0);
    expect(summary.faultKills['pg-committing'] ?? 0).toBeGreaterThan(0);
    await expectExact(db, dir, `after ${summary.kills} kills in ${summary.runs} runs`);
  }, 120_000);

  it('at-least-once writes rows again after a failure; exactly-once in the same job does not', async () => {
    const rows = 15_000;
    const { db, dir } = await prepare(
      (url) => `
SET 'execution.checkpointing.interval' = '1s';
SET 'restart-strategy.type' = 'none';
CREATE TABLE events (id BIGINT, amount INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5000',
  'number-of-rows' = '${rows}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}',
  'fields.amount.min' = '1', 'fields.amount.max' = '100');
CREATE TABLE raw_alo (id BIGINT, amount INT) WITH ('connector' = 'postgres', 'url' = '${url}',
  'table-name' = 'raw_alo', 'sink.semantic' = 'at-least-once', 'sink.buffer-flush.max-rows' = '100');
CREATE TABLE raw_eo (id BIGINT, amount INT) WITH ('connector' = 'postgres', 'url' = '${url}',
  'table-name' = 'raw_eo', 'sink.buffer-flush.max-rows' = '100');
INSERT INTO raw_alo SELECT id, amount FROM events;
INSERT INTO raw_eo SELECT id, amount FROM events;
`,
    );
    await server.query(
      'CREATE TABLE raw_alo (id bigint, amount int); CREATE TABLE raw_eo (id bigint, amount int)',
      [],
      db,
    );
    const killed = await runWeir(dir, ['run', 'job.sql'], 2_300);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const resumed = await runWeir(dir, ['run', 'job.sql', '--from-checkpoint', 'latest']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const count = async (t: string) =>
      (
        await server.query<{ n: string; d: string }>(
          `SELECT count(*) n, count(DISTINCT id) d FROM ${t}`,
          [],
          db,
        )
      )[0]!;
    const alo = await count('raw_alo');
    const eo = await count('raw_eo');
    console.log(
      `at-least-once after one SIGKILL: ${alo.n} rows for ${alo.d} ids (${Number(alo.n) - Number(alo.d)} duplicates); exactly-once: ${eo.n} rows for ${eo.d} ids`,
    );
    expect(Number(alo.d)).toBe(rows);
    expect(Number(alo.n)).toBeGreaterThan(rows);
    expect({ n: Number(eo.n), d: Number(eo.d) }).toEqual({ n: rows, d: rows });
    expect(await preparedLeft(server, db)).toEqual([]);
  }, 60_000);

  it('a database connection killed mid-transaction restarts the job from the last checkpoint, still exact', async () => {
    const rows = 12_000;
    const { db, dir } = await prepare(
      (url) => `
SET 'execution.checkpointing.interval' = '300ms';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.delay' = '200ms';
CREATE TABLE events (id BIGINT, amount INT) WITH ('connector' = 'datagen', 'rows-per-second' = '4000',
  'number-of-rows' = '${rows}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}',
  'fields.amount.kind' = 'sequence', 'fields.amount.start' = '1', 'fields.amount.end' = '${rows}');
CREATE TABLE sums (k BIGINT, n BIGINT, total BIGINT, PRIMARY KEY (k) NOT ENFORCED)
  WITH ('connector' = 'postgres', 'url' = '${url}', 'table-name' = 'sums', 'sink.buffer-flush.max-rows' = '50');
INSERT INTO sums SELECT id % 97, COUNT(*), SUM(amount) FROM events GROUP BY id % 97;
`,
    );
    await server.query('CREATE TABLE sums (k bigint PRIMARY KEY, n bigint, total bigint)', [], db);
    const run = runWeir(dir, ['run', 'job.sql']);
    // Wait until the sink's transaction has rows, then kill its connection (the server rolls the transaction back).
    let terminated = 0;
    for (let i = 0; i < 100 && terminated === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const killedBackends = await server.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'weir data%' AND state LIKE 'idle in transaction%' AND pg_terminate_backend(pid)`,
        [db],
      );
      terminated = killedBackends.length;
    }
    expect(terminated, 'a weir data connection in a transaction was found and terminated').toBeGreaterThan(0);
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 restart/);
    const expected: string[] = [];
    for (let k = 0; k < 97; k++) {
      let n = 0;
      let total = 0;
      for (let id = 1; id <= rows; id++) {
        if (id % 97 !== k) continue;
        n++;
        total += id;
      }
      expected.push(JSON.stringify([k, n, total]));
    }
    expect(await tableRows(server, db, 'sums')).toEqual(expected.sort());
    expect(await preparedLeft(server, db)).toEqual([]);
  }, 60_000);

  it('an intermediate savepoint commits nothing: a failover after it restarts from the checkpoint without duplicates', async () => {
    const rows = 6_000;
    const { db, url, dir } = await prepare(() => '');
    await server.query('CREATE TABLE ev (id bigint, amount int)', [], db);
    const sql = `
SET 'execution.checkpointing.interval' = '1h';
SET 'execution.checkpointing.dir' = '${dir}/chk';
SET 'execution.checkpointing.savepoint-dir' = '${dir}/sp';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.delay' = '0 ms';
CREATE TABLE events (id BIGINT, amount INT) WITH ('connector' = 'datagen', 'rows-per-second' = '4000',
  'number-of-rows' = '${rows}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}');
CREATE TABLE ev (id BIGINT, amount INT) WITH ('connector' = 'postgres', 'url' = '${url}', 'table-name' = 'ev',
  'sink.buffer-flush.max-rows' = '50');
INSERT INTO ev SELECT id, amount FROM events;`;
    const r = compileScript(sql, { scriptName: 'spdup' });
    const job = r.statements.flatMap((x) => (x.kind === 'job' ? [x.job] : []))[0]!;
    const h = await startJob(job, { out: () => {}, err: () => {}, interactive: false });
    const until = async (n: number) => {
      while (h.metrics().recordsIn < n) await new Promise((res) => setTimeout(res, 10));
    };
    await until(1000);
    await h.triggerCheckpoint();
    await until(3000);
    await h.triggerSavepoint();
    // Nothing after the checkpoint is visible yet: the savepoint committed no side effects.
    const [visible] = await server.query<{ n: number }>('SELECT count(*)::int AS n FROM ev', [], db);
    expect(visible!.n).toBeLessThan(3000);
    const killed = await server.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'weir data%' AND pg_terminate_backend(pid)`,
      [db],
    );
    expect(killed.length, "the sink's data connection was terminated").toBeGreaterThan(0);
    const res = await h.done;
    expect(res.status, res.error).toBe('FINISHED');
    expect(h.metrics().restarts).toBeGreaterThan(0);
    const [counts] = await server.query<{ n: number; d: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM ev',
      [],
      db,
    );
    expect(counts).toEqual({ n: rows, d: rows });
    expect(await preparedLeft(server, db)).toEqual([]);
  }, 60_000);

  it('rows held back while two barriers were being sent are flushed once they are done (the task reads on)', async () => {
    const db = `t${++databases}`;
    const url = await server.createDatabase(db);
    await server.query('CREATE TABLE held (id bigint, amount integer)', [], db);
    const w = writerOf(url, 'held', { 'sink.buffer-flush.max-rows': '10' });
    await w.open(context('held'), undefined);
    try {
      // Two checkpoints in flight (max-concurrent-checkpoints 2), then enough rows to hold the task back.
      const first = w.snapshot(1);
      const second = w.snapshot(2);
      w.write(insertBatch(Array.from({ length: 40 }, (_, i) => [i, i])));
      expect(w.hasCapacity()).toBe(false);
      await Promise.all([first, second]);
      // Nothing else would wake the sink: the task reads no input while the sink has no room.
      for (let i = 0; i < 100 && !w.hasCapacity(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(w.hasCapacity(), 'the held-back rows were sent').toBe(true);
      const third = await w.snapshot(3);
      await w.commit(3);
      expect(third?.prepared.map((p) => p.gid)).toEqual([
        `weir:held:sink-test:${destinationKey(db, 'held')}:0:3`,
      ]);
      expect(await server.query('SELECT count(*)::int AS n FROM held', [], db)).toEqual([{ n: 40 }]);
    } finally {
      await w.close();
    }
  });

  it('upsert: -U/+U of a key update it, -D deletes it, in one flush', async () => {
    const db = `t${++databases}`;
    const url = await server.createDatabase(db);
    await server.query('CREATE TABLE kv (id bigint PRIMARY KEY, amount integer)', [], db);
    const w = writerOf(url, 'kv', { 'sink.semantic': 'upsert' }, [0]);
    await w.open(context('kv'), undefined);
    try {
      w.write(
        insertBatch([
          [1, 10],
          [2, 20],
          [3, 30],
        ]),
      );
      await w.snapshot(1);
      w.write({
        rows: [
          [1, 10],
          [1, 11],
          [2, 20],
          [3, 30],
          [3, 31],
          [3, 31],
          [4, 40],
        ],
        kinds: [
          RowKind.UpdateBefore,
          RowKind.UpdateAfter,
          RowKind.Delete,
          RowKind.UpdateBefore,
          RowKind.UpdateAfter,
          RowKind.Delete,
          RowKind.Insert,
        ],
      });
      await w.snapshot(2);
    } finally {
      await w.close();
    }
    expect(await server.query('SELECT id::int, amount FROM kv ORDER BY id', [], db)).toEqual([
      { id: 1, amount: 11 },
      { id: 4, amount: 40 },
    ]);
  });

  it('a commit that comes after close leaves the transaction prepared for the restored run to commit', async () => {
    const db = `t${++databases}`;
    const url = await server.createDatabase(db);
    await server.query('CREATE TABLE late (id bigint, amount integer)', [], db);
    const w = writerOf(url, 'late');
    await w.open(context('late'), undefined);
    w.write(insertBatch([[1, 10]]));
    const state = await w.snapshot(1);
    // The job stops while checkpoint 1's completion is being handled.
    await w.close();
    await w.commit(1);
    expect(await preparedLeft(server, db)).toEqual([`weir:late:sink-test:${destinationKey(db, 'late')}:0:1`]);
    const again = writerOf(url, 'late');
    await again.open(context('late'), { checkpointId: 1, all: [state], own: state });
    await again.close();
    expect(await preparedLeft(server, db)).toEqual([]);
    expect(await server.query('SELECT id::int, amount FROM late', [], db)).toEqual([{ id: 1, amount: 10 }]);
  });

  it("a job that took another job's old name leaves that job's prepared transactions alone (the sink's uid is in the id)", async () => {
    const db = `t${++databases}`;
    const url = await server.createDatabase(db);
    await server.query('CREATE TABLE a (id bigint, amount integer)', [], db);
    await server.query('CREATE TABLE b (id bigint, amount integer)', [], db);
    // Job 'q-2' (sink into a) prepares checkpoint 1; the process dies before COMMIT PREPARED.
    const wa = writerOf(url, 'a');
    await wa.open(context('q-2', 'sink-a'), undefined);
    wa.write(insertBatch([[1, 10]]));
    const state = await wa.snapshot(1);
    await wa.close();
    // A statement added before it: the sink into b is job 'q-2' now, started afresh; it rolls back its own
    // leftovers, and must not take the sink into a's transaction for one of them.
    const wb = writerOf(url, 'b');
    await wb.open(context('q-2', 'sink-b'), undefined);
    await wb.close();
    expect(await preparedLeft(server, db)).toEqual([`weir:q-2:sink-a:${destinationKey(db, 'a')}:0:1`]);
    // The sink into a, now job 'q-3', restores its checkpoint and commits what it lists.
    const again = writerOf(url, 'a');
    await again.open(context('q-3', 'sink-a'), { checkpointId: 1, all: [state], own: state });
    await again.close();
    expect(await preparedLeft(server, db)).toEqual([]);
    expect(await server.query('SELECT id::int, amount FROM a', [], db)).toEqual([{ id: 1, amount: 10 }]);
  });

  it('a job restored under another name (statements added or reordered) commits the transactions its checkpoint lists', async () => {
    const db = `t${++databases}`;
    const url = await server.createDatabase(db);
    await server.query('CREATE TABLE moved (id bigint, amount integer)', [], db);
    // Job 'old' prepares checkpoint 1's transaction; the process dies before COMMIT PREPARED.
    const w = writerOf(url, 'moved');
    await w.open({ ...context('old'), parallelism: 2, subtaskIndex: 1 }, undefined);
    w.write(insertBatch([[1, 10]]));
    const state = await w.snapshot(1);
    await w.close();
    expect(await preparedLeft(server, db)).toEqual([`weir:old:sink-test:${destinationKey(db, 'moved')}:1:1`]);
    // The checkpoint restores into job 'new' (same sink operator) at parallelism 1.
    const again = writerOf(url, 'moved');
    await again.open(context('new'), { checkpointId: 1, all: [undefined, state], own: undefined });
    await again.close();
    expect(await preparedLeft(server, db)).toEqual([]);
    expect(await server.query('SELECT id::int, amount FROM moved', [], db)).toEqual([{ id: 1, amount: 10 }]);
  });

  describe('errors', () => {
    const script = (url: string, table: string, columns: string, extra = '') => `
SET 'restart-strategy.type' = 'none';
CREATE TABLE src (id BIGINT, amount INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE out (${columns}) WITH ('connector' = 'postgres', 'url' = '${url}', 'table-name' = '${table}'${extra});
INSERT INTO out SELECT id, amount FROM src;
`;
    const runScript = async (text: string) => {
      const dir = tempFolder('weir-pg-err-');
      writeFileSync(join(dir, 'job.sql'), text);
      return runWeir(dir, ['run', 'job.sql']);
    };

    it('an unreachable server is named with host and port', async () => {
      // A port nothing listens on: the server's own port after it is known, plus one, is not reliable; take a fresh one.
      const port = await freePort();
      const r = await runScript(
        script(`postgres://postgres@127.0.0.1:${port}/nowhere`, 'out', 'id BIGINT, amount INT'),
      );
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`cannot connect to PostgreSQL at 127.0.0.1:${port}`);
    });

    it('a missing table, and columns that do not match the query, are named', async () => {
      const db = `t${++databases}`;
      const url = await server.createDatabase(db);
      await server.query('CREATE TABLE out_cols (id bigint, amt integer)', [], db);
      const missing = await runScript(script(url, 'no_such_table', 'id BIGINT, amount INT'));
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain(`table 'no_such_table' does not exist in database '${db}'`);
      expect(missing.stderr).toContain('CREATE TABLE no_such_table (id bigint, amount integer)');
      const cols = await runScript(
        script(url, 'out_cols', 'id BIGINT, amount INT', ", 'sink.semantic' = 'at-least-once'"),
      );
      expect(cols.code).not.toBe(0);
      expect(cols.stderr).toContain("has no column 'amount'");
      expect(cols.stderr).toContain('the table has id, amt');
    });

    it('an open that fails closes the connections it made (a restart does not pile them up)', async () => {
      const db = `t${++databases}`;
      const url = await server.createDatabase(db);
      // Fails after the data connection is up: the table is missing.
      await expect(writerOf(url, 'no_such_table').open(context('leak'), undefined)).rejects.toThrow(
        "table 'no_such_table' does not exist",
      );
      expect(await weirConnections(server, db)).toBe(0);
    });

    it('a NOT NULL column the sink does not write must have a default; an identity column has one', async () => {
      const db = `t${++databases}`;
      const url = await server.createDatabase(db);
      await server.query(
        'CREATE TABLE strict (id bigint, amount integer, note text NOT NULL); CREATE TABLE ident (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id bigint, amount integer)',
        [],
        db,
      );
      await expect(writerOf(url, 'strict').open(context('strict'), undefined)).rejects.toThrow(
        "table 'strict' has NOT NULL column(s) 'note' without a default that the sink does not write (the sink writes id, amount)",
      );
      const w = writerOf(url, 'ident');
      await w.open(context('ident'), undefined);
      try {
        w.write(insertBatch([[7, 70]]));
        await w.snapshot(1);
        await w.commit(1);
      } finally {
        await w.close();
      }
      expect(await server.query('SELECT seq::int, id::int, amount FROM ident', [], db)).toEqual([
        { seq: 1, id: 7, amount: 70 },
      ]);
    });

    it('an upsert table without a matching unique key is an error at open', async () => {
      const db = `t${++databases}`;
      const url = await server.createDatabase(db);
      await server.query('CREATE TABLE out_nokey (id bigint, amount integer)', [], db);
      const r = await runScript(
        script(
          url,
          'out_nokey',
          'id BIGINT, amount INT, PRIMARY KEY (id) NOT ENFORCED',
          ", 'sink.semantic' = 'upsert'",
        ),
      );
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('has no PRIMARY KEY or UNIQUE constraint on (id)');
    });

    it('max_prepared_transactions = 0 says to set it', async () => {
      const plain = await startPostgres({ maxPreparedTransactions: 0 });
      try {
        await plain.query('CREATE TABLE out (id bigint, amount integer)');
        const r = await runScript(script(plain.url, 'out', 'id BIGINT, amount INT'));
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain(`max_prepared_transactions is 0 on the server at 127.0.0.1:${plain.port}`);
        expect(r.stderr).toContain('set max_prepared_transactions');
        // This open fails with both connections up: it closes them.
        await expect(writerOf(plain.url, 'out').open(context('leak'), undefined)).rejects.toThrow(
          'max_prepared_transactions is 0',
        );
        expect(await weirConnections(plain, 'postgres')).toBe(0);
      } finally {
        await plain.stop();
      }
    });
  });
});
