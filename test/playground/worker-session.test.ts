// The playground's worker session run under Node (it is platform-neutral): statements, failures, exactness, savepoint bundles.
import { describe, expect, it } from 'vitest';
import { BrowserSession } from '../../playground/src/worker/browser-session';
import type { FromWorker, JobFigures } from '../../playground/src/worker/protocol';

const KEYED_COUNT = `
CREATE TABLE bid (auction BIGINT, price BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '0',
  'fields.auction.min' = '1', 'fields.auction.max' = '20');
CREATE TABLE out_t (auction BIGINT, bids BIGINT) WITH ('connector' = 'print');
INSERT INTO out_t SELECT auction, COUNT(*) FROM bid GROUP BY auction;
`;

function session(rate = 100_000) {
  const messages: FromWorker[] = [];
  const s = new BrowserSession((m) => messages.push(m), rate);
  const lines = () => messages.flatMap((m) => (m.type === 'log' ? [m.text] : []));
  return { s, messages, lines };
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const figures = (s: BrowserSession): JobFigures => s.jobs.at(-1)!.figures(0);

describe('the playground worker session', () => {
  it('runs a script, answers CHECKPOINT and SHOW CHECKPOINTS as the CLI does, and recovers exactly from a failure', async () => {
    const { s, lines } = session();
    expect(await s.runScript(KEYED_COUNT, { 'execution.checkpointing.interval': '500ms' })).toBe(true);
    await until(() => (figures(s).results?.total ?? 0) === 20);
    expect(await s.runStatements('CHECKPOINT;')).toBe(true);
    expect(
      lines().some((l) =>
        /^Checkpoint \d+ of job 'playground-1' completed: memory:\/\/playground-1\/[0-9a-f]{32}\/chk-\d+/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(await s.runStatements('SHOW CHECKPOINTS;')).toBe(true);
    expect(lines().at(-1)).toMatch(/\| playground-1 \| [0-9a-f]{32} \| 1 +\| COMPLETED/);
    s.jobs[0]!.fail();
    await until(() => figures(s).exactness.last !== undefined);
    const f = figures(s);
    expect(f.restarts).toBe(1);
    expect(f.exactness.last).toMatchObject({ exact: true, extra: 0, missing: 0, rows: 20 });
    await s.reset();
  }, 30_000);

  it("shows the results table's values as Flink's SQL client does: dates, timestamps, decimals, rows, NULL", async () => {
    const { s } = session();
    s.pasted.set(
      'in.jsonl',
      [
        '{"id": 1, "d": "2024-01-01", "ts": "2024-01-01 12:00:00", "amount": 1.5, "ok": true, "r": {"a": 1, "b": "x"}}',
        '{"id": 2, "d": null, "ts": "2024-02-29 23:59:59.5", "amount": null, "ok": false, "r": null}',
      ].join('\n'),
    );
    expect(
      await s.runScript(`CREATE TABLE src (id BIGINT, d DATE, ts TIMESTAMP(3), amount DECIMAL(10, 2), ok BOOLEAN,
        r ROW<a INT, b STRING>) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
      SELECT id, d, ts, amount, ok, r FROM src;`),
    ).toBe(true);
    await until(() => figures(s).results?.total === 2);
    expect(figures(s).results!.rows.map((r) => r.row)).toEqual([
      ['1', '2024-01-01', '2024-01-01 12:00:00.000', '1.50', 'TRUE', '(1, x)'],
      ['2', '<NULL>', '2024-02-29 23:59:59.500', '<NULL>', 'FALSE', '<NULL>'],
    ]);
    await s.reset();
  });

  it('with AT_LEAST_ONCE, the rows replayed after a failure show up twice', async () => {
    const { s } = session();
    await s.runScript(KEYED_COUNT, {
      'execution.checkpointing.interval': '300ms',
      'execution.checkpointing.mode': 'AT_LEAST_ONCE',
    });
    await until(() => figures(s).checkpoints.some((c) => c.status === 'COMPLETED'));
    await new Promise((r) => setTimeout(r, 100));
    s.jobs[0]!.fail();
    await until(() => figures(s).exactness.last !== undefined);
    const last = figures(s).exactness.last!;
    expect(last.exact).toBe(false);
    expect(last.extra).toBeGreaterThan(0);
    await s.reset();
  }, 30_000);

  it('takes a savepoint, bundles it for download, and restores a new run from the uploaded bundle', async () => {
    const { s, lines } = session(20_000);
    await s.runScript(KEYED_COUNT);
    await until(() => (figures(s).results?.total ?? 0) === 20);
    expect(await s.runStatements("SAVEPOINT TO 'before';")).toBe(true);
    const location = /Savepoint of job 'playground-1' completed: (\S+)/.exec(lines().join('\n'))![1]!;
    expect(location).toMatch(/^memory:\/\/before\/savepoint-playground-1-/);
    const bundle = await s.shelf.bundle(location);
    expect(bundle.name).toBe('before');
    await s.reset();

    const other = session(1);
    const uploaded = await other.s.shelf.upload(JSON.parse(JSON.stringify(bundle)) as typeof bundle);
    expect(uploaded).toMatch(/^memory:\/\/before\//);
    expect(await other.s.runScript(`SET 'execution.state-recovery.path' = 'before';\n${KEYED_COUNT}`)).toBe(
      true,
    );
    expect(other.lines().some((l) => l.includes(`restores from savepoint ${uploaded}`))).toBe(true);
    // The counts go on from the savepoint's: every auction already has bids.
    const rows = figures(other.s).results!.rows;
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => Number(r.row[1]) > 0)).toBe(true);
    await other.s.reset();
  }, 30_000);

  it('reads pasted changelog input (debezium-json, normalized by its key) and joins it FOR SYSTEM_TIME AS OF', async () => {
    const { s } = session(0);
    s.pasted.set(
      'items',
      [
        '{"before":null,"after":{"id":1,"cat":"a","ts":1000},"op":"c"}',
        '{"before":null,"after":{"id":2,"cat":"b","ts":1000},"op":"c"}',
        '{"before":{"id":1,"cat":"a","ts":1000},"after":{"id":1,"cat":"b","ts":2000},"op":"u"}',
        '{"before":{"id":2,"cat":"b","ts":1000},"after":null,"op":"d"}',
        '{"before":{"id":9,"cat":"z","ts":1000},"after":null,"op":"d"}',
      ].join('\n'),
    );
    s.pasted.set('orders', ['{"oid":7,"id":1}', '{"oid":8,"id":2}', '{"oid":9,"id":3}'].join('\n'));
    const script = `
      CREATE TABLE items (id BIGINT, cat STRING, ts TIMESTAMP(3), PRIMARY KEY (id) NOT ENFORCED)
        WITH ('connector' = 'filesystem', 'path' = 'items', 'format' = 'debezium-json');
      CREATE TABLE out_t (cat STRING, n BIGINT) WITH ('connector' = 'print');
      INSERT INTO out_t SELECT cat, COUNT(*) FROM items GROUP BY cat;`;
    expect(await s.runScript(script)).toBe(true);
    await until(() => s.jobs.at(-1)!.runner.status() === 'FINISHED');
    expect(figures(s).results?.rows).toEqual([{ row: ['b', '1'], n: 1 }]);
    const lookup = `
      CREATE TABLE dim (id BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = 'dim', 'format' = 'json');
      CREATE TABLE orders (oid BIGINT, id BIGINT, p AS PROCTIME())
        WITH ('connector' = 'filesystem', 'path' = 'orders', 'format' = 'json');
      CREATE TABLE out_t (oid BIGINT, name STRING) WITH ('connector' = 'print');
      INSERT INTO out_t SELECT o.oid, d.name FROM orders AS o
        LEFT JOIN dim FOR SYSTEM_TIME AS OF o.p AS d ON o.id = d.id;`;
    s.pasted.set('dim', ['{"id":1,"name":"one"}', '{"id":2,"name":"two"}'].join('\n'));
    expect(await s.runScript(lookup)).toBe(true);
    await until(() => s.jobs.at(-1)!.runner.status() === 'FINISHED');
    expect(
      figures(s)
        .results?.rows.map((r) => r.row)
        .sort(),
    ).toEqual([
      ['7', 'one'],
      ['8', 'two'],
      ['9', '<NULL>'],
    ]);
  });

  it('reports errors with line and column and runs nothing', async () => {
    const { s, lines } = session();
    expect(await s.runScript(KEYED_COUNT.replace('COUNT(*) FROM bid', 'COUNT(*) FROM bids'))).toBe(false);
    expect(lines()).toEqual([expect.stringMatching(/^5:\d+: error: unknown table 'bids'/)]);
    expect(s.jobs).toHaveLength(0);
  });
});
