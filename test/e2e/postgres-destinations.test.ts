// The postgres exactly-once sink when jobs share a table or a job is restored into another one (issue 19): a real
// PostgreSQL server, real `weir` processes killed between PREPARE and COMMIT, and writers driven in this process.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableDef } from '../../compiler/catalog';
import { T, type Field } from '../../compiler/types';
import { ManualClock } from '../../runtime/clock';
import { insertBatch } from '../../runtime/messages';
import { PostgresWriter, destinationKey } from '../../runtime/node/connectors/postgres-sink';
import { newMetrics } from '../../runtime/operator';
import { type PostgresServer, startPostgres } from '../support/postgres';
import { Shell } from '../support/shell';
import { runWeir } from './crash-harness';
import { preparedLeft } from './postgres-fixtures';

let server: PostgresServer;
let databases = 0;
const root = mkdtempSync(join(tmpdir(), 'weir-pg-dest-'));

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function database(tables: readonly string[]): Promise<{ db: string; url: string }> {
  const db = `d${++databases}`;
  const url = await server.createDatabase(db);
  for (const t of tables) await server.query(`CREATE TABLE ${t} (id bigint)`, [], db);
  return { db, url };
}

/** The ids in `table`, with how often each is there. */
async function idCounts(db: string, table: string): Promise<Map<number, number>> {
  const rows = await server.query<{ id: string; n: number }>(
    `SELECT id, count(*)::int AS n FROM ${table} GROUP BY id`,
    [],
    db,
  );
  return new Map(rows.map((r) => [Number(r.id), r.n]));
}

/** Requires ids `from..to`, each exactly once, and nothing else in `table`. */
async function expectIds(db: string, table: string, from: number, to: number, label: string): Promise<void> {
  const counts = await idCounts(db, table);
  const wrong: string[] = [];
  for (let id = from; id <= to; id++) if (counts.get(id) !== 1) wrong.push(`${id}×${counts.get(id) ?? 0}`);
  for (const id of counts.keys()) if (id < from || id > to) wrong.push(`${id} (not expected)`);
  expect(wrong.slice(0, 20), `${label}: ids not exactly once (of ${wrong.length})`).toEqual([]);
}

/** A job writing ids `from..to` from datagen at `rate` rows/s into `table` of `url`, exactly-once. */
const idsScript = (url: string, table: string, from: number, to: number, rate: number, settings = '') => `
SET 'restart-strategy.type' = 'none';
${settings}
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '${rate}',
  'number-of-rows' = '${to - from + 1}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '${from}',
  'fields.id.end' = '${to}');
CREATE TABLE dst (id BIGINT) WITH ('connector' = 'postgres', 'url' = '${url}', 'table-name' = '${table}',
  'sink.buffer-flush.max-rows' = '100');
INSERT INTO dst SELECT id FROM src;
`;

describe('postgres exactly-once sinks of several jobs into one table', () => {
  it('a job SIGKILLed between PREPARE and COMMIT PREPARED and resumed leaves the other job’s transactions alone', async () => {
    const { db, url } = await database(['shared']);
    const dir = join(root, 'two-jobs');
    mkdirSync(dir, { recursive: true });
    const every = "SET 'execution.checkpointing.interval' = '150ms';";
    writeFileSync(join(dir, 'a.sql'), idsScript(url, 'shared', 1, 4000, 4000, every));
    writeFileSync(join(dir, 'b.sql'), idsScript(url, 'shared', 100_001, 112_000, 2000, every));
    let bEnded = Infinity;
    const b = runWeir(dir, ['run', 'b.sql']).then((r) => ((bEnded = Date.now()), r));
    // Job a dies right after its third PREPARE TRANSACTION, while b prepares and commits its own.
    const killed = await runWeir(dir, ['run', 'a.sql'], undefined, { WEIR_FAULT: 'pg-prepared:3' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const left = await preparedLeft(server, db);
    expect(
      left.some((g) => g.startsWith('weir:a-1:')),
      `a's prepared transaction is left: ${left}`,
    ).toBe(true);
    // Resumed while b still runs: a settles its own transactions only.
    const resumedAt = Date.now();
    const resumed = await runWeir(dir, ['run', 'a.sql', '--from-checkpoint', 'latest']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const bDone = await b;
    expect(bDone.code, bDone.stderr).toBe(0);
    expect(bDone.stderr).not.toMatch(/rolled back [1-9]/);
    expect(bEnded, 'job b still ran while job a was resumed').toBeGreaterThan(resumedAt);
    const counts = await idCounts(db, 'shared');
    const aIds = [...counts.keys()].filter((id) => id <= 4000).length;
    const bIds = [...counts.keys()].filter((id) => id > 100_000).length;
    expect({ aIds, bIds, duplicates: [...counts.values()].filter((n) => n !== 1).length }).toEqual({
      aIds: 4000,
      bIds: 12000,
      duplicates: 0,
    });
    expect(await preparedLeft(server, db)).toEqual([]);
  }, 90_000);
});

/** A writer of table `table` (one column id BIGINT) in this process. */
function writerOf(url: string, table: string): PostgresWriter {
  const columns: Field[] = [{ name: 'id', type: T.bigint() }];
  const def: TableDef = {
    name: table,
    columns,
    physical: [0],
    computed: [],
    primaryKey: [],
    connector: 'postgres',
    options: { connector: 'postgres', url, 'table-name': table },
    span: { start: 0, end: 0, line: 1, column: 1 },
  };
  return new PostgresWriter(def, columns);
}

const context = (job: string, logs: string[] = []) => ({
  jobName: job,
  uid: 'sink-ids',
  subtaskIndex: 0,
  parallelism: 1,
  attempt: 0,
  clock: new ManualClock(0),
  metrics: newMetrics(),
  batchSize: 1024,
  print: () => {},
  log: (m: string) => logs.push(m),
});

describe('postgres exactly-once sink restored into another table', () => {
  it('the same job writing another table rolls back only its leftovers of that table (and ids of an older weir)', async () => {
    const { db, url } = await database(['t_old', 't_new']);
    // The old version of the job still runs: a transaction prepared into t_old.
    const old = writerOf(url, 't_old');
    await old.open(context('job-1'), undefined);
    old.write(insertBatch([[1]]));
    await old.snapshot(1);
    // A leftover of this job from an older weir (no destination in the id).
    const legacy = 'weir:job-1:sink-ids:0:7';
    await server.query(`BEGIN; INSERT INTO t_new VALUES (99); PREPARE TRANSACTION '${legacy}'`, [], db);
    const logs: string[] = [];
    const fresh = writerOf(url, 't_new');
    await fresh.open(context('job-1', logs), undefined);
    await fresh.close();
    expect(await preparedLeft(server, db)).toEqual([
      `weir:job-1:sink-ids:${destinationKey(db, 't_old')}:0:1`,
    ]);
    expect(logs.join('\n')).toContain('rolled back 1');
    await old.commit(1);
    await old.close();
    expect(await idCounts(db, 't_old')).toEqual(new Map([[1, 1]]));
    expect(await idCounts(db, 't_new')).toEqual(new Map());
  });

  it('a prepared transaction listed in restored state of another database is committed there, or skipped with a notice', async () => {
    const a = await database(['ids']);
    const b = await database(['ids']);
    const first = writerOf(a.url, 'ids');
    await first.open(context('job-1'), undefined);
    first.write(insertBatch([[1], [2]]));
    const state = await first.snapshot(1);
    await first.close();
    expect(state?.prepared.map((p) => [p.table, p.url?.includes(a.db)])).toEqual([['ids', true]]);
    const restored = { checkpointId: 1, all: [state], own: state };
    const logs: string[] = [];
    const moved = writerOf(b.url, 'ids');
    await moved.open(context('job-1', logs), restored);
    await moved.close();
    expect(await idCounts(a.db, 'ids')).toEqual(
      new Map([
        [1, 1],
        [2, 1],
      ]),
    );
    expect(await idCounts(b.db, 'ids')).toEqual(new Map());
    expect(logs.join('\n')).toContain(`into table(s) ids in database '${a.db}' at 127.0.0.1:${server.port}`);
    expect(logs.join('\n')).toContain('1 committed there now');
    expect(await preparedLeft(server, a.db)).toEqual([]);
    // Again: no longer prepared. Then the old database is gone: skipped, and the open still succeeds.
    const again: string[] = [];
    const twice = writerOf(b.url, 'ids');
    await twice.open(context('job-1', again), restored);
    await twice.close();
    expect(again.join('\n')).toContain('0 committed there now, 1 no longer prepared');
    await server.query(`DROP DATABASE ${a.db}`);
    const gone: string[] = [];
    const third = writerOf(b.url, 'ids');
    await third.open(context('job-1', gone), restored);
    await third.close();
    expect(gone.join('\n')).toMatch(/skipped 1 that cannot be committed: .*cannot connect/);
  });

  it('a savepoint restored into a job writing a new table: the old table gets the rows before it, the new one exactly those after', async () => {
    const { db, url } = await database(['ids_v1', 'ids_v2', 'ids_v3']);
    const other = await database(['ids_v4']);
    const dir = join(root, 'savepoint');
    mkdirSync(dir, { recursive: true });
    const rows = 3000;
    const sp = "SET 'execution.checkpointing.savepoint-dir' = 'savepoints';";
    const shell = new Shell(dir);
    let savepoint: string;
    try {
      shell.send(idsScript(url, 'ids_v1', 1, rows, 3000, sp));
      await shell.waitFor(/Job '[^']+' started/);
      await new Promise((r) => setTimeout(r, 300));
      shell.send(`SAVEPOINT TO 'savepoints';`);
      savepoint = (await shell.waitFor(/Savepoint of job '[^']+' completed: (\S+) \(/))[1]!;
    } finally {
      shell.kill();
    }
    await shell.exit;
    expect((await idCounts(db, 'ids_v1')).size, 'nothing committed before the restore').toBe(0);
    expect((await preparedLeft(server, db)).length).toBe(1);
    const restore = async (target: string, table: string) => {
      writeFileSync(join(dir, `${table}.sql`), idsScript(target, table, 1, rows, 100_000, sp));
      const r = await runWeir(dir, ['run', `${table}.sql`, '--from-savepoint', savepoint]);
      expect(r.code, r.stderr).toBe(0);
      return r.stderr;
    };
    // Another table of the same database: the savepoint's transaction into ids_v1 is committed there.
    expect(await restore(url, 'ids_v2')).toContain('into another table than this sink');
    const savedAt = (await idCounts(db, 'ids_v1')).size;
    expect(savedAt).toBeGreaterThan(0);
    expect(savedAt).toBeLessThan(rows);
    await expectIds(db, 'ids_v1', 1, savedAt, 'the old table');
    await expectIds(db, 'ids_v2', savedAt + 1, rows, 'the new table');
    expect(await preparedLeft(server, db)).toEqual([]);
    // Again into another table: nothing is left to commit; the old table is unchanged.
    await restore(url, 'ids_v3');
    await expectIds(db, 'ids_v1', 1, savedAt, 'the old table after another restore');
    await expectIds(db, 'ids_v3', savedAt + 1, rows, 'the third table');
    // Into another database once the old one is gone: skipped with a notice.
    await server.query(`DROP DATABASE ${db}`);
    expect(await restore(other.url, 'ids_v4')).toMatch(/skipped 1 that cannot be committed/);
    await expectIds(other.db, 'ids_v4', savedAt + 1, rows, 'the table in another database');
  }, 90_000);
});
