// Two jobs into one exactly-once PostgreSQL table, each SIGKILLed again and again (also between PREPARE and COMMIT
// PREPARED) and resumed while the other runs (`npm run test:crash -- postgres`): neither touches the other's
// transactions, every id is in the table exactly once and nothing stays prepared.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../support/postgres';
import { runWithKills } from './crash-harness';
import { preparedLeft } from './postgres-fixtures';

/** Set by scripts/test-crash.ts from `npm run test:crash -- <kind>`. */
const only = process.env['WEIR_CRASH_ONLY']?.split(',');

describe.skipIf(only !== undefined && !only.includes('postgres'))(
  'two jobs into one PostgreSQL table (long)',
  () => {
    let server: PostgresServer;
    const dir = mkdtempSync(join(tmpdir(), 'weir-pg-shared-'));
    beforeAll(async () => {
      server = await startPostgres();
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('both SIGKILLed 8 times at random moments and fault points, each resumed while the other runs: every id exactly once', async () => {
      const url = await server.createDatabase('shared');
      await server.query('CREATE TABLE ids (id bigint)', [], 'shared');
      const rows = 16_000;
      const script = (from: number) => `
SET 'execution.checkpointing.interval' = '150ms';
SET 'restart-strategy.type' = 'none';
SET 'parallelism.default' = '2';
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000',
  'number-of-rows' = '${rows}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '${from}',
  'fields.id.end' = '${from + rows - 1}');
CREATE TABLE dst (id BIGINT) WITH ('connector' = 'postgres', 'url' = '${url}', 'table-name' = 'ids',
  'sink.buffer-flush.max-rows' = '100');
INSERT INTO dst SELECT id FROM src;
`;
      writeFileSync(join(dir, 'a.sql'), script(1));
      writeFileSync(join(dir, 'b.sql'), script(1_000_001));
      const kills = {
        kills: 8,
        minMs: 300,
        maxMs: 2500,
        faultPoints: ['pg-prepared', 'pg-committing', 'metadata-written'],
        mustHit: ['pg-prepared', 'pg-committing'],
        faultHits: 6,
      };
      const [a, b] = await Promise.all([
        runWithKills(dir, 'a.sql', { ...kills, seed: 19 }),
        runWithKills(dir, 'b.sql', { ...kills, seed: 91 }),
      ]);
      console.log(
        `two jobs, one table: a ${a.kills} kills over ${a.runs} runs ${JSON.stringify(a.faultKills)}; b ${b.kills} kills over ${b.runs} runs ${JSON.stringify(b.faultKills)}`,
      );
      for (const s of [a, b]) expect(s.faultKills['pg-prepared'] ?? 0).toBeGreaterThan(0);
      const [counts] = await server.query<{ n: number; d: number; a: number; b: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, count(*) FILTER (WHERE id < 1000000)::int AS a, count(*) FILTER (WHERE id > 1000000)::int AS b FROM ids',
        [],
        'shared',
      );
      expect(counts).toEqual({ n: 2 * rows, d: 2 * rows, a: rows, b: rows });
      expect(await preparedLeft(server, 'shared')).toEqual([]);
    });
  },
);
