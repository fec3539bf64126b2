// Changelog input (debezium-json and changelog-json files with a PRIMARY KEY) aggregated by weir against DuckDB over the
// same change log: the table a key's last change leaves, grouped in plain batch SQL. The log is noisy on purpose
// (updates and deletes of keys never inserted, repeated inserts), which ChangelogNormalize must absorb as Flink does.
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

const KEYS = 400;
const EVENTS = 20_000;
const CATS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

interface Item {
  readonly id: number;
  readonly cat: string;
  readonly amount: number;
}

/** One change as the oracle sees it: `+` leaves `row` as the key's value, `-` removes the key. */
interface LogEntry {
  readonly seq: number;
  readonly op: '+' | '-';
  readonly row: Item;
}

interface Inputs {
  readonly debezium: string[];
  readonly changelog: string[];
  readonly log: LogEntry[];
}

/**
 * A random change log over KEYS keys, as Debezium events and as changelog-json lines, with the log the oracle
 * reads. Besides inserts, updates and deletes of existing keys it has updates and deletes of absent keys and
 * inserts of keys that exist (the same row again, or another one).
 */
function changes(seed: number): Inputs {
  const rnd = prng(seed);
  const state = new Map<number, Item>();
  const debezium: string[] = [];
  const changelog: string[] = [];
  const log: LogEntry[] = [];
  const item = (id: number): Item => ({
    id,
    cat: CATS[Math.floor(rnd() * CATS.length)]!,
    amount: Math.floor(rnd() * 1000) - 100,
  });
  const add = (op: '+' | '-', row: Item) => log.push({ seq: log.length, op, row });
  for (let i = 0; i < EVENTS; i++) {
    const id = Math.floor(rnd() * KEYS);
    const before = state.get(id);
    const r = rnd();
    if (before === undefined) {
      if (r < 0.8) {
        const after = item(id);
        debezium.push(JSON.stringify({ before: null, after, op: r < 0.1 ? 'r' : 'c' }));
        changelog.push(JSON.stringify({ op: '+I', data: after }));
        add('+', after);
        state.set(id, after);
      } else if (r < 0.9) {
        // A delete of a key never inserted (or already deleted): nothing changes.
        const ghost = item(id);
        debezium.push(JSON.stringify({ before: ghost, after: null, op: 'd' }));
        changelog.push(JSON.stringify({ op: '-D', data: ghost }));
      } else {
        // An update of an absent key: the -U changes nothing, the +U inserts.
        const ghost = item(id);
        const after = item(id);
        debezium.push(JSON.stringify({ before: ghost, after, op: 'u' }));
        changelog.push(JSON.stringify({ op: '-U', data: ghost }), JSON.stringify({ op: '+U', data: after }));
        add('+', after);
        state.set(id, after);
      }
    } else if (r < 0.1) {
      // An insert of a key that exists: the same row (nothing changes) or another (an update).
      const after = r < 0.05 ? before : item(id);
      debezium.push(JSON.stringify({ before: null, after, op: 'c' }));
      changelog.push(JSON.stringify({ op: '+I', data: after }));
      add('+', after);
      state.set(id, after);
    } else if (r < 0.7) {
      const after = item(id);
      debezium.push(JSON.stringify({ before, after, op: 'u', ts_ms: 1700000000000 + i }));
      changelog.push(JSON.stringify({ op: '-U', data: before }), JSON.stringify({ op: '+U', data: after }));
      add('-', before);
      add('+', after);
      state.set(id, after);
    } else {
      debezium.push(JSON.stringify({ before, after: null, op: 'd', source: { table: 'items' } }));
      changelog.push(JSON.stringify({ op: '-D', data: before }));
      add('-', before);
      state.delete(id);
    }
  }
  return { debezium, changelog, log };
}

const QUERY = `SELECT cat, COUNT(*) AS n, SUM(amount) AS total, MAX(amount) AS top, MIN(amount) AS low
  FROM items GROUP BY cat`;

/** The same query in DuckDB over the table the log leaves: each key's last change, if it is not a removal. */
const ORACLE = `
  WITH last AS (
    SELECT * FROM log QUALIFY row_number() OVER (PARTITION BY id ORDER BY seq DESC) = 1
  )
  SELECT cat, count(*), sum(amount), max(amount), min(amount) FROM last WHERE op = '+' GROUP BY cat`;

let dir = '';
let duckdb: DuckDBInstance | undefined;
let duck: DuckDBConnection | undefined;
let inputs: Inputs;
let wanted: Rows;
let runs = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weir-changelog-oracle-'));
  inputs = changes(7);
  writeFileSync(join(dir, 'items.debezium.jsonl'), inputs.debezium.join('\n') + '\n');
  writeFileSync(
    join(dir, 'items.debezium-schema.jsonl'),
    inputs.debezium.map((l) => `{"schema":{"type":"struct"},"payload":${l}}`).join('\n') + '\n',
  );
  writeFileSync(join(dir, 'items.changelog.jsonl'), inputs.changelog.join('\n') + '\n');
  const logFile = join(dir, 'log.jsonl');
  writeFileSync(
    logFile,
    inputs.log.map((e) => JSON.stringify({ seq: e.seq, op: e.op, ...e.row })).join('\n') + '\n',
  );
  duckdb = await DuckDBInstance.create(':memory:', { threads: '2' });
  duck = await duckdb.connect();
  await duck.run(
    `CREATE TABLE log AS SELECT * FROM read_json('${logFile}', format = 'newline_delimited',
       columns = {seq: 'BIGINT', op: 'VARCHAR', id: 'BIGINT', cat: 'VARCHAR', amount: 'BIGINT'})`,
  );
  wanted = new Map();
  for (const r of (await duck.runAndReadAll(ORACLE)).getRowsJS()) addRow(wanted, r);
});

afterAll(() => {
  duck?.closeSync();
  duckdb?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Variant {
  readonly name: string;
  readonly settings: readonly string[];
}

const VARIANTS: readonly Variant[] = [
  { name: 'hashmap, p=1', settings: [] },
  {
    name: 'rocksdb, p=2, checkpoints mid-stream, batches of 128',
    settings: [
      `'parallelism.default' = '2'`,
      `'state.backend.type' = 'rocksdb'`,
      `'weir.state.rocksdb.cache-entries' = '64'`,
      `'weir.batch-size' = '128'`,
      `'execution.checkpointing.interval' = '60ms'`,
    ],
  },
];

/** Runs `sql` in-process to its end (job time stepped 1 ms per task step) and returns its committed output. */
async function run(sql: string, variant: Variant, out: string): Promise<{ rows: Rows; checkpoints: number }> {
  const settings = [...variant.settings, `'state.backend.rocksdb.localdir' = '${join(dir, 'rocksdb')}'`];
  const job = compileJob(`${settings.map((s) => `SET ${s};`).join('\n')}\n${sql}`, `changelog-${++runs}`);
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
  return {
    rows: sinkRows(out),
    checkpoints: runner.checkpoints().filter((c) => c.status === 'COMPLETED').length,
  };
}

const SINK = (path: string) => `
  CREATE TABLE totals (cat STRING, n BIGINT, total BIGINT, top BIGINT, low BIGINT, PRIMARY KEY (cat) NOT ENFORCED)
    WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'changelog-json');`;

const FORMATS = [
  { name: 'debezium-json', file: 'items.debezium.jsonl', options: `'format' = 'debezium-json'` },
  {
    name: "debezium-json with 'debezium-json.schema-include'",
    file: 'items.debezium-schema.jsonl',
    options: `'format' = 'debezium-json', 'debezium-json.schema-include' = 'true'`,
  },
  { name: 'changelog-json', file: 'items.changelog.jsonl', options: `'format' = 'changelog-json'` },
] as const;

describe('changelog input with a PRIMARY KEY aggregates to DuckDB’s answer over the same changes', () => {
  for (const format of FORMATS) {
    // The schema envelope changes only the parsing: one variant is enough.
    for (const variant of format.file.includes('schema') ? VARIANTS.slice(0, 1) : VARIANTS) {
      it(`${format.name}, ${variant.name}`, async () => {
        expect(total(wanted)).toBe(CATS.length);
        const out = join(dir, `out-${++runs}`);
        const { rows, checkpoints } = await run(
          `CREATE TABLE items (id BIGINT, cat STRING, amount BIGINT, PRIMARY KEY (id) NOT ENFORCED)
             WITH ('connector' = 'filesystem', 'path' = '${join(dir, format.file)}', ${format.options});
           ${SINK(out)}
           INSERT INTO totals ${QUERY};`,
          variant,
          out,
        );
        expect(difference(rows, wanted)).toEqual({ onlyInWeir: [], onlyInOracle: [] });
        if (variant.settings.length > 0) expect(checkpoints).toBeGreaterThanOrEqual(2);
      });
    }
  }

  it('round trip: the changelog-json that weir’s sink committed, read back as a changelog source, is the same table', async () => {
    const first = join(dir, `out-${++runs}`);
    await run(
      `CREATE TABLE items (id BIGINT, cat STRING, amount BIGINT, PRIMARY KEY (id) NOT ENFORCED)
         WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'items.debezium.jsonl')}', 'format' = 'debezium-json');
       ${SINK(first)}
       INSERT INTO totals ${QUERY};`,
      VARIANTS[1]!,
      first,
    );
    // The committed files hold every intermediate result (-U/+U per batch); reading them replays to the end state.
    const second = join(dir, `out-${++runs}`);
    const { rows } = await run(
      `CREATE TABLE committed (cat STRING, n BIGINT, total BIGINT, top BIGINT, low BIGINT, PRIMARY KEY (cat) NOT ENFORCED)
         WITH ('connector' = 'filesystem', 'path' = '${first}', 'format' = 'changelog-json');
       ${SINK(second)}
       INSERT INTO totals SELECT cat, n, total, top, low FROM committed WHERE n > 0;`,
      VARIANTS[0]!,
      second,
    );
    expect(difference(rows, wanted)).toEqual({ onlyInWeir: [], onlyInOracle: [] });
  });
});
