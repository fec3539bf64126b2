// Nexmark q5, q7, q8, q9, q11, q18 and q19 on weir's nexmark source against a batch oracle: the same events,
// generated with NexmarkGenerator from the same options, loaded into DuckDB, and each query's answer computed there
// in plain batch SQL (window arithmetic spelled out). The committed changelog of weir's filesystem sink, applied as
// a multiset, must equal DuckDB's result exactly — in-process, and also under repeated SIGKILLs of the CLI.
//
// Top-N and deduplication (q9, q18, q19) rank ties by arrival, as Flink does. At parallelism 1 rows arrive in
// event order, which DuckDB breaks ties by (the event's sequence number `seq`), so the rows must be equal. At
// parallelism 2 the two source splits interleave, so which of two tied rows wins may differ: there the
// columns ties cannot change must be equal, and every row weir keeps must be one DuckDB ranks into the range
// when ties share a rank (RANK() instead of ROW_NUMBER()).
//
// Why exactly: the generator's event times are non-decreasing in the event number and each source split emits
// its events in order, so with a 4 s watermark delay no row is late (asserted: lateRecords = 0), and the
// bounded source's final watermark fires every window that is still open.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import {
  AUCTION,
  BID,
  NexmarkGenerator,
  PERSON,
  nexmarkConfigFromOptions,
} from '../../runtime/connectors/nexmark/generator';
import { runJob } from '../../runtime/engine';
import { registerNodeConnectors } from '../../runtime/node/connectors/index';
import { stateBackendFactory } from '../../runtime/node/environment';
import { unescapePartitionValue } from '../../runtime/node/connectors/partitioned-sink';
import { NodeUdfLoader } from '../../runtime/node/udf-loader';
import { ROOT, runWeir, runWithKills } from './crash-harness';
import { compileJob, steppedClock } from '../support/jobs';
import { addRow, sinkRows } from '../support/multiset';

type Query = 'q5' | 'q7' | 'q8' | 'q9' | 'q11' | 'q12' | 'q13' | 'q14' | 'q18' | 'q19';
type Value = number | string | boolean | null;
type Rows = Map<string, number>;

interface Variant {
  readonly name: string;
  /** The nexmark table's generator options ('events.num', 'seed', …). */
  readonly options: Readonly<Record<string, string>>;
  readonly parallelism: number;
  /** Periodic checkpoints mid-stream (on a manual clock advanced per task step), so state is snapshotted. */
  readonly checkpointing: boolean;
  /** `state.backend.type`; hashmap when absent. */
  readonly backend?: 'rocksdb';
}

const SEED = '20240611';

// At 200 events/s of event time ('max-emit-speed' = 'true': generated as fast as possible, not paced), 60,000
// events span 300 s: 30 TUMBLE windows, ~150 HOP windows, sessions that close (most bidders bid less often than
// every 10 s). At Nexmark's default 10,000 events/s they span 6 s,
// with 10 events per millisecond: ties in event time, and a window end equal to a bid's time.
const VARIANTS: readonly Variant[] = [
  {
    name: '60,000 events at 200/s of event time, p=1',
    options: { 'events.num': '60000', seed: SEED, 'first-event.rate': '200', 'max-emit-speed': 'true' },
    parallelism: 1,
    checkpointing: false,
  },
  {
    name: '60,000 events at 200/s of event time, p=2, checkpoints mid-stream',
    options: { 'events.num': '60000', seed: SEED, 'first-event.rate': '200', 'max-emit-speed': 'true' },
    parallelism: 2,
    checkpointing: true,
  },
  {
    name: '60,000 events at 200/s of event time, p=2, rocksdb, checkpoints mid-stream',
    options: { 'events.num': '60000', seed: SEED, 'first-event.rate': '200', 'max-emit-speed': 'true' },
    parallelism: 2,
    checkpointing: true,
    backend: 'rocksdb',
  },
  {
    name: "60,000 events at Nexmark's default 10,000/s (ties in event time), p=1, rocksdb",
    options: { 'events.num': '60000', seed: SEED },
    parallelism: 1,
    checkpointing: false,
    backend: 'rocksdb',
  },
  {
    name: "60,000 events at Nexmark's default 10,000/s (ties in event time), p=1",
    options: { 'events.num': '60000', seed: SEED },
    parallelism: 1,
    checkpointing: false,
  },
];

/** The Top-N queries also run on the rocksdb backend (a small cache, so partitions are evicted and read back). */
const ROCKSDB_VARIANTS: readonly Variant[] = [
  { ...VARIANTS[1]!, name: `${VARIANTS[1]!.name}, rocksdb`, backend: 'rocksdb' },
];

// ---------------------------------------------------------------------------------------------------------
// The test scripts: the query files with a changelog-json filesystem sink and the variant's generator options.

function optionsText(options: Readonly<Record<string, string>>): string {
  return Object.entries(options)
    .map(([k, v]) => `'${k}' = '${v}'`)
    .join(', ');
}

/** queries/nexmark/<query>.sql with its blackhole sink replaced by a filesystem sink at `sinkPath`. */
function testScript(
  query: Query,
  options: Readonly<Record<string, string>>,
  sinkPath: string,
  settings: readonly string[] = [],
): string {
  const original = readFileSync(join(ROOT, 'queries/nexmark', `${query}.sql`), 'utf8');
  const events = /'events\.num' = '\d+'/g;
  const sink = /WITH \('connector' = 'blackhole'\)/g;
  expect(original.match(events), `${query}.sql: one 'events.num' option`).toHaveLength(1);
  expect(original.match(sink), `${query}.sql: one blackhole sink`).toHaveLength(1);
  const script = original
    .replace(events, optionsText(options))
    .replace(sink, `WITH ('connector' = 'filesystem', 'path' = '${sinkPath}', 'format' = 'changelog-json')`)
    .replace(`'path' = 'data/side_input.txt'`, `'path' = '${join(dir, 'side_input.txt')}'`);
  return `${settings.map((s) => `SET ${s};`).join('\n')}\n${script}`;
}

interface WeirRun {
  readonly rows: Rows;
  readonly lateRecords: number;
  readonly checkpoints: number;
}

let dir = '';
let runs = 0;

/** Runs the query in-process and returns the committed changelog applied as a multiset. */
async function runInProcess(query: Query, variant: Variant): Promise<WeirRun> {
  const out = join(dir, 'out', `${query}-${++runs}`);
  const settings = [`'parallelism.default' = '${variant.parallelism}'`];
  if (variant.checkpointing) settings.push(`'execution.checkpointing.interval' = '50ms'`);
  if (variant.backend)
    settings.push(
      `'state.backend.type' = '${variant.backend}'`,
      `'state.backend.rocksdb.localdir' = '${join(dir, 'rocksdb')}'`,
      `'weir.state.rocksdb.cache-entries' = '256'`,
    );
  const script = testScript(query, variant.options, out, settings);
  // q14's count_char is a JavaScript UDF, its path relative to queries/nexmark/q14.sql.
  const udfLoader = new NodeUdfLoader();
  await udfLoader.preload(join(ROOT, 'queries/nexmark', `${query}.sql`), script);
  const job = compileJob(script, query, udfLoader);
  const logs: string[] = [];
  // With checkpointing, job time advances 1 ms per task step, so barriers enter mid-stream deterministically
  // (on the system clock a run this short would only take the final checkpoint).
  const time = variant.checkpointing ? steppedClock() : undefined;
  const runner = await runJob(job, {
    connectors: registerNodeConnectors(builtinConnectors()),
    storage: new MemoryCheckpointStorage(),
    stateBackend: stateBackendFactory(job),
    clock: time?.clock,
    beforeStep: time?.tick,
    print: (line) => logs.push(line),
    log: (message) => logs.push(message),
  });
  const result = await runner.done;
  expect(result, logs.join('\n')).toEqual({ status: 'FINISHED' });
  return {
    rows: queryRows(out, query),
    lateRecords: runner.metrics().lateRecords,
    checkpoints: runner.checkpoints().filter((c) => c.status === 'COMPLETED').length,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The oracle: the generated events in DuckDB, each query in batch SQL. Times are epoch ms (BIGINT) until the
// output, which renders them as weir's sink does: 'yyyy-MM-dd HH:mm:ss.SSS' in UTC.

const ts = (ms: string) => `strftime(epoch_ms(${ms}), '%Y-%m-%d %H:%M:%S.%g')`;

/** Each query's batch answer over the tables `<s>.person`, `<s>.auction`, `<s>.bid` (dateTime as `ts`, ms). */
const ORACLE: Record<Exclude<Query, 'q12'>, (s: string, rank?: 'row_number' | 'rank') => string> = {
  // HOP(10 s, slide 2 s): every window start on the 2 s grid with start ≤ ts < start + 10 s.
  q5: (s) => `
    WITH hop AS (
      SELECT auction, wstart, wstart + 10000 AS wend
      FROM (SELECT auction, ts, unnest(range((ts // 2000) * 2000 - 10000, ts + 1, 2000)) AS wstart FROM ${s}.bid)
      WHERE wstart <= ts AND ts < wstart + 10000
    ),
    auction_bids AS (SELECT auction, count(*) AS num, wstart, wend FROM hop GROUP BY auction, wstart, wend),
    max_bids AS (SELECT max(num) AS maxn, wstart, wend FROM auction_bids GROUP BY wstart, wend)
    SELECT a.auction, a.num
    FROM auction_bids a JOIN max_bids m ON a.wstart = m.wstart AND a.wend = m.wend AND a.num >= m.maxn`,
  // TUMBLE(10 s): window_start = floor(ts / 10 s) * 10 s; the bids priced at their window's maximum, with the
  // query's BETWEEN inclusive at both ends (a bid at exactly a window end also meets the previous window).
  q7: (s) => `
    WITH b1 AS (
      SELECT max(price) AS maxprice, (ts // 10000) * 10000 + 10000 AS wend FROM ${s}.bid GROUP BY ts // 10000
    )
    SELECT b.auction, b.bidder, b.price, ${ts('b.ts')}, b.extra
    FROM ${s}.bid b JOIN b1 ON b.price = b1.maxprice
    WHERE b.ts BETWEEN b1.wend - 10000 AND b1.wend`,
  // Two TUMBLE(10 s) aggregates joined on the window.
  q8: (s) => `
    WITH p AS (
      SELECT id, name, (ts // 10000) * 10000 AS wstart, (ts // 10000) * 10000 + 10000 AS wend
      FROM ${s}.person GROUP BY ALL
    ),
    a AS (
      SELECT seller, (ts // 10000) * 10000 AS wstart, (ts // 10000) * 10000 + 10000 AS wend
      FROM ${s}.auction GROUP BY ALL
    )
    SELECT p.id, p.name, ${ts('p.wstart')}
    FROM p JOIN a ON p.id = a.seller AND p.wstart = a.wstart AND p.wend = a.wend`,
  // SESSION(gap 10 s) per bidder, gaps and islands: a bid opens a new session when it comes more than 10 s
  // after the bidder's previous one (Flink merges session windows that touch: [t, t+10s) and [t+10s, …) merge).
  // A session ends 10 s after its last bid.
  q11: (s) => `
    WITH marked AS (
      SELECT bidder, ts,
        CASE WHEN ts - lag(ts) OVER (PARTITION BY bidder ORDER BY ts) <= 10000 THEN 0 ELSE 1 END AS opens
      FROM ${s}.bid
    ),
    numbered AS (
      SELECT bidder, ts, sum(opens) OVER (PARTITION BY bidder ORDER BY ts ROWS UNBOUNDED PRECEDING) AS session
      FROM marked
    )
    SELECT bidder, count(*) AS bid_count, ${ts('min(ts)')}, ${ts('max(ts) + 10000')}
    FROM numbered GROUP BY bidder, session`,
  // The processing-time temporal join with the side input read into memory: every bid whose auction's key
  // (mod 10,000) the side input has.
  q13: (s) => `
    SELECT b.auction, b.bidder, b.price, ${ts('b.ts')}, v."value"
    FROM ${s}.bid b JOIN side_input v ON b.auction % 10000 = v."key"`,
  // The highest bid of each auction among its bids between its start and its expiry (Top-1 by price, then
  // earliest); ties broken by arrival (\`seq\`).
  q9: (s, rank = 'row_number') => `
    SELECT id, itemName, description, initialBid, reserve, ${ts('ats')}, ${ts('expires')}, seller, category,
      aextra, auction, bidder, price, ${ts('bts')}, bextra
    FROM (
      SELECT a.id, a.itemName, a.description, a.initialBid, a.reserve, a.ts AS ats, a.expires, a.seller,
        a.category, a.extra AS aextra, b.auction, b.bidder, b.price, b.ts AS bts, b.extra AS bextra,
        ${rank}() OVER (PARTITION BY a.id ORDER BY b.price DESC, b.ts ASC${rank === 'row_number' ? ', b.seq ASC' : ''}) AS rn
      FROM ${s}.auction a JOIN ${s}.bid b ON a.id = b.auction AND b.ts BETWEEN a.ts AND a.expires
    ) WHERE rn <= 1`,
  // The last bid of each bidder on each auction (deduplication keeping the last row by event time; of bids
  // with the same time the later one).
  q18: (s, rank = 'row_number') => `
    SELECT auction, bidder, price, channel, url, ${ts('ts')}, extra
    FROM (
      SELECT *, ${rank}() OVER (PARTITION BY bidder, auction ORDER BY ts DESC${rank === 'row_number' ? ', seq DESC' : ''}) AS rn
      FROM ${s}.bid
    ) WHERE rn <= 1`,
  // The ten highest bids of each auction, with their rank (ties: the earlier bid ranks higher).
  q19: (s, rank = 'row_number') => `
    SELECT auction, bidder, price, channel, url, ${ts('ts')}, extra, rn
    FROM (
      SELECT *, ${rank}() OVER (PARTITION BY auction ORDER BY price DESC${rank === 'row_number' ? ', seq ASC' : ''}) AS rn
      FROM ${s}.bid
    ) WHERE rn <= 10`,
  // The repository's q14 as it stands; count_char(extra, 'c') spelled with string functions. The price is
  // compared at its scale (3 digits): weir's DECIMAL is still a double.
  q14: (s) => `
    SELECT auction, bidder, round(0.908 * price, 3)::DOUBLE,
      CASE
        WHEN hour(epoch_ms(ts)) >= 8 AND hour(epoch_ms(ts)) <= 18 THEN 'dayTime'
        WHEN hour(epoch_ms(ts)) <= 6 OR hour(epoch_ms(ts)) >= 20 THEN 'nightTime'
        ELSE 'otherTime'
      END,
      ${ts('ts')}, extra, length(extra) - length(replace(extra, 'c', ''))
    FROM ${s}.bid
    WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000`,
};

/**
 * For the Top-N queries, the output columns that ties cannot change (compared exactly whatever the arrival
 * order), and those of a row that must come from the candidates (the oracle with RANK(): tied rows share a rank).
 */
const TIES: Partial<Record<Query, { readonly fixed: readonly number[]; readonly row: readonly number[] }>> = {
  q9: { fixed: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13], row: [...Array(15).keys()] },
  q18: { fixed: [0, 1, 5], row: [...Array(7).keys()] },
  q19: { fixed: [0, 2, 7], row: [...Array(7).keys()] },
};

/** q13's side input: lines of 'key,value' for the keys below 10,000 that are not multiples of 7. */
function writeSideInput(): string {
  const lines: string[] = [];
  for (let k = 0; k < 10_000; k++) if (k % 7 !== 0) lines.push(`${k},value-${k}`);
  const file = join(dir, 'side_input.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

let duckdb: DuckDBInstance | undefined;
let duck: DuckDBConnection | undefined;
/** DuckDB schema per distinct set of generator options, loaded once. */
const loaded = new Map<string, Promise<string>>();

/** Generates the variant's events with NexmarkGenerator and loads person/auction/bid into a DuckDB schema. */
function load(options: Readonly<Record<string, string>>): Promise<string> {
  const id = JSON.stringify(options);
  let p = loaded.get(id);
  if (!p) {
    p = (async () => {
      const schema = `v${loaded.size}`;
      const folder = join(dir, 'events', schema);
      mkdirSync(folder, { recursive: true });
      const gen = new NexmarkGenerator(nexmarkConfigFromOptions(options));
      const lines: Record<number, string[]> = { [PERSON]: [], [AUCTION]: [], [BID]: [] };
      const n = Number(options['events.num']);
      for (let i = 0; i < n; i++) {
        const [type, person, auction, bid] = gen.event(i) as [number, ...(unknown[] | null)[]];
        if (type === PERSON) {
          const [id, name, emailAddress, creditCard, city, state, ts, extra] = person!;
          lines[type]!.push(
            JSON.stringify({ id, name, emailAddress, creditCard, city, state, ts, extra, seq: i }),
          );
        } else if (type === AUCTION) {
          const [id, itemName, description, initialBid, reserve, ts, expires, seller, category, extra] =
            auction!;
          lines[type]!.push(
            JSON.stringify({
              id,
              itemName,
              description,
              initialBid,
              reserve,
              ts,
              expires,
              seller,
              category,
              extra,
              seq: i,
            }),
          );
        } else {
          const [auctionId, bidder, price, channel, url, ts, extra] = bid!;
          lines[type]!.push(
            JSON.stringify({ auction: auctionId, bidder, price, channel, url, ts, extra, seq: i }),
          );
        }
      }
      const tables: [string, number, string][] = [
        [
          'person',
          PERSON,
          `id: 'BIGINT', name: 'VARCHAR', emailAddress: 'VARCHAR', creditCard: 'VARCHAR', city: 'VARCHAR',
           state: 'VARCHAR', ts: 'BIGINT', extra: 'VARCHAR', seq: 'BIGINT'`,
        ],
        [
          'auction',
          AUCTION,
          `id: 'BIGINT', itemName: 'VARCHAR', description: 'VARCHAR', initialBid: 'BIGINT', reserve: 'BIGINT',
           ts: 'BIGINT', expires: 'BIGINT', seller: 'BIGINT', category: 'BIGINT', extra: 'VARCHAR',
           seq: 'BIGINT'`,
        ],
        [
          'bid',
          BID,
          `auction: 'BIGINT', bidder: 'BIGINT', price: 'BIGINT', channel: 'VARCHAR', url: 'VARCHAR',
           ts: 'BIGINT', extra: 'VARCHAR', seq: 'BIGINT'`,
        ],
      ];
      await duck!.run(`CREATE SCHEMA ${schema}`);
      for (const [name, type, columns] of tables) {
        const file = join(folder, `${name}.jsonl`);
        writeFileSync(file, lines[type]!.join('\n') + '\n');
        await duck!.run(
          `CREATE TABLE ${schema}.${name} AS SELECT * FROM read_json('${file}',
             format = 'newline_delimited', columns = {${columns}})`,
        );
      }
      return schema;
    })();
    loaded.set(id, p);
  }
  return p;
}

/** A sink's committed rows; q14's DECIMAL(23, 3) price at its scale. */
function queryRows(folder: string, query?: Query): Rows {
  const rows = sinkRows(folder);
  if (query !== 'q14') return rows;
  const out: Rows = new Map();
  for (const [key, n] of rows) {
    const values = JSON.parse(key) as unknown[];
    values[2] = Math.round((values[2] as number) * 1000) / 1000;
    addRow(out, values, n);
  }
  return out;
}

async function oracle(
  query: Exclude<Query, 'q12'>,
  options: Readonly<Record<string, string>>,
  rank: 'row_number' | 'rank' = 'row_number',
): Promise<Rows> {
  const schema = await load(options);
  const reader = await duck!.runAndReadAll(ORACLE[query](schema, rank));
  const rows: Rows = new Map();
  for (const r of reader.getRowsJS()) addRow(rows, r);
  return rows;
}

/** Rows of x beyond their count in y, with the surplus (the first 10). */
function surplus(x: Rows, y: Rows): string[] {
  return [...x]
    .filter(([row, n]) => n > (y.get(row) ?? 0))
    .map(([row, n]) => `${n - (y.get(row) ?? 0)}× ${row}`)
    .sort()
    .slice(0, 10);
}

/** What differs between weir's rows and DuckDB's. */
function difference(weir: Rows, duckdb: Rows) {
  return { onlyInWeir: surplus(weir, duckdb), onlyInDuckDB: surplus(duckdb, weir) };
}

const total = (m: Rows) => [...m.values()].reduce((s, n) => s + n, 0);

/** The rows with only the columns `cols`, as a multiset. */
function project(rows: Rows, cols: readonly number[]): Rows {
  const out: Rows = new Map();
  for (const [key, n] of rows) {
    const values = JSON.parse(key) as Value[];
    addRow(
      out,
      cols.map((c) => values[c]),
      n,
    );
  }
  return out;
}

/**
 * What differs between weir's rows and DuckDB's for a Top-N whose ties may be broken otherwise than by event
 * order: the tie-proof columns must be equal, and each of weir's rows must be among the candidates.
 */
async function tieDifference(
  query: Exclude<Query, 'q12'>,
  options: Readonly<Record<string, string>>,
  weir: Rows,
): Promise<ReturnType<typeof difference> & { notCandidates: string[] }> {
  const ties = TIES[query]!;
  const wanted = await oracle(query, options);
  const candidates = project(await oracle(query, options, 'rank'), ties.row);
  return {
    ...difference(project(weir, ties.fixed), project(wanted, ties.fixed)),
    notCandidates: [...project(weir, ties.row).keys()].filter((k) => !candidates.has(k)).slice(0, 10),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-oracle-'));
  duckdb = await DuckDBInstance.create(':memory:', { threads: '2' });
  duck = await duckdb.connect();
  const side = writeSideInput();
  await duck.run(
    `CREATE TABLE side_input AS SELECT * FROM read_csv('${side}', header = false,
       columns = {'key': 'BIGINT', 'value': 'VARCHAR'})`,
  );
});

afterAll(() => {
  duck?.closeSync();
  duckdb?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------

describe('Nexmark queries agree with a DuckDB batch reference over the same events', () => {
  for (const query of ['q5', 'q7', 'q8', 'q9', 'q11', 'q13', 'q14', 'q18', 'q19'] as const) {
    describe(query, () => {
      for (const variant of TIES[query] ? [...VARIANTS, ...ROCKSDB_VARIANTS] : VARIANTS) {
        it(variant.name, async () => {
          const wanted = await oracle(query, variant.options);
          expect(total(wanted), 'the reference result is not empty').toBeGreaterThan(0);
          const run = await runInProcess(query, variant);
          expect(run.lateRecords, 'late records').toBe(0);
          if (TIES[query] && variant.parallelism > 1)
            expect(await tieDifference(query, variant.options, run.rows)).toEqual({
              onlyInWeir: [],
              onlyInDuckDB: [],
              notCandidates: [],
            });
          else expect(difference(run.rows, wanted)).toEqual({ onlyInWeir: [], onlyInDuckDB: [] });
          expect(total(run.rows)).toBe(total(wanted));
          if (variant.checkpointing) expect(run.checkpoints).toBeGreaterThanOrEqual(2);
          console.log(`${query}, ${variant.name}: ${total(run.rows)} rows equal`);
        });
      }
    });
  }

  // q12 windows on processing time, so its rows depend on the wall clock; the bids they count do not.
  it('q12 (processing-time TUMBLE) runs to completion and counts every bid once', async () => {
    const variant = VARIANTS[0]!;
    const run = await runInProcess('q12', variant);
    expect(total(run.rows)).toBeGreaterThan(0);
    const perBidder = new Map<number, number>();
    for (const [key, n] of run.rows) {
      const [bidder, count, start, end] = JSON.parse(key) as [number, number, string, string];
      expect(Date.parse(`${end.replace(' ', 'T')}Z`) - Date.parse(`${start.replace(' ', 'T')}Z`)).toBe(
        10_000,
      );
      perBidder.set(bidder, (perBidder.get(bidder) ?? 0) + count * n);
    }
    const schema = await load(variant.options);
    const reader = await duck!.runAndReadAll(`SELECT bidder, count(*) FROM ${schema}.bid GROUP BY bidder`);
    const wanted = new Map(reader.getRowsJS().map(([b, c]) => [Number(b), Number(c)]));
    expect(perBidder).toEqual(wanted);
    console.log(`q12: ${total(run.rows)} rows, ${wanted.size} bidders' bid counts equal`);
  });
});

// ---------------------------------------------------------------------------------------------------------
// q10: a partitioned filesystem sink. Its text as in the repository but for the events and the path.

/** One CSV line's fields (quoted fields may hold the delimiter and doubled quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else v += line[i++];
      }
      out.push(v);
      i += 2;
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

/** Committed rows of q10's sink: each partition folder's visible part files, its dt and hm from the folder names. */
function partitionedRows(base: string): { rows: Rows; partitions: string[]; withoutSuccess: string[] } {
  const rows: Rows = new Map();
  const partitions: string[] = [];
  const withoutSuccess: string[] = [];
  for (const dt of readdirSync(base).filter((n) => n.startsWith('dt='))) {
    for (const hm of readdirSync(join(base, dt)).filter((n) => n.startsWith('hm='))) {
      const folder = join(base, dt, hm);
      partitions.push(`${dt}/${hm}`);
      const files = readdirSync(folder);
      if (!files.includes('_SUCCESS')) withoutSuccess.push(`${dt}/${hm}`);
      for (const f of files.filter((n) => n.startsWith('part-')).sort())
        for (const line of readFileSync(join(folder, f), 'utf8').split('\n')) {
          if (!line) continue;
          const [auction, bidder, price, dateTime, extra] = csvFields(line);
          addRow(rows, [
            Number(auction),
            Number(bidder),
            Number(price),
            dateTime,
            extra,
            unescapePartitionValue(dt.slice(3)),
            unescapePartitionValue(hm.slice(3)),
          ]);
        }
    }
  }
  return { rows, partitions, withoutSuccess };
}

describe('Nexmark q10 (PARTITIONED BY dt, hm into Hive-style folders) agrees with DuckDB', () => {
  it.each([
    {
      name: '60,000 events at 200/s of event time (5 min: 6 partitions), p=1',
      parallelism: 1,
      checkpoints: false,
    },
    { name: 'the same at p=2 with checkpoints mid-stream', parallelism: 2, checkpoints: true },
  ])('$name', async ({ parallelism, checkpoints }) => {
    const options = {
      'events.num': '60000',
      seed: SEED,
      'first-event.rate': '200',
      'max-emit-speed': 'true',
    };
    const out = join(dir, 'out', `q10-${++runs}`);
    const original = readFileSync(join(ROOT, 'queries/nexmark/q10.sql'), 'utf8');
    const settings = [`SET 'parallelism.default' = '${parallelism}';`];
    if (checkpoints) settings.push(`SET 'execution.checkpointing.interval' = '50ms';`);
    const script = `${settings.join('\n')}\n${original
      .replace(/'events\.num' = '\d+'/, optionsText(options))
      .replace("'path' = 'out/nexmark_q10'", `'path' = '${out}'`)}`;
    expect(script).toContain(out);
    const job = compileJob(script, 'q10');
    const time = checkpoints ? steppedClock() : undefined;
    const logs: string[] = [];
    const runner = await runJob(job, {
      connectors: registerNodeConnectors(builtinConnectors()),
      storage: new MemoryCheckpointStorage(),
      clock: time?.clock,
      beforeStep: time?.tick,
      print: (line) => logs.push(line),
      log: (message) => logs.push(message),
    });
    expect(await runner.done, logs.join('\n')).toEqual({ status: 'FINISHED' });
    if (checkpoints)
      expect(runner.checkpoints().filter((c) => c.status === 'COMPLETED').length).toBeGreaterThanOrEqual(2);
    const schema = await load(options);
    const reader = await duck!.runAndReadAll(
      `SELECT auction, bidder, price, ${ts('ts')}, extra,
         strftime(epoch_ms(ts), '%Y-%m-%d'), strftime(epoch_ms(ts), '%H:%M') FROM ${schema}.bid`,
    );
    const wanted: Rows = new Map();
    for (const r of reader.getRowsJS()) addRow(wanted, r);
    const got = partitionedRows(out);
    expect(difference(got.rows, wanted)).toEqual({ onlyInWeir: [], onlyInDuckDB: [] });
    expect(total(got.rows)).toBe(total(wanted));
    // Hive-style folders, ':' escaped as Flink (Hive) escapes it; every partition committed with its _SUCCESS file.
    expect(got.partitions.length).toBeGreaterThanOrEqual(5);
    expect(got.partitions).toContain('dt=2015-07-15/hm=00%3A01');
    expect(got.withoutSuccess).toEqual([]);
    console.log(`q10 p=${parallelism}: ${total(got.rows)} rows in ${got.partitions.length} partitions equal`);
  });
});

describe('Nexmark queries under SIGKILLs of the CLI', () => {
  it.each(['q5', 'q7', 'q8', 'q9', 'q11', 'q18', 'q19'] as const)(
    '%s resumed from the latest checkpoint after every kill: the committed output equals the failure-free run and DuckDB',
    async (query) => {
      const seed = Number(process.env['WEIR_CRASH_SEED'] ?? 11);
      // Enough events for a run of a few seconds, so that kills land mid-stream (q8 reads its one source
      // for both sides and is fastest: ten times as many; the Top-N queries write the most: half as many).
      const events = query === 'q8' ? '2400000' : TIES[query] ? '120000' : '240000';
      const options = {
        'events.num': events,
        seed: SEED,
        'first-event.rate': '200',
        'max-emit-speed': 'true',
      };
      const settings = [
        `'execution.checkpointing.interval' = '100ms'`,
        `'execution.checkpointing.dir' = '.weir/checkpoints'`,
        `'restart-strategy.type' = 'none'`,
        // The Top-N queries run under kills on rocksdb (their in-process runs cover both backends).
        ...(TIES[query]
          ? [`'state.backend.type' = 'rocksdb'`, `'weir.state.rocksdb.cache-entries' = '256'`]
          : []),
      ];
      const reference = join(dir, 'crash-reference');
      const crashed = join(dir, 'crash-killed');
      for (const d of [reference, crashed]) {
        mkdirSync(d, { recursive: true });
        writeFileSync(join(d, `${query}.sql`), testScript(query, options, `out/${query}`, settings));
      }
      const ref = await runWeir(reference, ['run', `${query}.sql`]);
      expect(ref.code, ref.stderr).toBe(0);
      const expected = sinkRows(join(reference, `out/${query}`));
      expect(difference(expected, await oracle(query, options))).toEqual({
        onlyInWeir: [],
        onlyInDuckDB: [],
      });
      expect(total(expected)).toBeGreaterThan(0);

      const summary = await runWithKills(crashed, `${query}.sql`, {
        kills: 4,
        minMs: 150,
        maxMs: 900,
        seed,
        faultPoints: ['state-written', 'metadata-written', 'sink-committing'],
      });
      // A fast query may finish before a kill fires: at least two kills (and restores) is what is required.
      expect(summary.kills).toBeGreaterThanOrEqual(2);
      const actual = sinkRows(join(crashed, `out/${query}`));
      console.log(
        `${query} crash run: ${summary.kills} SIGKILLs over ${summary.runs} runs (seed ${seed}), ${total(actual)} rows`,
      );
      expect({
        onlyAfterKills: surplus(actual, expected),
        onlyFailureFree: surplus(expected, actual),
      }).toEqual({
        onlyAfterKills: [],
        onlyFailureFree: [],
      });
      expect(total(actual)).toBe(total(expected));
    },
    240_000,
  );
});
