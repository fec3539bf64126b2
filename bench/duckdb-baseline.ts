// DuckDB baseline: the keyed count in batch over the same generated bids, checked against the hand-written loop.
import { DuckDBInstance } from '@duckdb/node-api';
import { generate } from './events';
import { median } from './results';

export interface DuckDBRun {
  /** Generating the events and appending the bids (auction, price) into an in-memory table. */
  readonly loadMs: number;
  /** The median GROUP BY over the loaded table, result rows read into JavaScript. */
  readonly queryMs: number;
  readonly keys: number;
}

/** Loads `events` events' bids into DuckDB once, runs the keyed count `runs` times; throws if it differs from `expected`. */
export async function duckdbKeyedCount(
  events: number,
  runs: number,
  expected: ReadonlyMap<number, readonly number[]>,
): Promise<DuckDBRun> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await db.connect();
  try {
    await con.run('CREATE TABLE bid (auction BIGINT, price BIGINT)');
    const t0 = performance.now();
    const app = await con.createAppender('bid');
    generate(events, (batch, k) => {
      for (let i = 0; i < k; i++) {
        const e = batch[i]!;
        if (e[0] !== 2) continue;
        const b = e[3] as number[];
        app.appendBigInt(BigInt(b[0]!));
        app.appendBigInt(BigInt(b[2]!));
        app.endRow();
      }
    });
    app.closeSync();
    const loadMs = performance.now() - t0;
    const times: { ms: number; rows: unknown[][] }[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const r = await con.runAndReadAll('SELECT auction, COUNT(*), MAX(price) FROM bid GROUP BY auction');
      const rows = r.getRows();
      times.push({ ms: performance.now() - t, rows });
    }
    const m = median(times, (t) => t.ms);
    for (const [auction, count, max] of m.rows as [bigint, bigint, bigint][]) {
      const want = expected.get(Number(auction));
      if (!want || want[0] !== Number(count) || want[1] !== Number(max))
        throw new Error(`duckdb: auction ${auction} = (${count}, ${max}), loop has ${JSON.stringify(want)}`);
    }
    if (m.rows.length !== expected.size)
      throw new Error(`duckdb: ${m.rows.length} keys, loop has ${expected.size}`);
    return { loadMs, queryMs: m.ms, keys: m.rows.length };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
