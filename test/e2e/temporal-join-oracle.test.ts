// Event-time temporal joins (FOR SYSTEM_TIME AS OF o.ts) against a versioned changelog table, checked against DuckDB's ASOF JOIN
// over the same rows: each order takes the rate version of greatest time not after its own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { runJob } from '../../runtime/engine';
import { registerNodeConnectors } from '../../runtime/node/connectors/index';
import { stateBackendFactory } from '../../runtime/node/environment';
import { compileJob, steppedClock } from '../support/jobs';
import { type Rows, addRow, difference, sinkRows, total } from '../support/multiset';
import { prng } from './crash-harness';

const T0 = Date.UTC(2024, 0, 1);
const CURRENCIES = ['EUR', 'GBP', 'JPY', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF'];
const STEPS = 12_000;

let dir = '';
let duckdb: DuckDBInstance | undefined;
let duck: DuckDBConnection | undefined;
let runs = 0;

/**
 * Orders (append-only JSON lines) and rates (changelog-json: inserts, updates and deletes by currency),
 * interleaved in time; and the versions the oracle reads. A delete goes through ChangelogNormalize, which
 * sends it with the stored row, so it marks the key deleted at the time of its last version (as in Flink,
 * where the versioned side's state is keyed by row time).
 */
function writeInputs(): void {
  const rnd = prng(5);
  const orders: string[] = [];
  const rates: string[] = [];
  const versions: string[] = [];
  const current = new Map<string, { currency: string; rate: number; ts: number }>();
  let ts = T0;
  let seq = 0;
  for (let i = 0; i < STEPS; i++) {
    ts += Math.floor(rnd() * 30);
    const currency = CURRENCIES[Math.floor(rnd() * CURRENCIES.length)]!;
    if (rnd() < 0.7) {
      orders.push(JSON.stringify({ id: i, currency, amount: Math.floor(rnd() * 500), ts }));
      continue;
    }
    const before = current.get(currency);
    if (before && rnd() < 0.15) {
      rates.push(JSON.stringify({ op: '-D', data: before }));
      versions.push(JSON.stringify({ seq: seq++, ...before, deleted: true }));
      current.delete(currency);
      continue;
    }
    const after = { currency, rate: 50 + Math.floor(rnd() * 100), ts };
    if (before) rates.push(JSON.stringify({ op: '-U', data: before }));
    rates.push(JSON.stringify({ op: before ? '+U' : '+I', data: after }));
    versions.push(JSON.stringify({ seq: seq++, ...after, deleted: false }));
    current.set(currency, after);
  }
  writeFileSync(join(dir, 'orders.jsonl'), orders.join('\n') + '\n');
  writeFileSync(join(dir, 'rates.jsonl'), rates.join('\n') + '\n');
  writeFileSync(join(dir, 'versions.jsonl'), versions.join('\n') + '\n');
}

/** Versions in DuckDB as ms since the epoch; a later entry at the same (currency, time) replaces an earlier one. */
const ORACLE = (joinKind: 'INNER' | 'LEFT') => `
  WITH v AS (
    SELECT * FROM versions QUALIFY row_number() OVER (PARTITION BY currency, ts ORDER BY seq DESC) = 1
  )
  SELECT o.id, o.currency, o.amount, CASE WHEN v.deleted THEN NULL ELSE v.rate END AS rate
  FROM orders o ASOF ${joinKind === 'LEFT' ? 'LEFT ' : ''}JOIN v ON o.currency = v.currency AND o.ts >= v.ts
  ${joinKind === 'INNER' ? 'WHERE NOT v.deleted' : ''}`;

async function oracle(joinKind: 'INNER' | 'LEFT'): Promise<Rows> {
  const rows: Rows = new Map();
  for (const r of (await duck!.runAndReadAll(ORACLE(joinKind))).getRowsJS()) addRow(rows, r);
  return rows;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weir-temporal-join-'));
  writeInputs();
  duckdb = await DuckDBInstance.create(':memory:', { threads: '2' });
  duck = await duckdb.connect();
  await duck.run(
    `CREATE TABLE orders AS SELECT * FROM read_json('${join(dir, 'orders.jsonl')}', format = 'newline_delimited',
       columns = {id: 'BIGINT', currency: 'VARCHAR', amount: 'BIGINT', ts: 'BIGINT'})`,
  );
  await duck.run(
    `CREATE TABLE versions AS SELECT * FROM read_json('${join(dir, 'versions.jsonl')}', format = 'newline_delimited',
       columns = {seq: 'BIGINT', currency: 'VARCHAR', rate: 'BIGINT', ts: 'BIGINT', deleted: 'BOOLEAN'})`,
  );
});

afterAll(() => {
  duck?.closeSync();
  duckdb?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const VARIANTS = [
  { name: 'hashmap, p=1', settings: [] as string[] },
  {
    name: 'rocksdb, p=2, checkpoints mid-stream',
    settings: [
      `'parallelism.default' = '2'`,
      `'state.backend.type' = 'rocksdb'`,
      `'weir.batch-size' = '128'`,
      `'execution.checkpointing.interval' = '60ms'`,
    ],
  },
];

function script(joinKind: 'INNER' | 'LEFT', out: string, settings: readonly string[]): string {
  return `
    ${[...settings, `'state.backend.rocksdb.localdir' = '${join(dir, 'rocksdb')}'`].map((s) => `SET ${s};`).join('\n')}
    CREATE TABLE orders (id BIGINT, currency STRING, amount BIGINT, ts TIMESTAMP(3),
      WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'orders.jsonl')}', 'format' = 'json');
    CREATE TABLE rates (currency STRING, rate BIGINT, ts TIMESTAMP(3),
      WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, PRIMARY KEY (currency) NOT ENFORCED)
      WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'rates.jsonl')}', 'format' = 'changelog-json');
    CREATE TABLE priced (id BIGINT, currency STRING, amount BIGINT, rate BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'changelog-json');
    INSERT INTO priced
    SELECT o.id, o.currency, o.amount, r.rate
    FROM orders AS o ${joinKind === 'LEFT' ? 'LEFT ' : ''}JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r
    ON o.currency = r.currency;`;
}

describe('event-time temporal join against a versioned changelog table matches DuckDB’s ASOF JOIN', () => {
  for (const joinKind of ['INNER', 'LEFT'] as const) {
    for (const variant of VARIANTS) {
      it(`${joinKind}, ${variant.name}`, async () => {
        const wanted = await oracle(joinKind);
        expect(total(wanted)).toBeGreaterThan(1000);
        const out = join(dir, `out-${++runs}`);
        const job = compileJob(script(joinKind, out, variant.settings), `temporal-${runs}`);
        const time = steppedClock();
        const logs: string[] = [];
        const runner = await runJob(job, {
          connectors: registerNodeConnectors(builtinConnectors()),
          storage: new MemoryCheckpointStorage(),
          stateBackend: stateBackendFactory(job),
          clock: time.clock,
          beforeStep: time.tick,
          print: (line) => logs.push(line),
          log: (message) => logs.push(message),
        });
        expect(await runner.done, logs.join('\n')).toEqual({ status: 'FINISHED' });
        expect(runner.metrics().lateRecords).toBe(0);
        if (variant.settings.length > 0)
          expect(runner.checkpoints().filter((c) => c.status === 'COMPLETED').length).toBeGreaterThanOrEqual(
            2,
          );
        expect(difference(sinkRows(out), wanted)).toEqual({ onlyInWeir: [], onlyInOracle: [] });
      });
    }
  }
});
