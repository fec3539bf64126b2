// The JavaScript UDF end-to-end tests' script: four jobs, one per kind of UDF (the example modules of
// queries/examples/udfs/), over a seeded datagen table, into changelog-json sinks; and what their output must hold.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CompiledJob, compileScript } from '../../compiler/index';
import { NodeUdfLoader } from '../../runtime/node/udf-loader';
import { ROOT, committedRows } from './crash-harness';

/** A fresh folder holding the example modules under udfs/; remove it with the returned cleanup. */
export function udfsFixture(): { readonly dir: string; readonly cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'weir-udfs-'));
  cpSync(join(ROOT, 'queries/examples/udfs'), join(dir, 'udfs'), { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const ROWS = 4000;

/** The four jobs; `rate` paces the source (0: as fast as possible). */
export function script(o: { parallelism: number; rate: number; out: string; settings?: string }): string {
  return `
SET 'parallelism.default' = '${o.parallelism}';
SET 'restart-strategy.type' = 'none';
SET 'weir.batch-size' = '64';
${o.settings ?? ''}
CREATE TABLE orders (id BIGINT, customer BIGINT, price BIGINT) WITH (
  'connector' = 'datagen', 'seed' = '5', 'number-of-rows' = '${ROWS}', 'rows-per-second' = '${o.rate}',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}',
  'fields.customer.min' = '1', 'fields.customer.max' = '40', 'fields.price.min' = '1', 'fields.price.max' = '5000');
CREATE FUNCTION price_band AS 'udfs/price-band.js' LANGUAGE JAVASCRIPT;
CREATE FUNCTION lookup_tier AS 'udfs/lookup-tier.js' LANGUAGE JAVASCRIPT;
CREATE FUNCTION spread AS 'udfs/spread.js' LANGUAGE JAVASCRIPT;
CREATE FUNCTION digits AS 'udfs/digits.js' LANGUAGE JAVASCRIPT;
CREATE TABLE scalar_out (id BIGINT, band STRING)
  WITH ('connector' = 'filesystem', 'path' = '${o.out}/scalar', 'format' = 'changelog-json');
CREATE TABLE async_out (id BIGINT, tier STRING, band STRING)
  WITH ('connector' = 'filesystem', 'path' = '${o.out}/async', 'format' = 'changelog-json');
CREATE TABLE aggregate_out (bucket BIGINT, spread STRING)
  WITH ('connector' = 'filesystem', 'path' = '${o.out}/aggregate', 'format' = 'changelog-json');
CREATE TABLE table_out (id BIGINT, digit INT, pos INT)
  WITH ('connector' = 'filesystem', 'path' = '${o.out}/table', 'format' = 'changelog-json');
INSERT INTO scalar_out SELECT id, price_band(price) FROM orders;
INSERT INTO async_out SELECT id, lookup_tier(customer), price_band(price) FROM orders;
INSERT INTO aggregate_out
  SELECT MOD(customer, 4), spread(total) FROM (SELECT customer, SUM(price) AS total FROM orders GROUP BY customer)
  GROUP BY MOD(customer, 4);
INSERT INTO table_out SELECT id, d.digit, d.pos FROM orders, LATERAL TABLE(digits(price)) AS d(digit, pos);
`;
}

export const SINKS = ['scalar', 'async', 'aggregate', 'table'] as const;

/** The committed rows of each sink under `base`, for toEqual. */
export function outputs(base: string): Record<string, [string, number][]> {
  return Object.fromEntries(SINKS.map((s) => [s, [...committedRows(join(base, s))].sort()]));
}

/** What the failure-free output must hold, so that an empty or partial reference cannot pass. */
export function expectComplete(out: Record<string, [string, number][]>): void {
  const count = (s: string) => out[s]!.reduce((n, [, c]) => n + c, 0);
  expect(count('scalar')).toBe(ROWS);
  expect(count('async')).toBe(ROWS);
  expect(count('aggregate')).toBe(4);
  expect(count('table')).toBeGreaterThan(ROWS * 3);
  // The aggregate's final rows count every customer once: its retractions took the old totals back out.
  const customers = out['aggregate']!.reduce((n, [r]) => n + Number(/n=(\d+)/.exec(r)![1]), 0);
  expect(customers).toBe(40);
}

/** The script's jobs, compiled with its modules loaded as the CLI loads them. */
export async function jobsOf(dir: string, text: string, name: string): Promise<CompiledJob[]> {
  const file = join(dir, `${name}.sql`);
  writeFileSync(file, text);
  const udfLoader = new NodeUdfLoader();
  await udfLoader.preload(file, text);
  const r = compileScript(text, { scriptName: name, udfLoader });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.statements.flatMap((s) => (s.kind === 'job' ? [s.job] : []));
}
