// Lookup join against PostgreSQL (the test harness's server): events/s of FOR SYSTEM_TIME AS OF a PROCTIME() column, without and with Flink's PARTIAL cache.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileScript } from '../compiler/index';
import { MemoryCheckpointStorage } from '../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../runtime/connectors/builtin';
import { runJob } from '../runtime/engine';
import { registerNodeConnectors } from '../runtime/node/connectors/index';
import { startPostgres } from '../test/support/postgres';
import { record } from './results';

const ORDERS = Number(process.env.WEIR_BENCH_LOOKUP_ORDERS ?? 300_000);
const CUSTOMERS = 10_000;

async function run(sql: string): Promise<number> {
  const r = compileScript(sql, { scriptName: 'lookup-bench' });
  if (r.diagnostics.some((d) => d.severity === 'error'))
    throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const job = r.statements.find((s) => s.kind === 'job');
  if (job?.kind !== 'job') throw new Error('no job');
  const start = performance.now();
  const runner = await runJob(job.job, {
    connectors: registerNodeConnectors(builtinConnectors()),
    storage: new MemoryCheckpointStorage(),
    print: () => {},
    log: (m) => console.error(m),
  });
  const result = await runner.done;
  if (result.status !== 'FINISHED') throw new Error(`job ${result.status}: ${result.error}`);
  return ORDERS / ((performance.now() - start) / 1000);
}

export async function lookupJoinBench(): Promise<void> {
  const server = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-lookup-'));
  try {
    const url = await server.createDatabase('bench');
    await server.query(
      `CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT, tier INT);
       INSERT INTO customers SELECT i, 'customer ' || i, i % 4 FROM generate_series(0, ${CUSTOMERS - 1}) i`,
      [],
      'bench',
    );
    const lines: string[] = [];
    // Keys skewed as orders are: a tenth of the customers get half of the orders.
    let x = 7;
    for (let i = 0; i < ORDERS; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const hot = x % 2 === 0;
      lines.push(
        JSON.stringify({ oid: i, customer: hot ? x % (CUSTOMERS / 10) : x % CUSTOMERS, amount: x % 1000 }),
      );
    }
    writeFileSync(join(dir, 'orders.jsonl'), lines.join('\n') + '\n');
    const sql = (cache: string) => `
      CREATE TABLE orders (oid BIGINT, customer BIGINT, amount INT, p AS PROCTIME())
        WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'orders.jsonl')}', 'format' = 'json');
      CREATE TABLE customers (id BIGINT, name STRING, tier INT, PRIMARY KEY (id) NOT ENFORCED)
        WITH ('connector' = 'postgres', 'url' = '${url}', 'table-name' = 'customers'${cache});
      CREATE TABLE out_t (oid BIGINT, name STRING, amount INT) WITH ('connector' = 'blackhole');
      INSERT INTO out_t SELECT o.oid, c.name, o.amount
      FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.p AS c ON o.customer = c.id;`;
    const configs = [
      ['no cache (every batch asks for its keys)', ''],
      [
        "'lookup.cache' = 'PARTIAL' (max-rows 100000)",
        `, 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '100000'`,
      ],
    ] as const;
    const filesOnly = await run(`
      CREATE TABLE orders (oid BIGINT, customer BIGINT, amount INT)
        WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'orders.jsonl')}', 'format' = 'json');
      CREATE TABLE out_t (oid BIGINT, customer BIGINT, amount INT) WITH ('connector' = 'blackhole');
      INSERT INTO out_t SELECT * FROM orders;`);
    record({
      workload: `${ORDERS} orders, ${CUSTOMERS} customers`,
      engine: 'no join (reading the file)',
      eventsPerSec: filesOnly,
    });
    console.log(`reading the orders alone: ${Math.round(filesOnly)} events/s`);
    for (const [name, cache] of configs) {
      const best = Math.max(await run(sql(cache)), await run(sql(cache)));
      record({
        workload: `${ORDERS} orders, ${CUSTOMERS} customers`,
        engine: `lookup join, ${name}`,
        eventsPerSec: best,
        runs: 2,
      });
      console.log(`lookup join, ${name}: ${Math.round(best)} events/s (best of 2)`);
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
