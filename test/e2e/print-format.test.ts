// Values in the print sink and in SELECT results, through the built CLI, as Flink's print connector shows them.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEIR_BIN } from './crash-harness';

let dir = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-print-'));
  fs.writeFileSync(
    path.join(dir, 'in.jsonl'),
    [
      { id: 1, d: '2024-01-01', ts: '2024-01-01 12:00:00', r: { a: 1, b: 'x' }, amount: 1.5, x: 0.25 },
      { id: 2, d: '1999-12-31', ts: '2024-02-29 23:59:59.5', r: null, amount: 10, x: 1e10 },
      { id: 3, d: null, ts: '2024-01-01 00:00:07', r: { a: null, b: 'y' }, amount: null, x: 3 },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n') + '\n',
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(script: string, ...args: string[]): { stdout: string; stderr: string; status: number | null } {
  fs.writeFileSync(path.join(dir, 'job.sql'), script);
  const r = spawnSync(process.execPath, [WEIR_BIN, ...args, 'job.sql'], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.status).toBe(0);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const SOURCE = `CREATE TABLE src (id BIGINT, d DATE, ts TIMESTAMP(3), r ROW<a INT, b STRING>, amount DECIMAL(10, 2), x DOUBLE)
  WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');`;
const COLUMNS = `id, d, ts, CAST(ts AS TIMESTAMP_LTZ(3)) AS ltz, r, amount, x, CAST(NULL AS STRING) AS s, id > 1 AS b`;
const EXPECTED = [
  '+I[1, 2024-01-01, 2024-01-01T12:00, 2024-01-01T12:00:00Z, +I[1, x], 1.50, 0.25, null, false]',
  '+I[2, 1999-12-31, 2024-02-29T23:59:59.500, 2024-02-29T23:59:59.500Z, null, 10.00, 1.0E10, null, true]',
  '+I[3, null, 2024-01-01T00:00:07, 2024-01-01T00:00:07Z, +I[null, y], null, 3.0, null, true]',
];

describe('print format', () => {
  it('prints DATE, TIMESTAMP, TIMESTAMP_LTZ, ROW, DECIMAL, DOUBLE and NULL as Flink does, in the print sink', () => {
    const r = run(
      `${SOURCE}
CREATE TABLE out (id BIGINT, d DATE, ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3), r ROW<a INT, b STRING>,
  amount DECIMAL(10, 2), x DOUBLE, s STRING, b BOOLEAN) WITH ('connector' = 'print');
INSERT INTO out SELECT ${COLUMNS} FROM src;`,
      'run',
    );
    expect(r.stdout.trimEnd().split('\n')).toEqual(EXPECTED);
  });

  it('prints a bare SELECT the same way', () => {
    const r = run(`${SOURCE}\nSELECT ${COLUMNS} FROM src;`, 'run');
    expect(r.stdout.trimEnd().split('\n')).toEqual(EXPECTED);
  });

  it('prefixes lines as Flink does: `identifier> ` at parallelism 1, `identifier:subtask> ` above', () => {
    const sink = (p: number) => `SET 'parallelism.default' = '${p}';
${SOURCE}
CREATE TABLE out (id BIGINT, d DATE) WITH ('connector' = 'print', 'print-identifier' = 'dbg');
INSERT INTO out SELECT id, d FROM src;`;
    expect(run(sink(1), 'run').stdout.trimEnd().split('\n')).toEqual([
      'dbg> +I[1, 2024-01-01]',
      'dbg> +I[2, 1999-12-31]',
      'dbg> +I[3, null]',
    ]);
    const lines = run(sink(2), 'run').stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^dbg:[12]> \+I\[\d, (\d{4}-\d\d-\d\d|null)\]$/);
  });
});
