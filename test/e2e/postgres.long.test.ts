// The long postgres crash run (`npm run test:crash -- postgres`): ≥ 50 SIGKILLs, also between PREPARE and COMMIT
// PREPARED; exactly-once and upsert tables must equal the expected result and nothing may stay prepared.
// WEIR_CRASH_KILLS sets the kill count, WEIR_CRASH_SEED the seed, WEIR_CRASH_ROWS the orders (1M: the job
// must outlast ≥ 50 restarts; at 200K it finished after 3 once the regular join kept lists).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../support/postgres';
import { runWithKills, writeInputs } from './crash-harness';
import { TABLES_DDL, expectedTables, postgresScript, preparedLeft, tableRows } from './postgres-fixtures';

/** Set by scripts/test-crash.ts from `npm run test:crash -- <kind>`. */
const only = process.env['WEIR_CRASH_ONLY']?.split(',');

describe.skipIf(only !== undefined && !only.includes('postgres'))('long crash run into PostgreSQL', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('≥ 50 kills: GROUP BY and LEFT JOIN into exactly-once and upsert tables stay exact; at-least-once duplicates counted', async () => {
    const seed = Number(process.env['WEIR_CRASH_SEED'] ?? 20261125);
    const kills = Number(process.env['WEIR_CRASH_KILLS'] ?? 60);
    const url = await server.createDatabase('long');
    await server.query(`${TABLES_DDL} CREATE TABLE raw_alo (id bigint, amount bigint);`, [], 'long');
    const dir = mkdtempSync(join(tmpdir(), 'weir-pg-crash-'));
    writeInputs(dir, Number(process.env['WEIR_CRASH_ROWS'] ?? 1_000_000), 5_000, seed);
    writeFileSync(
      join(dir, 'job.sql'),
      postgresScript(url, '100ms', "SET 'parallelism.default' = '2';") +
        `CREATE TABLE raw_alo (id BIGINT, amount BIGINT) WITH ('connector' = 'postgres', 'url' = '${url}',
  'table-name' = 'raw_alo', 'sink.semantic' = 'at-least-once');
INSERT INTO raw_alo SELECT id, amount FROM orders;
`,
    );
    const summary = await runWithKills(dir, 'job.sql', {
      kills,
      minMs: 200,
      maxMs: 1500,
      seed,
      faultPoints: ['pg-prepared', 'pg-committing', 'metadata-written', 'state-written'],
      mustHit: ['pg-prepared', 'pg-committing'],
      faultHits: 6,
    });
    console.log(
      `postgres long crash run: ${summary.kills} SIGKILLs over ${summary.runs} runs (seed ${seed}; at fault points: ${JSON.stringify(summary.faultKills)})`,
    );
    expect(summary.kills).toBeGreaterThanOrEqual(Math.min(50, kills));
    for (const point of ['pg-prepared', 'pg-committing'])
      expect(summary.faultKills[point] ?? 0, `kills at fault point ${point}`).toBeGreaterThan(0);
    const expected = expectedTables(dir);
    for (const [table, rows] of [
      ['totals', expected.totals],
      ['totals_upsert', expected.totals],
      ['enriched', expected.enriched],
      ['enriched_upsert', expected.enriched],
    ] as const) {
      expect(await tableRows(server, 'long', table), `${table} after ${summary.kills} kills`).toEqual(rows);
    }
    expect(await preparedLeft(server, 'long')).toEqual([]);
    const [alo] = await server.query<{ n: string; d: string }>(
      'SELECT count(*) n, count(DISTINCT id) d FROM raw_alo',
      [],
      'long',
    );
    console.log(
      `at-least-once after ${summary.kills} kills: ${alo!.n} rows for ${alo!.d} orders (${Number(alo!.n) - Number(alo!.d)} duplicates)`,
    );
    expect(Number(alo!.d)).toBe(expected.enriched.length);
  });
});
