// `weir export --target flink`: every script in queries/ exports and parses as Flink SQL (dt-sql-parser, an
// independent Flink SQL parser); connector options, settings and weir-only statements map as documented.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FlinkSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { exportFlink } from '../../compiler/export/flink';
import { parse } from '../../grammar/index';
import type { Statement } from '../../grammar/index';

const ROOT = path.resolve(import.meta.dirname, '../..');
const WEIR_BIN = path.join(ROOT, 'bin/weir.js');
const flinkParser = new FlinkSQL();

/** Fails with the exported text and dt-sql-parser's errors when Flink's grammar rejects the text. */
function expectFlinkSql(text: string, what: string): void {
  const errors = flinkParser.validate(text);
  if (errors.length > 0) {
    const messages = errors.map((e) => `  ${e.startLine}:${e.startColumn}: ${e.message}`).join('\n');
    expect.fail(
      `${what}: dt-sql-parser rejects the exported Flink SQL:\n${messages}\n--- exported ---\n${text}`,
    );
  }
}

/** The Flink SQL of a weir script, checked to parse as Flink SQL. */
function flink(script: string): string {
  const result = exportFlink(script, { fileName: 'test.sql' });
  expect(result.diagnostics).toEqual([]);
  expectFlinkSql(result.text, 'the script');
  return result.text;
}

/** The exported WITH options of table `name`, as [key, value] pairs. */
function optionsOf(text: string, name: string): [string, string][] {
  const m = new RegExp(`CREATE TABLE \`?${name}\`? \\([\\s\\S]*?\\) WITH \\(\\n([\\s\\S]*?)\\n\\);`).exec(
    text,
  );
  if (!m) throw new Error(`no CREATE TABLE ${name} in:\n${text}`);
  return m[1]!.split(',\n').map((line) => {
    const kv = /^\s*'((?:[^']|'')*)' = '((?:[^']|'')*)'$/.exec(line);
    if (!kv) throw new Error(`not an option: ${line}`);
    return [kv[1]!.replace(/''/g, "'"), kv[2]!.replace(/''/g, "'")];
  });
}

/** The `-- weir:` notes of the text, each joined onto one line. */
function notes(text: string): string[] {
  return text
    .replace(/\n--  /g, '')
    .split('\n')
    .filter((l) => l.startsWith('-- weir: '))
    .map((l) => l.slice('-- weir: '.length));
}

/** A statement's structure without positions or quoting: what must survive the export unchanged. */
function shape(s: Statement): unknown {
  return JSON.parse(
    JSON.stringify(s, (k, v) =>
      k === 'span' || k === 'quoted'
        ? undefined
        : k === 'frame' || k === 'forSystemTime'
          ? v !== undefined
          : v,
    ),
  );
}

/** INSERT and CREATE VIEW statements whose queries the export prints as they are (no FILTER, no SESSION rewrite). */
function queriesOf(text: string): unknown[] {
  const parsed = parse(text);
  expect(parsed.diagnostics).toEqual([]);
  return parsed.statements
    .map((p) => p.statement)
    .filter((s) => s.kind === 'insert' || s.kind === 'createView')
    .map(shape);
}

function sqlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sqlFiles(path.join(dir, e.name))
        : e.name.endsWith('.sql')
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();
}

describe('every script in queries/', () => {
  const files = sqlFiles(path.join(ROOT, 'queries'));

  it('finds the example and Nexmark scripts', () => {
    expect(files.length).toBeGreaterThanOrEqual(27);
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))(
    '%s exports and parses as Flink SQL',
    (_name, file) => {
      const result = exportFlink(fs.readFileSync(file, 'utf8'), { fileName: file });
      expect(result.diagnostics).toEqual([]);
      expect(result.text).toMatch(/^INSERT INTO /m);
      expectFlinkSql(result.text, file);
    },
  );

  it.each(files.map((f) => [path.relative(ROOT, f), f]))(
    '%s: its queries read back (weir grammar) as the same queries',
    (_name, file) => {
      const source = fs.readFileSync(file, 'utf8');
      const rewritten = (q: unknown) => /"filter":|"name":"SESSION"/i.test(JSON.stringify(q));
      const before = queriesOf(source);
      const after = queriesOf(exportFlink(source).text);
      expect(after.length).toBe(before.length);
      before.forEach((q, i) => {
        if (!rewritten(q)) expect(after[i]).toEqual(q);
      });
    },
  );
});

const NEXMARK_TABLE = `CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, \`dateTime\` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
  \`dateTime\` AS CASE WHEN event_type = 0 THEN person.\`dateTime\` WHEN event_type = 1 THEN auction.\`dateTime\` ELSE bid.\`dateTime\` END,
  WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '4' SECOND
)`;

describe('connector options', () => {
  it('filesystem: json and csv stay, changelog-json becomes debezium-json, relative paths are pointed out', () => {
    const text = flink(`
      CREATE TABLE orders (id BIGINT, customer STRING) WITH ('connector' = 'filesystem', 'path' = 'data/orders.jsonl',
        'format' = 'json', 'format.on-error' = 'skip');
      CREATE TABLE lines (id BIGINT, line STRING) WITH ('connector' = 'filesystem', 'path' = 's3://bucket/lines',
        'format' = 'csv', 'csv.field-delimiter' = ';', 'format.on-error' = 'dead-letter', 'format.dead-letter.path' = 'bad/');
      CREATE TABLE totals (customer STRING, n BIGINT) WITH ('connector' = 'filesystem', 'path' = 'file:///shared/totals',
        'format' = 'changelog-json', 'sink.rolling-policy.rollover-interval' = '1 min');
      INSERT INTO totals SELECT customer, COUNT(*) FROM orders GROUP BY customer;`);
    expect(optionsOf(text, 'orders')).toEqual([
      ['connector', 'filesystem'],
      ['path', 'data/orders.jsonl'],
      ['format', 'json'],
      ['json.ignore-parse-errors', 'true'],
    ]);
    expect(optionsOf(text, 'lines')).toEqual([
      ['connector', 'filesystem'],
      ['path', 's3://bucket/lines'],
      ['format', 'csv'],
      ['csv.field-delimiter', ';'],
    ]);
    expect(optionsOf(text, 'totals')).toEqual([
      ['connector', 'filesystem'],
      ['path', 'file:///shared/totals'],
      ['format', 'debezium-json'],
      ['sink.rolling-policy.rollover-interval', '1 min'],
    ]);
    const said = notes(text);
    expect(said).toContain(
      "'path' = 'data/orders.jsonl' is relative: on a cluster use a location every TaskManager reaches (s3://..., hdfs://..., or file:///shared/...).",
    );
    expect(said.filter((n) => n.includes('is relative'))).toHaveLength(1);
    expect(said).toContain(
      "'format.on-error' = 'skip' becomes 'json.ignore-parse-errors' = 'true': Flink skips bad records without counting them.",
    );
    expect(said).toContain(
      "'format.on-error' = 'dead-letter' is not mapped: Flink has no dead-letter output for formats; bad records fail the job.",
    );
    expect(said).toContain(
      "'format.dead-letter.path' = 'bad/' is not mapped: Flink has no dead-letter output for formats.",
    );
    expect(
      said.some((n) => n.startsWith("'format' = 'changelog-json' becomes Flink's 'debezium-json'")),
    ).toBe(true);
    expect(
      said.some((n) =>
        n.startsWith("Flink's filesystem sink commits files only when a checkpoint completes"),
      ),
    ).toBe(true);
  });

  it('postgres becomes jdbc: a JDBC url, the credentials as options, sink.semantic explained', () => {
    const text = flink(`
      CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100');
      CREATE TABLE totals (k BIGINT, n BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'postgres',
        'url' = 'postgres://app:s%40cret@db.internal:5432/shop?sslmode=require', 'table-name' = 'public.totals',
        'sink.semantic' = 'upsert', 'sink.buffer-flush.max-rows' = '1000');
      CREATE TABLE events (k BIGINT, v BIGINT) WITH ('connector' = 'postgres', 'url' = 'postgresql://127.0.0.1/shop',
        'table-name' = 'events');
      INSERT INTO totals SELECT k, COUNT(*) FROM src GROUP BY k;
      INSERT INTO events SELECT k, v FROM src;`);
    expect(optionsOf(text, 'totals')).toEqual([
      ['connector', 'jdbc'],
      ['url', 'jdbc:postgresql://db.internal:5432/shop?sslmode=require'],
      ['username', 'app'],
      ['password', 's@cret'],
      ['table-name', 'public.totals'],
      ['sink.buffer-flush.max-rows', '1000'],
    ]);
    expect(optionsOf(text, 'events')).toEqual([
      ['connector', 'jdbc'],
      ['url', 'jdbc:postgresql://127.0.0.1/shop'],
      ['table-name', 'events'],
    ]);
    expect(text).toContain('PRIMARY KEY (k) NOT ENFORCED');
    const said = notes(text);
    expect(
      said.some((n) =>
        n.startsWith("'sink.semantic' = 'upsert': Flink's JDBC sink writes by the PRIMARY KEY"),
      ),
    ).toBe(true);
    expect(
      said.some((n) =>
        n.startsWith("weir's default 'exactly-once': without a PRIMARY KEY Flink's JDBC sink appends rows"),
      ),
    ).toBe(true);
    expect(text).toMatch(/^-- Flink needs on its classpath \(lib\/\): flink-connector-jdbc/m);
  });

  it("nexmark: options nexmark-flink understands are kept, a rate limits it, the seed is said to be weir's", () => {
    const text =
      flink(`${NEXMARK_TABLE} WITH ('connector' = 'nexmark', 'events.num' = '1000', 'first-event.rate' = '500',
        'next-event.rate' = '500', 'bid.proportion' = '46', 'seed' = '7');
      CREATE TABLE unpaced ${NEXMARK_TABLE.slice('CREATE TABLE nexmark '.length)} WITH ('connector' = 'nexmark',
        'first-event.rate' = '0');`);
    expect(optionsOf(text, 'nexmark')).toEqual([
      ['connector', 'nexmark'],
      ['events.num', '1000'],
      ['first-event.rate', '500'],
      ['next-event.rate', '500'],
      ['bid.proportion', '46'],
      ['max-emit-speed', 'false'],
    ]);
    expect(optionsOf(text, 'unpaced')).toEqual([['connector', 'nexmark']]);
    expect(notes(text)).toContain(
      "'seed' = '7' is not mapped: nexmark-flink's generator takes no seed; its events differ from weir's.",
    );
    expect(text).toMatch(/^-- Flink needs on its classpath \(lib\/\): the nexmark connector/m);
  });

  it('datagen: options kept, weir string length made explicit, a rate of 0 and the seed pointed out', () => {
    const text = flink(`
      CREATE TABLE clicks (user_id INT, url STRING, tag VARCHAR(5), ts TIMESTAMP(3)) WITH ('connector' = 'datagen',
        'number-of-rows' = '1000', 'rows-per-second' = '0', 'seed' = '3', 'fields.user_id.min' = '1',
        'fields.user_id.max' = '5', 'fields.ts.max-past' = '5 s');
      CREATE TABLE ids (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1');`);
    expect(optionsOf(text, 'clicks')).toEqual([
      ['connector', 'datagen'],
      ['number-of-rows', '1000'],
      ['fields.user_id.min', '1'],
      ['fields.user_id.max', '5'],
      ['fields.ts.max-past', '5 s'],
      ['fields.url.length', '10'],
    ]);
    const said = notes(text);
    expect(said).toContain(
      "'rows-per-second' = '0' is not mapped: Flink's datagen always paces its rows: set a high rate instead of 0.",
    );
    expect(said).toContain(
      "'seed' = '3' is not mapped: Flink's datagen takes no seed; its values differ from weir's.",
    );
  });

  it('print and blackhole keep their names and options', () => {
    const text = flink(`
      CREATE TABLE p (a INT) WITH ('connector' = 'print', 'print-identifier' = 'out', 'standard-error' = 'true');
      CREATE TABLE b (a INT) WITH ('connector' = 'blackhole');`);
    expect(optionsOf(text, 'p')).toEqual([
      ['connector', 'print'],
      ['print-identifier', 'out'],
      ['standard-error', 'true'],
    ]);
    expect(optionsOf(text, 'b')).toEqual([['connector', 'blackhole']]);
    expect(notes(text)).toEqual([]);
  });
});

describe('statements and settings', () => {
  it('weir-only statements become comments saying what to do in Flink', () => {
    const text = flink(`
      CREATE TABLE b (a INT) WITH ('connector' = 'blackhole');
      CHECKPOINT;
      SAVEPOINT TO 'savepoints/before-upgrade';
      SHOW CHECKPOINTS;
      SHOW JOBS;
      STOP JOB 'q5-1' WITH SAVEPOINT;
      SHOW TABLES;
      EXPLAIN RESTORE FROM 'savepoints/x' INSERT INTO b SELECT 1;`);
    expect(notes(text)).toEqual([
      "CHECKPOINT; → in Flink, checkpoints are periodic (SET 'execution.checkpointing.interval'); for a snapshot now, trigger a savepoint with the Flink CLI: flink savepoint <jobId>.",
      "SAVEPOINT TO 'savepoints/before-upgrade'; → in Flink, take one with the Flink CLI: flink savepoint <jobId> savepoints/before-upgrade (or STOP JOB '<jobId>' WITH SAVEPOINT in the SQL client); restore with SET 'execution.state-recovery.path' (Flink 1: 'execution.savepoint.path') before the INSERT, or flink run -s <path>.",
      "SHOW CHECKPOINTS; → in Flink, the web UI's Checkpoints tab of the job, or the REST API: GET /jobs/<jobId>/checkpoints.",
      'SHOW JOBS; → in Flink, the SQL client (Flink 1.17+) has SHOW JOBS; or the CLI: flink list.',
      "STOP JOB 'q5-1' WITH SAVEPOINT; → in Flink, the SQL client (Flink 1.17+) has STOP JOB '<jobId>' WITH SAVEPOINT, or the CLI: flink stop <jobId>; Flink's job ids are generated, not weir's names (find them with SHOW JOBS or flink list).",
      "EXPLAIN RESTORE FROM 'savepoints/x' INSERT INTO b SELECT 1; → in Flink, a job started from a savepoint (flink run -s <path>) is checked against it at start; state no operator claims fails it unless 'execution.state-recovery.ignore-unclaimed-state' = 'true' (Flink 1: 'execution.savepoint.ignore-unclaimed-state', or flink run --allowNonRestoredState).",
    ]);
    expect(text).toMatch(/^SHOW TABLES;$/m);
    expect(text).not.toMatch(/^(CHECKPOINT|SAVEPOINT|STOP|SHOW JOBS|SHOW CHECKPOINTS)/m);
  });

  it('EXPLAIN, views and DROP print as Flink statements (a temporary view is dropped as one)', () => {
    const text = flink(`
      CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5');
      CREATE TABLE b (a INT) WITH ('connector' = 'blackhole');
      CREATE TEMPORARY VIEW v AS SELECT a FROM t WHERE a > 0;
      CREATE VIEW IF NOT EXISTS w AS SELECT a FROM v UNION ALL SELECT a FROM t;
      EXPLAIN VERBOSE INSERT INTO b SELECT a FROM w;
      SELECT DISTINCT a FROM v;
      DROP VIEW v;
      DROP VIEW IF EXISTS w;
      DROP TABLE b;`);
    expect(text).toContain('CREATE TEMPORARY VIEW v AS\nSELECT a\nFROM t\nWHERE a > 0;');
    expect(text).toContain('CREATE VIEW IF NOT EXISTS w AS\nSELECT a\nFROM v\nUNION ALL\nSELECT a\nFROM t;');
    expect(text).toContain('EXPLAIN INSERT INTO b\nSELECT a\nFROM w;');
    expect(text).toContain('SELECT DISTINCT a\nFROM v;');
    expect(text).toContain('DROP TEMPORARY VIEW v;\n\nDROP VIEW IF EXISTS w;\n\nDROP TABLE b;');
    expect(notes(text)[0]).toMatch(
      /^EXPLAIN VERBOSE lists weir's optimizer rules; Flink's EXPLAIN takes details/,
    );
  });

  it('Flink configuration keys pass through as SET; weir-only keys and restores become comments', () => {
    const text = flink(`
      SET 'state.backend.type' = 'rocksdb';
      SET 'execution.checkpointing.interval' = '2s';
      SET 'execution.checkpointing.dir' = 'file://.weir/checkpoints';
      SET 'state.checkpoints.dir' = 's3://bucket/checkpoints';
      SET 'weir.workers' = '2';
      SET 'execution.state-recovery.path' = 'savepoints/x';
      RESET 'weir.batch-size';
      RESET 'parallelism.default';`);
    const sets = text.split('\n').filter((l) => /^(SET|RESET) /.test(l));
    expect(sets).toEqual([
      "SET 'state.backend.type' = 'rocksdb';",
      "SET 'execution.checkpointing.interval' = '2s';",
      "SET 'execution.checkpointing.dir' = 'file://.weir/checkpoints';",
      "SET 'state.checkpoints.dir' = 's3://bucket/checkpoints';",
      "RESET 'parallelism.default';",
    ]);
    const said = notes(text);
    expect(said).toContain(
      "Flink before 1.20 names this key 'state.checkpoints.dir'. 'file://.weir/checkpoints' is relative: on a cluster use a durable location that the JobManager and every TaskManager reach (s3://..., hdfs://..., or file:///shared/...).",
    );
    expect(said).toContain(
      "SET 'weir.workers' = '2' is weir-only: worker threads for parallelism > 1 (default: the number of cores). In Flink: subtasks run in task slots ('taskmanager.numberOfTaskSlots' per TaskManager).",
    );
    expect(
      said.some((n) =>
        n.startsWith("SET 'execution.state-recovery.path' = 'savepoints/x': Flink cannot restore"),
      ),
    ).toBe(true);
    expect(said.some((n) => n.startsWith("RESET 'weir.batch-size' is weir-only"))).toBe(true);
  });

  it('keeps backquoted names quoted (Flink rejects unquoted dateTime) and quotes reserved words', () => {
    const text = flink(`
      ${NEXMARK_TABLE} WITH ('connector' = 'nexmark');
      CREATE TABLE s (\`day\` STRING, \`value\` BIGINT, dateTime TIMESTAMP(3), plain BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO s SELECT DATE_FORMAT(\`dateTime\`, 'yyyy-MM-dd') AS \`day\`, bid.price AS \`value\`, \`dateTime\`, bid.bidder
        FROM nexmark WHERE event_type = 2;`);
    expect(text).toContain('`dateTime` TIMESTAMP(3),\n  plain BIGINT');
    expect(text).toContain('`day` STRING,\n  `value` BIGINT');
    expect(text).toContain(
      "SELECT DATE_FORMAT(`dateTime`, 'yyyy-MM-dd') AS `day`, bid.price AS `value`, `dateTime`, bid.bidder",
    );
    expect(text).toContain("WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND");
    expect(text).not.toMatch(/[^`]dateTime[^`]/);
  });

  it('keeps the meaning of expressions: parentheses where precedence needs them', () => {
    const text = flink(`
      CREATE TABLE t (a INT, b INT, c INT, s STRING) WITH ('connector' = 'datagen');
      CREATE TABLE o (x INT, y INT, z BOOLEAN, w STRING) WITH ('connector' = 'blackhole');
      INSERT INTO o SELECT (a + b) * c, a - (b - c), NOT (a > 1 OR b < 2) AND c IS NOT NULL, (s || 'x') || CAST(a + 1 AS STRING)
        FROM t WHERE a BETWEEN -1 AND b + 1 AND s NOT LIKE 'x%' AND c NOT IN (1, 2);`);
    expect(text).toContain(
      [
        '  (a + b) * c,',
        '  a - (b - c),',
        '  NOT (a > 1 OR b < 2) AND c IS NOT NULL,',
        "  s || 'x' || CAST(a + 1 AS STRING)",
      ].join('\n'),
    );
    expect(text).toContain("WHERE a BETWEEN -1 AND b + 1 AND s NOT LIKE 'x%' AND c NOT IN (1, 2)");
  });

  it('prints literals and niladic functions as Flink reads them', () => {
    const text = flink(`
      CREATE TABLE t (a INT, ts TIMESTAMP(3)) WITH ('connector' = 'datagen');
      SELECT -(a + 1), - - a, 'it''s', 1.5e3, TRUE, NULL, CAST(a AS DECIMAL(10, 2)), CURRENT_TIMESTAMP
        FROM t WHERE ts > CURRENT_TIMESTAMP - INTERVAL '1' DAYS AND ts + -INTERVAL '4' SECOND < TIMESTAMP '2030-01-01 00:00:00';`);
    expect(text).toContain(
      "SELECT -(a + 1), -(-a), 'it''s', 1.5e3, TRUE, NULL, CAST(a AS DECIMAL(10, 2)), CURRENT_TIMESTAMP\n",
    );
    expect(text).toContain(
      "WHERE ts > CURRENT_TIMESTAMP - INTERVAL '1' DAY AND ts + INTERVAL '-4' SECOND < TIMESTAMP '2030-01-01 00:00:00';",
    );
  });

  it('writes FILTER as CASE WHEN and a SESSION window aggregate as a group window, saying so', () => {
    const text = flink(`
      ${NEXMARK_TABLE} WITH ('connector' = 'nexmark');
      CREATE VIEW bid AS SELECT bid.bidder, bid.price, \`dateTime\` FROM nexmark WHERE event_type = 2;
      CREATE TABLE o (bidder BIGINT, n BIGINT, cheap BIGINT, s TIMESTAMP(3), e TIMESTAMP(3)) WITH ('connector' = 'blackhole');
      INSERT INTO o SELECT bidder, COUNT(*), COUNT(DISTINCT price) FILTER (WHERE price < 10), window_start, window_end
        FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(\`dateTime\`), INTERVAL '10' SECOND))
        GROUP BY bidder, window_start, window_end;`);
    expect(text).toContain(
      [
        'SELECT',
        '  bidder,',
        '  COUNT(*),',
        '  COUNT(DISTINCT CASE WHEN price < 10 THEN price END),',
        "  SESSION_START(`dateTime`, INTERVAL '10' SECOND) AS window_start,",
        "  SESSION_END(`dateTime`, INTERVAL '10' SECOND) AS window_end",
        'FROM bid',
        "GROUP BY bidder, SESSION(`dateTime`, INTERVAL '10' SECOND)",
      ].join('\n'),
    );
    expect(notes(text).map((n) => n.slice(0, 40))).toEqual([
      'The SESSION window table function is wri',
      'FILTER (WHERE c) is written as CASE WHEN',
    ]);
  });

  it("keeps the script's comments: before a statement, at the ends of its columns and options, inside it (moved above it), after its ';'", () => {
    const text = flink(
      [
        '-- header',
        '',
        "SET 'parallelism.default' = '2'; -- two subtasks",
        '/* block */',
        'CREATE TABLE b (',
        '  a INT -- the only column',
        ") WITH ('connector' = 'print', -- to the terminal",
        "  'print-identifier' = 'b');",
        'INSERT INTO b',
        '-- a constant',
        'SELECT 1;',
        '-- the end',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '-- header',
        "SET 'parallelism.default' = '2'; -- two subtasks",
        '',
        '/* block */',
        'CREATE TABLE b (',
        '  a INT -- the only column',
        ') WITH (',
        "  'connector' = 'print', -- to the terminal",
        "  'print-identifier' = 'b'",
        ');',
        '',
        '-- a constant',
        'INSERT INTO b',
        'SELECT 1;',
        '',
        '-- the end',
        '',
      ].join('\n'),
    );
  });

  it('returns syntax errors with their position and exports nothing', () => {
    const result = exportFlink("SET 'a' = 'b';\nSELECT a FORM t;");
    expect(result.text).toBe('');
    expect(result.diagnostics.map((d) => `${d.span.line}:${d.span.column}`)).toEqual(['2:10']);
  });
});

describe('weir export --target flink (the built CLI)', () => {
  const weir = (...args: string[]) =>
    spawnSync(process.execPath, [WEIR_BIN, 'export', ...args], { encoding: 'utf8' });

  it('prints a query file as Flink SQL and exits 0', () => {
    const r = weir('--target', 'flink', path.join(ROOT, 'queries/nexmark/q5.sql'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^-- Flink SQL exported by `weir export --target flink` from q5\.sql\./);
    expect(r.stdout).toContain("'connector' = 'nexmark'");
    expect(r.stdout).toContain('INSERT INTO nexmark_q5\n');
    expectFlinkSql(r.stdout, 'weir export q5.sql');
  });

  it('says so when the file is missing (exit 1)', () => {
    const r = weir('--target=flink', 'no-such-file.sql');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("weir: cannot read 'no-such-file.sql': no such file");
    expect(r.stdout).toBe('');
  });

  it('reports syntax errors as file:line:col (exit 1)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-export-'));
    const file = path.join(dir, 'bad.sql');
    fs.writeFileSync(file, "SET 'a' = 'b';\nSELECT a FORM t;\n");
    try {
      const r = weir('--target', 'flink', file);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:10: error: `));
      expect(r.stdout).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown or missing --target (exit 2)', () => {
    const file = path.join(ROOT, 'queries/nexmark/q0.sql');
    const spark = weir('--target', 'spark', file);
    expect(spark.status).toBe(2);
    expect(spark.stderr).toMatch(/^weir export: unknown target 'spark'; the only target is 'flink'\n/);
    const none = weir(file);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^weir export: expected --target flink\n/);
  });
});
