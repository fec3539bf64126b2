// The streaming operators against a batch oracle: each query runs in weir (file sources, a changelog-json sink,
// the committed changelog applied as a multiset) and in DuckDB over the same rows; the results must be equal.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { runJob } from '../../runtime/engine';
import { registerNodeConnectors } from '../../runtime/node/connectors/index';
import { committedRows, prng } from '../e2e/crash-harness';
import { compileJob, steppedClock } from '../support/jobs';

type ColumnType = 'BIGINT' | 'DOUBLE' | 'STRING' | 'BOOLEAN';
type Value = number | string | boolean | null;
type Input = Record<string, Value>;

interface TableSpec {
  readonly name: string;
  readonly columns: readonly (readonly [name: string, type: ColumnType])[];
  readonly rows: readonly Input[];
}

interface OracleCase {
  readonly name: string;
  /** The sink's column types, in the query's column order (the sink's columns are named c0, c1, …). */
  readonly out: readonly ColumnType[];
  /** The query in weir's dialect (Flink SQL). */
  readonly sql: string;
  /** The same query for DuckDB, where the dialects differ (default: `sql`). */
  readonly duck?: string;
}

interface RunConfig {
  readonly name: string;
  readonly parallelism: number;
  readonly checkpointing: boolean;
}

const CONFIGS: readonly RunConfig[] = [
  { name: 'p=1', parallelism: 1, checkpointing: false },
  { name: 'p=2', parallelism: 2, checkpointing: false },
  { name: 'p=1, checkpoints every 50ms', parallelism: 1, checkpointing: true },
  { name: 'p=2, checkpoints every 50ms', parallelism: 2, checkpointing: true },
];

// ---------------------------------------------------------------------------------------------------------
// Inputs: deterministic rows from a seeded PRNG.

const WORDS = ['apple', 'Banana', 'cherry PIE', 'date', 'Elder', 'fig', 'GRAPE', 'banana split', 'a', ''];

function tables(): TableSpec[] {
  const rnd = prng(20240601);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const maybe = <V extends Value>(p: number, v: () => V): V | null => (rnd() < p ? null : v());

  // a: the aggregation input. k has ~40 values and some NULLs; x has few values and many NULLs.
  const a: Input[] = [];
  for (let id = 0; id < 3000; id++) {
    a.push({
      id,
      k: maybe(0.03, () => int(0, 39)),
      v: maybe(0.1, () => int(-50, 150)),
      x: maybe(0.3, () => int(0, 9)),
      d: maybe(0.05, () => int(-400, 400) / 4), // quarters: every sum of them is exact in a double
      s: maybe(0.1, () => WORDS[int(0, WORDS.length - 1)]!),
    });
  }
  // l and r: the join inputs. Keys overlap on 30..59 only; some rows repeat exactly; some keys are NULL.
  const side = (n: number, lo: number, hi: number, text: string): Input[] => {
    const rows: Input[] = [];
    for (let id = 0; id < n; id++) {
      if (rows.length > 0 && rnd() < 0.08) {
        rows.push({ ...rows[int(0, rows.length - 1)]! });
        continue;
      }
      rows.push({
        id,
        k: maybe(0.03, () => int(lo, hi)),
        v: maybe(0.05, () => int(0, 99)),
        [text]: maybe(0.1, () => WORDS[int(0, WORDS.length - 1)]!),
      });
    }
    return rows;
  };
  const l = side(600, 0, 59, 'tag');
  const r = side(400, 30, 89, 'name');
  return [
    {
      name: 'a',
      columns: [
        ['id', 'BIGINT'],
        ['k', 'BIGINT'],
        ['v', 'BIGINT'],
        ['x', 'BIGINT'],
        ['d', 'DOUBLE'],
        ['s', 'STRING'],
      ],
      rows: a,
    },
    {
      name: 'l',
      columns: [
        ['id', 'BIGINT'],
        ['k', 'BIGINT'],
        ['v', 'BIGINT'],
        ['tag', 'STRING'],
      ],
      rows: l,
    },
    {
      name: 'r',
      columns: [
        ['id', 'BIGINT'],
        ['k', 'BIGINT'],
        ['v', 'BIGINT'],
        ['name', 'STRING'],
      ],
      rows: r,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// The cases. Where Flink and DuckDB differ, `duck` says the same thing in DuckDB's words:
// AVG of an integer column is an integer truncated toward zero in Flink; `/` of integers is integer division;
// CAST(DOUBLE AS BIGINT) truncates; CONCAT is NULL when an argument is NULL (DuckDB's skips NULLs).

const JOIN_COLS = 'l.id, l.k, l.v, l.tag, r.id, r.k, r.v, r.name';
const JOIN_OUT: ColumnType[] = [
  'BIGINT',
  'BIGINT',
  'BIGINT',
  'STRING',
  'BIGINT',
  'BIGINT',
  'BIGINT',
  'STRING',
];

const CASES: readonly OracleCase[] = [
  // --- GROUP BY over an append-only input
  {
    name: 'GROUP BY: COUNT(*), COUNT(x) with NULLs, COUNT(DISTINCT), SUM, MIN, MAX, AVG',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT k, COUNT(*), COUNT(x), COUNT(DISTINCT x), SUM(v), MIN(v), MAX(v), AVG(v), AVG(x) FROM a GROUP BY k`,
    duck: `SELECT k, COUNT(*), COUNT(x), COUNT(DISTINCT x), SUM(v), MIN(v), MAX(v), TRUNC(AVG(v)), TRUNC(AVG(x)) FROM a GROUP BY k`,
  },
  {
    name: 'GROUP BY: DOUBLE and STRING aggregates',
    out: ['BIGINT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'STRING', 'STRING', 'BIGINT'],
    sql: `SELECT x, SUM(d), AVG(d), MIN(d), MAX(d), MIN(s), MAX(s), COUNT(DISTINCT s) FROM a GROUP BY x`,
  },
  {
    name: 'GROUP BY two keys (NULLs in both)',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT k, x, COUNT(*), SUM(v), MAX(id) FROM a GROUP BY k, x`,
  },
  {
    name: 'GROUP BY a STRING and a BIGINT (NULL and the empty string are different keys)',
    out: ['STRING', 'BIGINT', 'BIGINT', 'BIGINT', 'DOUBLE'],
    sql: `SELECT s, x, COUNT(*), MIN(v), MAX(d) FROM a GROUP BY s, x`,
  },
  {
    name: 'global aggregate (no GROUP BY)',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'DOUBLE', 'STRING', 'BIGINT'],
    sql: `SELECT COUNT(*), COUNT(DISTINCT k), SUM(v), MIN(d), MAX(s), AVG(v) FROM a`,
    duck: `SELECT COUNT(*), COUNT(DISTINCT k), SUM(v), MIN(d), MAX(s), TRUNC(AVG(v)) FROM a`,
  },
  {
    name: 'aggregates with FILTER (WHERE …)',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'DOUBLE'],
    sql: `SELECT k,
            COUNT(*) FILTER (WHERE v > 50),
            SUM(v) FILTER (WHERE x IS NOT NULL),
            COUNT(DISTINCT x) FILTER (WHERE v < 0),
            MAX(v) FILTER (WHERE s LIKE 'b%'),
            MIN(id) FILTER (WHERE s IS NULL),
            SUM(d) FILTER (WHERE x IN (1, 2, 3))
          FROM a GROUP BY k`,
  },
  {
    name: 'HAVING',
    out: ['BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT k, COUNT(*) AS c, SUM(v) FROM a GROUP BY k HAVING COUNT(*) > 72 AND SUM(v) > 3000 OR MIN(v) > -49`,
  },
  {
    name: 'SELECT DISTINCT',
    out: ['BIGINT', 'BIGINT'],
    sql: `SELECT DISTINCT x, MOD(v, 4) FROM a`,
  },
  {
    name: 'SELECT DISTINCT over strings',
    out: ['STRING', 'BIGINT'],
    sql: `SELECT DISTINCT LOWER(s), x FROM a WHERE k < 20`,
  },

  // --- aggregation over an updating input: retractions reach the aggregate
  {
    name: 'count of counts (retractions into COUNT)',
    out: ['BIGINT', 'BIGINT'],
    sql: `SELECT cnt, COUNT(*) FROM (SELECT k, COUNT(*) AS cnt FROM a GROUP BY k) GROUP BY cnt`,
  },
  {
    name: 'MIN/MAX/SUM/AVG/COUNT DISTINCT over per-key counts that move',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT x, MIN(cnt), MAX(cnt), SUM(cnt), AVG(cnt), COUNT(DISTINCT cnt)
          FROM (SELECT k, x, COUNT(*) AS cnt FROM a GROUP BY k, x) GROUP BY x`,
    duck: `SELECT x, MIN(cnt), MAX(cnt), SUM(cnt), TRUNC(AVG(cnt)), COUNT(DISTINCT cnt)
          FROM (SELECT k, x, COUNT(*) AS cnt FROM a GROUP BY k, x) GROUP BY x`,
  },
  {
    name: 'MAX of per-key minimums (the current extreme is retracted and replaced by a smaller one)',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT MAX(mn), MIN(mx), MAX(mx), MIN(mn) FROM (SELECT k, MIN(v) AS mn, MAX(v) AS mx FROM a GROUP BY k)`,
  },
  {
    name: 'MIN/MAX over moving per-key sums, grouped by a bucket of the sum',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT MOD(k, 3), MIN(sv), MAX(sv), COUNT(*) FROM (SELECT k, SUM(v) AS sv FROM a GROUP BY k) GROUP BY MOD(k, 3)`,
  },
  {
    name: 'HAVING in the inner query deletes keys that grow past it',
    out: ['BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT MOD(c, 5), COUNT(*), MAX(k) FROM (SELECT k, COUNT(*) AS c FROM a GROUP BY k HAVING COUNT(*) < 75) GROUP BY MOD(c, 5)`,
  },

  // --- joins
  {
    name: 'INNER JOIN with duplicates and missing keys',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l JOIN r ON l.k = r.k`,
  },
  {
    name: 'LEFT JOIN',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l LEFT JOIN r ON l.k = r.k`,
  },
  {
    name: 'RIGHT JOIN',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l RIGHT JOIN r ON l.k = r.k`,
  },
  {
    name: 'FULL JOIN',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l FULL OUTER JOIN r ON l.k = r.k`,
  },
  {
    name: 'INNER JOIN with a non-equi residual condition',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l JOIN r ON l.k = r.k AND l.v < r.v`,
  },
  {
    name: 'LEFT JOIN with a non-equi residual condition',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l LEFT JOIN r ON l.k = r.k AND l.v < r.v`,
  },
  {
    name: 'RIGHT JOIN with a non-equi residual condition',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l RIGHT JOIN r ON l.k = r.k AND l.v < r.v`,
  },
  {
    name: 'FULL JOIN with a non-equi residual condition',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l FULL JOIN r ON l.k = r.k AND l.v < r.v`,
  },
  {
    name: 'INNER JOIN on a STRING key (NULL and the empty string)',
    out: ['BIGINT', 'BIGINT', 'STRING'],
    sql: `SELECT l.id, r.id, r.name FROM l JOIN r ON l.tag = r.name`,
  },
  {
    name: 'FULL JOIN on two keys (NULLs in either)',
    out: JOIN_OUT,
    sql: `SELECT ${JOIN_COLS} FROM l FULL JOIN r ON l.k = r.k AND l.tag = r.name`,
  },
  {
    name: 'comma join with the condition in WHERE',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'STRING'],
    sql: `SELECT l.id, r.id, l.v + r.v, r.name FROM l, r WHERE l.k = r.k AND l.v > r.v AND r.name IS NOT NULL`,
  },
  {
    name: 'join of a GROUP BY result (updating) with a table',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'STRING'],
    sql: `SELECT c.k, c.cnt, c.total, r.id, r.name FROM (SELECT k, COUNT(*) AS cnt, SUM(v) AS total FROM l GROUP BY k) c JOIN r ON c.k = r.k`,
  },
  {
    name: 'FULL JOIN of a GROUP BY result (updating) with a table, residual on the count',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT c.k, c.cnt, r.id, r.v FROM (SELECT k, COUNT(*) AS cnt FROM l GROUP BY k) c FULL JOIN r ON c.k = r.k AND c.cnt < r.v`,
  },
  {
    name: 'LEFT JOIN of two GROUP BY results (both updating)',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT x.k, x.cnt, y.cnt, y.mx FROM (SELECT k, COUNT(*) AS cnt FROM l GROUP BY k) x
          LEFT JOIN (SELECT k, COUNT(*) AS cnt, MAX(v) AS mx FROM r GROUP BY k) y ON x.k = y.k`,
  },
  {
    name: 'GROUP BY over a LEFT JOIN (padded rows retracted into the aggregate)',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT l.k, COUNT(*), COUNT(r.id), SUM(r.v), MAX(r.v) FROM l LEFT JOIN r ON l.k = r.k GROUP BY l.k`,
  },

  // --- UNION ALL
  {
    name: 'UNION ALL of two tables into a GROUP BY',
    out: ['BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT k, COUNT(*), SUM(v), MIN(v), MAX(v) FROM (SELECT k, v FROM l UNION ALL SELECT k, v FROM r) GROUP BY k`,
  },
  {
    name: 'UNION ALL of two GROUP BY results (updating) into a GROUP BY',
    out: ['BIGINT', 'BIGINT', 'BIGINT'],
    sql: `SELECT cnt, COUNT(*), MAX(k) FROM (
            SELECT k, COUNT(*) AS cnt FROM l GROUP BY k UNION ALL SELECT k, COUNT(*) AS cnt FROM r GROUP BY k
          ) GROUP BY cnt`,
  },

  // --- scalar expressions
  {
    name: 'projection: CASE, CAST, integer / and MOD, COALESCE',
    out: ['BIGINT', 'STRING', 'DOUBLE', 'BIGINT', 'BIGINT', 'BIGINT', 'BIGINT', 'STRING', 'BOOLEAN'],
    sql: `SELECT id,
            CASE WHEN v < 0 THEN 'neg' WHEN v < 50 THEN 'low' WHEN v IS NULL THEN 'none' ELSE 'high' END,
            CAST(v AS DOUBLE) / 8,
            CAST(d AS BIGINT),
            v / 7,
            MOD(v, 7),
            COALESCE(x, v, -1),
            CAST(k AS STRING),
            v BETWEEN x AND 100
          FROM a`,
    duck: `SELECT id,
            CASE WHEN v < 0 THEN 'neg' WHEN v < 50 THEN 'low' WHEN v IS NULL THEN 'none' ELSE 'high' END,
            CAST(v AS DOUBLE) / 8,
            CAST(TRUNC(d) AS BIGINT),
            v // 7,
            MOD(v, 7),
            COALESCE(x, v, -1),
            CAST(k AS STRING),
            v BETWEEN x AND 100
          FROM a`,
  },
  {
    name: 'projection: LOWER, UPPER, SUBSTRING, CONCAT, ||, CHAR_LENGTH',
    out: ['BIGINT', 'STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'BIGINT'],
    sql: `SELECT id, LOWER(s), UPPER(s), SUBSTRING(s, 2, 3), SUBSTRING(s, 3), CONCAT(s, '#', CAST(x AS STRING)),
            s || '!' || CAST(k AS STRING), CHAR_LENGTH(s)
          FROM a`,
    duck: `SELECT id, LOWER(s), UPPER(s), SUBSTRING(s, 2, 3), SUBSTRING(s, 3), s || '#' || CAST(x AS STRING),
            s || '!' || CAST(k AS STRING), LENGTH(s)
          FROM a`,
  },
  {
    name: 'filters: LIKE, IN, NOT IN, BETWEEN, NOT BETWEEN, CASE, three-valued logic',
    out: ['BIGINT', 'BIGINT', 'STRING'],
    sql: `SELECT id, v, s FROM a
          WHERE (s LIKE '%an%' OR s LIKE '_a%' OR s NOT LIKE '%e%')
            AND (k IN (1, 2, 3, 5, 8, 13, 21, 34) OR x NOT IN (0, 9))
            AND (v BETWEEN 10 AND 120 OR d NOT BETWEEN -50 AND 50)
            AND CASE WHEN MOD(id, 3) = 0 THEN x IS NULL ELSE TRUE END`,
  },
  {
    name: 'scalar expressions feeding a GROUP BY key and aggregates',
    out: ['STRING', 'BIGINT', 'BIGINT', 'STRING'],
    sql: `SELECT UPPER(SUBSTRING(COALESCE(s, 'zz'), 1, 1)), COUNT(*), SUM(CASE WHEN v > 0 THEN v ELSE 0 END),
            MAX(LOWER(s) || '/' || CAST(MOD(id, 10) AS STRING))
          FROM a WHERE v IS NOT NULL GROUP BY UPPER(SUBSTRING(COALESCE(s, 'zz'), 1, 1))`,
  },
];

// ---------------------------------------------------------------------------------------------------------
// Running both sides.

let dir = '';
let specs: TableSpec[] = [];
let duckdb: DuckDBInstance | undefined;
let duck: DuckDBConnection | undefined;
const expected = new Map<string, Promise<Map<string, number>>>();
let runCounter = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weir-oracle-'));
  specs = tables();
  duckdb = await DuckDBInstance.create(':memory:', { threads: '2' });
  duck = await duckdb.connect();
  for (const t of specs) {
    // Two files per table: the folder source reads them in name order, and splits them at parallelism 2.
    mkdirSync(join(dir, 'in', t.name), { recursive: true });
    const lines = t.rows.map((r) => JSON.stringify(r));
    const half = Math.floor(lines.length / 2);
    writeFileSync(join(dir, 'in', t.name, 'part-1.jsonl'), lines.slice(0, half).join('\n') + '\n');
    writeFileSync(join(dir, 'in', t.name, 'part-2.jsonl'), lines.slice(half).join('\n') + '\n');
    const columns = t.columns.map(([n, ty]) => `${n}: '${ty === 'STRING' ? 'VARCHAR' : ty}'`).join(', ');
    await duck.run(
      `CREATE TABLE ${t.name} AS SELECT * FROM read_json('${join(dir, 'in', t.name)}/*.jsonl',
         format = 'newline_delimited', columns = {${columns}})`,
    );
  }
});

afterAll(() => {
  duck?.closeSync();
  duckdb?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A result value in a form both sides agree on: integers as numbers, other doubles to 12 digits. */
function normalize(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isInteger(v) ? v + 0 : Number(v.toPrecision(12));
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return normalize(Number(String(v))); // DECIMAL values and the like
}

function addRow(rows: Map<string, number>, values: readonly unknown[], n = 1): void {
  const key = JSON.stringify(values.map(normalize));
  rows.set(key, (rows.get(key) ?? 0) + n);
}

function oracle(c: OracleCase): Promise<Map<string, number>> {
  let p = expected.get(c.name);
  if (!p) {
    p = (async () => {
      const reader = await duck!.runAndReadAll(c.duck ?? c.sql);
      expect(reader.columnCount, 'DuckDB column count').toBe(c.out.length);
      const rows = new Map<string, number>();
      for (const r of reader.getRowsJS()) addRow(rows, r);
      return rows;
    })();
    expected.set(c.name, p);
  }
  return p;
}

interface WeirRun {
  readonly rows: Map<string, number>;
  readonly checkpoints: number;
  readonly partFiles: number;
}

async function runWeir(c: OracleCase, config: RunConfig): Promise<WeirRun> {
  const out = join(dir, 'out', `run-${++runCounter}`);
  const ddl = specs
    .map(
      (t) =>
        `CREATE TABLE ${t.name} (${t.columns.map(([n, ty]) => `${n} ${ty}`).join(', ')})
           WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in', t.name)}', 'format' = 'json');`,
    )
    .join('\n');
  const script = `
    SET 'parallelism.default' = '${config.parallelism}';
    ${config.checkpointing ? `SET 'execution.checkpointing.interval' = '50ms'; SET 'weir.batch-size' = '8';` : ''}
    ${ddl}
    CREATE TABLE sink (${c.out.map((ty, i) => `c${i} ${ty}`).join(', ')})
      WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'changelog-json');
    INSERT INTO sink ${c.sql};`;
  const job = compileJob(script, 'oracle');
  const logs: string[] = [];
  // With checkpointing, job time advances 1 ms per task step: a few thousand rows take far less than 50 ms of
  // wall-clock time, so on the system clock only the final checkpoint would happen. On this clock barriers
  // enter mid-stream, deterministically, every 50 steps.
  const time = config.checkpointing ? steppedClock() : undefined;
  const runner = await runJob(job, {
    connectors: registerNodeConnectors(builtinConnectors()),
    storage: new MemoryCheckpointStorage(),
    clock: time?.clock,
    beforeStep: time?.tick,
    print: (line) => logs.push(line),
    log: (message) => logs.push(message),
  });
  const result = await runner.done;
  expect(result, logs.join('\n')).toEqual({ status: 'FINISHED' });
  const rows = new Map<string, number>();
  for (const [data, n] of committedRows(out)) addRow(rows, Object.values(JSON.parse(data) as object), n);
  return {
    rows,
    checkpoints: runner.checkpoints().filter((s) => s.status === 'COMPLETED').length,
    partFiles: readdirSync(out).filter((f) => f.startsWith('part-')).length,
  };
}

/** What differs between two multisets of rows: rows with their surplus count on each side (first 10 each). */
function difference(actual: Map<string, number>, wanted: Map<string, number>) {
  const surplus = (x: Map<string, number>, y: Map<string, number>) =>
    [...x]
      .filter(([row, n]) => n > (y.get(row) ?? 0))
      .map(([row, n]) => `${n - (y.get(row) ?? 0)}× ${row}`)
      .sort()
      .slice(0, 10);
  return { onlyInWeir: surplus(actual, wanted), onlyInDuckDB: surplus(wanted, actual) };
}

const total = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);

describe('streaming operators agree with DuckDB', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      for (const config of CONFIGS) {
        it(config.name, async () => {
          const wanted = await oracle(c);
          expect(total(wanted), 'the oracle result is not empty').toBeGreaterThan(0);
          const run = await runWeir(c, config);
          expect(difference(run.rows, wanted)).toEqual({ onlyInWeir: [], onlyInDuckDB: [] });
          expect(total(run.rows)).toBe(total(wanted));
          if (config.checkpointing) {
            // A periodic checkpoint completed mid-stream besides the final one, so the committed changelog
            // spans several part files, replayed in name order.
            expect(run.checkpoints).toBeGreaterThanOrEqual(2);
            expect(run.partFiles).toBeGreaterThanOrEqual(2);
          }
        });
      }
    });
  }
});
