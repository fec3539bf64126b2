// Shared by the postgres sink tests (short and long crash runs): tables, the script, and the expected result.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PostgresServer } from '../support/postgres';

/** The PostgreSQL tables: a GROUP BY result and a LEFT JOIN result, each for an exactly-once and an upsert sink. */
export const TABLES_DDL = `
CREATE TABLE totals (customer_id bigint PRIMARY KEY, orders bigint, total bigint, biggest bigint);
CREATE TABLE totals_upsert (customer_id bigint PRIMARY KEY, orders bigint, total bigint, biggest bigint);
CREATE TABLE enriched (order_id bigint PRIMARY KEY, amount bigint, name text, tier integer);
CREATE TABLE enriched_upsert (order_id bigint PRIMARY KEY, amount bigint, name text, tier integer);
`;

/** The weir script: file sources (from crash-harness writeInputs) into the four tables of database `url`. */
export function postgresScript(url: string, checkpointInterval: string, extra = ''): string {
  const sink = (name: string, columns: string, key: string, semantic: string) => `
CREATE TABLE ${name} (${columns}, PRIMARY KEY (${key}) NOT ENFORCED)
  WITH ('connector' = 'postgres', 'url' = '${url}', 'table-name' = '${name}', 'sink.semantic' = '${semantic}');`;
  const totals = 'customer_id BIGINT, orders BIGINT, total BIGINT, biggest BIGINT';
  const enriched = 'order_id BIGINT, amount BIGINT, name STRING, tier INT';
  return `
SET 'execution.checkpointing.interval' = '${checkpointInterval}';
SET 'restart-strategy.type' = 'none';
${extra}
CREATE TABLE orders (id BIGINT, customer_id BIGINT, amount BIGINT, ts BIGINT)
  WITH ('connector' = 'filesystem', 'path' = 'data/orders', 'format' = 'json');
CREATE TABLE customers (id BIGINT, name STRING, tier INT)
  WITH ('connector' = 'filesystem', 'path' = 'data/customers', 'format' = 'json');
${sink('totals', totals, 'customer_id', 'exactly-once')}
${sink('totals_upsert', totals, 'customer_id', 'upsert')}
${sink('enriched', enriched, 'order_id', 'exactly-once')}
${sink('enriched_upsert', enriched, 'order_id', 'upsert')}
INSERT INTO totals SELECT customer_id, COUNT(*), SUM(amount), MAX(amount) FROM orders GROUP BY customer_id;
INSERT INTO totals_upsert SELECT customer_id, COUNT(*), SUM(amount), MAX(amount) FROM orders GROUP BY customer_id;
INSERT INTO enriched SELECT o.id, o.amount, c.name, c.tier FROM orders o LEFT JOIN customers c ON o.customer_id = c.id;
INSERT INTO enriched_upsert SELECT o.id, o.amount, c.name, c.tier FROM orders o LEFT JOIN customers c ON o.customer_id = c.id;
`;
}

interface Order {
  id: number;
  customer_id: number;
  amount: number;
}
interface Customer {
  id: number;
  name: string;
  tier: number;
}

const readJsonLines = <T>(folder: string): T[] =>
  readdirSync(folder)
    .sort()
    .flatMap((f) =>
      readFileSync(join(folder, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T),
    );

/** The tables' expected contents, computed directly from the input files, as sorted JSON rows. */
export function expectedTables(dir: string): { totals: string[]; enriched: string[] } {
  const orders = readJsonLines<Order>(join(dir, 'data/orders'));
  const customers = new Map(readJsonLines<Customer>(join(dir, 'data/customers')).map((c) => [c.id, c]));
  const totals = new Map<number, { orders: number; total: number; biggest: number }>();
  for (const o of orders) {
    const t = totals.get(o.customer_id) ?? { orders: 0, total: 0, biggest: -Infinity };
    t.orders++;
    t.total += o.amount;
    t.biggest = Math.max(t.biggest, o.amount);
    totals.set(o.customer_id, t);
  }
  return {
    totals: [...totals].map(([k, t]) => JSON.stringify([k, t.orders, t.total, t.biggest])).sort(),
    enriched: orders
      .map((o) => {
        const c = customers.get(o.customer_id);
        return JSON.stringify([o.id, o.amount, c?.name ?? null, c?.tier ?? null]);
      })
      .sort(),
  };
}

/** A table's rows as sorted JSON arrays (bigint columns read back as numbers). */
export async function tableRows(server: PostgresServer, db: string, table: string): Promise<string[]> {
  const rows = await server.query<Record<string, unknown>>(`SELECT * FROM ${table}`, [], db);
  return rows
    .map((r) =>
      JSON.stringify(
        Object.values(r).map((v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v)),
      ),
    )
    .sort();
}

/** The prepared transactions left in database `db` (must be none once a job ended). */
export async function preparedLeft(server: PostgresServer, db: string): Promise<string[]> {
  const rows = await server.query<{ gid: string }>(
    'SELECT gid FROM pg_prepared_xacts WHERE database = current_database()',
    [],
    db,
  );
  return rows.map((r) => r.gid);
}
