// Lookup joins against the real PostgreSQL server the harness starts: FOR SYSTEM_TIME AS OF a PROCTIME() column, with and
// without Flink's PARTIAL cache, equal to the same LEFT JOIN computed by PostgreSQL; a lost connection restarts the job.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { type JobRunner, runJob } from '../../runtime/engine';
import { registerNodeConnectors } from '../../runtime/node/connectors/index';
import { compileJob } from '../support/jobs';
import { type Rows, addRow, difference, sinkRows, total } from '../support/multiset';
import { type PostgresServer, startPostgres } from '../support/postgres';
import { prng } from './crash-harness';

const ORDERS = 30_000;
const CUSTOMERS = 700;

let server: PostgresServer;
let dir = '';
let url = '';
let wanted: Rows;
let runs = 0;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('lookup');
  dir = mkdtempSync(join(tmpdir(), 'weir-pg-lookup-'));
  // Customers 0..599 exist (some with a NULL name); orders ask for 0..699.
  await server.query(
    `CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT, tier INT);
     INSERT INTO customers SELECT i, CASE WHEN i % 50 = 0 THEN NULL ELSE 'c' || i END, i % 4 FROM generate_series(0, 599) i;
     CREATE TABLE orders (oid BIGINT, customer BIGINT, amount INT)`,
    [],
    'lookup',
  );
  const rnd = prng(3);
  const lines: string[] = [];
  const values: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const customer = Math.floor(rnd() * CUSTOMERS);
    const amount = Math.floor(rnd() * 1000);
    lines.push(JSON.stringify({ oid: i, customer, amount }));
    values.push(`(${i}, ${customer}, ${amount})`);
  }
  writeFileSync(join(dir, 'orders.jsonl'), lines.join('\n') + '\n');
  await server.query(`INSERT INTO orders VALUES ${values.join(', ')}`, [], 'lookup');
  wanted = new Map();
  const rows = await server.query<{ oid: string; name: string | null; tier: number | null; amount: number }>(
    `SELECT o.oid, c.name, c.tier, o.amount FROM orders o LEFT JOIN customers c ON o.customer = c.id`,
    [],
    'lookup',
  );
  for (const r of rows) addRow(wanted, [Number(r.oid), r.name, r.tier, r.amount]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function script(cache: string, out: string, settings = ''): string {
  return `
    SET 'weir.batch-size' = '256';
    ${settings}
    CREATE TABLE orders (oid BIGINT, customer BIGINT, amount INT, p AS PROCTIME())
      WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'orders.jsonl')}', 'format' = 'json');
    CREATE TABLE customers (id BIGINT, name STRING, tier INT, PRIMARY KEY (id) NOT ENFORCED)
      WITH ('connector' = 'postgres', 'url' = '${url}', 'table-name' = 'customers'${cache});
    CREATE TABLE enriched (oid BIGINT, name STRING, tier INT, amount INT)
      WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'changelog-json');
    INSERT INTO enriched
    SELECT o.oid, c.name, c.tier, o.amount
    FROM orders AS o LEFT JOIN customers FOR SYSTEM_TIME AS OF o.p AS c ON o.customer = c.id;`;
}

async function start(sql: string, logs: string[]): Promise<JobRunner> {
  const job = compileJob(sql, `lookup-${++runs}`);
  return runJob(job, {
    connectors: registerNodeConnectors(builtinConnectors()),
    storage: new MemoryCheckpointStorage(),
    print: (line) => logs.push(line),
    log: (message) => logs.push(message),
  });
}

describe('lookup join against PostgreSQL', () => {
  for (const [name, cache] of [
    ['no cache', ''],
    [
      "'lookup.cache' = 'PARTIAL', 300 rows",
      `, 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '300', 'lookup.partial-cache.expire-after-write' = '10 min'`,
    ],
  ] as const) {
    it(`${name}: equals PostgreSQL's LEFT JOIN`, async () => {
      const out = join(dir, `out-${runs + 1}`);
      const logs: string[] = [];
      const runner = await start(script(cache, out), logs);
      expect(await runner.done, logs.join('\n')).toEqual({ status: 'FINISHED' });
      expect(total(wanted)).toBe(ORDERS);
      expect(difference(sinkRows(out), wanted)).toEqual({ onlyInWeir: [], onlyInOracle: [] });
    }, 120_000);
  }

  it('a lost connection fails the task; the job restarts from its checkpoint and its output stays exact', async () => {
    const out = join(dir, `out-${runs + 1}`);
    const logs: string[] = [];
    // Slow enough (a lookup per 16 rows, no cache) that the connection can be cut while the job runs.
    const runner = await start(
      script(
        '',
        out,
        `SET 'weir.batch-size' = '16';
         SET 'execution.checkpointing.interval' = '100ms';
         SET 'restart-strategy.fixed-delay.delay' = '100ms';`,
      ),
      logs,
    );
    let killed = 0;
    const deadline = Date.now() + 60_000;
    while (killed === 0 && Date.now() < deadline && runner.status() === 'RUNNING') {
      const r = await server.query<{ n: string }>(
        `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
         WHERE application_name LIKE 'weir lookup %' AND datname = 'lookup'`,
      );
      killed = Number(r[0]?.n ?? 0);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(killed, 'a lookup connection was terminated').toBeGreaterThan(0);
    expect(await runner.done, logs.join('\n')).toEqual({ status: 'FINISHED' });
    expect(logs.join('\n')).toMatch(/connection to PostgreSQL was lost|terminat/);
    expect(difference(sinkRows(out), wanted)).toEqual({ onlyInWeir: [], onlyInOracle: [] });
  }, 180_000);
});
