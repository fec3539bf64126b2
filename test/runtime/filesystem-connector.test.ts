// The filesystem connector: JSON/CSV reading, offsets, splits, bad records, tailing, and the two-phase-commit sink.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TableDef } from '../../compiler/catalog';
import { T, type Field, type SqlType } from '../../compiler/types';
import { ManualClock } from '../../runtime/clock';
import type { ConnectorContext } from '../../runtime/connectors/connector';
import { RowKind, insertBatch, type Row } from '../../runtime/messages';
import { FilesystemWriter } from '../../runtime/node/connectors/filesystem-sink';
import { FilesystemReader, type FilesystemOffset } from '../../runtime/node/connectors/filesystem-source';
import { newMetrics } from '../../runtime/operator';

let dir = '';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-fs-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const span = { start: 0, end: 0, line: 1, column: 1 };

function table(columns: readonly Field[], options: Record<string, string>): TableDef {
  return {
    name: 't',
    columns,
    physical: columns.map((_, i) => i),
    computed: [],
    primaryKey: [],
    connector: 'filesystem',
    options: { connector: 'filesystem', ...options },
    span,
  };
}

interface TestContext extends ConnectorContext {
  readonly logs: string[];
}

function context(
  o: { subtaskIndex?: number; parallelism?: number; attempt?: number; clock?: ManualClock } = {},
): TestContext {
  const logs: string[] = [];
  return {
    jobName: 'test',
    uid: 'test-connector',
    subtaskIndex: o.subtaskIndex ?? 0,
    parallelism: o.parallelism ?? 1,
    attempt: o.attempt ?? 0,
    clock: o.clock ?? new ManualClock(0),
    metrics: newMetrics(),
    batchSize: 1024,
    print: () => {},
    log: (m) => logs.push(m),
    logs,
  };
}

const f = (name: string, type: SqlType): Field => ({ name, type });

/** Polls until 'end' (or 'idle'), at most `max` rows a poll. */
function drain(r: FilesystemReader, max = 1000): Row[] {
  const out: Row[] = [];
  for (;;) {
    const p = r.poll(max);
    if (p === 'end' || p === 'idle') return out;
    out.push(...(Array.isArray(p) ? p : p.rows));
  }
}

function reader(
  columns: readonly Field[],
  options: Record<string, string>,
  ctx: ConnectorContext = context(),
  restored?: unknown,
): FilesystemReader {
  const r = new FilesystemReader(table(columns, options), columns);
  r.open(ctx, restored);
  return r;
}

const ts = (s: string) => Date.parse(s);

describe('filesystem source: JSON', () => {
  const cols = [
    f('id', T.bigint()),
    f('n', T.int()),
    f('price', T.double()),
    f('amount', T.decimal(10, 2)),
    f('ok', T.boolean()),
    f('name', T.string()),
    f('at', T.timestamp(3)),
    f('addr', {
      kind: 'ROW',
      fields: [
        { name: 'city', type: T.string() },
        { name: 'zip', type: T.int() },
      ],
      nullable: true,
    }),
  ];

  it('reads types, nested ROWs, timestamps, missing fields, CRLF, empty lines and an unterminated last line', () => {
    const file = path.join(dir, 'data.jsonl');
    fs.writeFileSync(
      file,
      [
        '{"id": 1, "n": 2, "price": 1.5, "amount": 3.456, "ok": true, "name": "a", "at": "2024-03-01 12:00:00.250", "addr": {"city": "Oslo", "zip": 150}}',
        '',
        '{"id": "7", "n": "-3", "price": "2e3", "amount": "10", "ok": "false", "name": 5, "at": "2024-03-01T12:00:00Z"}\r',
        '   ',
        '{"id": 9, "at": 1709294400000, "addr": {"city": "Bergen"}}',
      ].join('\n'),
    );
    const rows = drain(reader(cols, { path: file, format: 'json' }));
    expect(rows).toEqual([
      [1, 2, 1.5, 3.46, true, 'a', ts('2024-03-01T12:00:00.250Z'), ['Oslo', 150]],
      [7, -3, 2000, 10, false, '5', ts('2024-03-01T12:00:00Z'), null],
      [9, null, null, null, null, null, 1709294400000, ['Bergen', null]],
    ]);
  });

  it('reads ISO timestamps with an offset and truncates to the declared precision', () => {
    const file = path.join(dir, 'ts.jsonl');
    fs.writeFileSync(file, '{"a": "2024-03-01T14:00:00.999+02:00", "b": "2024-03-01 12:00:00.999"}\n');
    const rows = drain(
      reader([f('a', T.timestamp(3)), f('b', T.timestamp(0))], { path: file, format: 'json' }),
    );
    expect(rows).toEqual([[ts('2024-03-01T12:00:00.999Z'), ts('2024-03-01T12:00:00Z')]]);
  });

  it('reports a missing path clearly', () => {
    const missing = path.join(dir, 'nope');
    expect(() => reader(cols, { path: missing, format: 'json' })).toThrow(
      `filesystem source: path '${missing}' does not exist`,
    );
  });

  it('polls at most max rows', () => {
    const file = path.join(dir, 'd.jsonl');
    fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => `{"id": ${i}}`).join('\n'));
    const r = reader([f('id', T.bigint())], { path: file, format: 'json' });
    expect(r.poll(4)).toHaveLength(4);
    expect(r.poll(4)).toHaveLength(4);
    expect(r.poll(4)).toHaveLength(2);
    expect(r.poll(4)).toBe('end');
  });
});

describe('filesystem source: CSV', () => {
  it('reads fields in column order with a delimiter, quotes, a header and NULLs', () => {
    const file = path.join(dir, 'data.csv');
    fs.writeFileSync(
      file,
      [
        'id;name;price;at;ok',
        '1;plain;1.25;2024-03-01 12:00:00;true',
        '2;"with ; and ""quotes""";;2024-03-01T12:00:01.5Z;false',
        '3;"";0;2024-03-01;',
        '',
      ].join('\r\n'),
    );
    const cols = [
      f('id', T.int()),
      f('name', T.string()),
      f('price', T.decimal(5, 1)),
      f('at', T.timestamp()),
      f('ok', T.boolean()),
    ];
    const rows = drain(
      reader(cols, {
        path: file,
        format: 'csv',
        'csv.field-delimiter': ';',
        'csv.ignore-first-line': 'true',
      }),
    );
    expect(rows).toEqual([
      [1, 'plain', 1.3, ts('2024-03-01T12:00:00Z'), true],
      [2, 'with ; and "quotes"', null, ts('2024-03-01T12:00:01.500Z'), false],
      [3, '', 0, ts('2024-03-01T00:00:00Z'), null],
    ]);
  });

  it('treats a wrong field count as a bad record', () => {
    const file = path.join(dir, 'data.csv');
    fs.writeFileSync(file, '1,a\n2\n3,c\n');
    const r = reader([f('id', T.int()), f('name', T.string())], { path: file, format: 'csv' });
    expect(() => drain(r)).toThrow(/data\.csv' at line 2: expected 2 fields, found 1/);
  });
});

describe('filesystem source: offsets and splits', () => {
  it('restores exactly at an offset, also across chunk boundaries and files', () => {
    // 3 files, the middle one larger than the 1 MiB read chunk, with multi-byte characters.
    const lines = (from: number, n: number) =>
      Array.from(
        { length: n },
        (_, i) => `{"id": ${from + i}, "s": "ünïcødé ${'x'.repeat((from + i) % 97)}"}`,
      ).join('\n') + '\n';
    fs.writeFileSync(path.join(dir, 'a.jsonl'), lines(0, 100));
    fs.writeFileSync(path.join(dir, 'b.jsonl'), lines(100, 30_000));
    fs.writeFileSync(path.join(dir, 'c.jsonl'), lines(30_100, 50));
    const cols = [f('id', T.bigint()), f('s', T.string())];
    const opts = { path: dir, format: 'json' };
    const all = drain(reader(cols, opts), 777);
    expect(all.map((r) => r[0])).toEqual(Array.from({ length: 30_150 }, (_, i) => i));

    for (const [cut, file] of [
      [1, 'b.jsonl'],
      [3, 'b.jsonl'],
      [20, 'b.jsonl'],
      [38, 'b.jsonl'],
      [39, 'c.jsonl'],
    ] as const) {
      const r = reader(cols, opts);
      const head: Row[] = [];
      for (let i = 0; i < cut; i++) head.push(...(r.poll(777) as Row[]));
      const offset = JSON.parse(JSON.stringify(r.offset())) as FilesystemOffset;
      expect(offset.file).toBe(file);
      if (cut === 20) expect(offset.position).toBeGreaterThan(1 << 20);
      const rest = drain(reader(cols, opts, context(), offset), 500);
      expect([...head, ...rest]).toEqual(all);
    }
  });

  it('an offset names the file and the byte position of the next line', () => {
    const file = path.join(dir, 'd.jsonl');
    fs.writeFileSync(file, '{"id": 1}\r\n{"id": 2}\n{"id": 3}\n');
    const r = reader([f('id', T.bigint())], { path: file, format: 'json' });
    expect(r.poll(1)).toEqual([[1]]);
    expect(r.offset()).toMatchObject({ file: 'd.jsonl', position: 11, line: 1, split: 0, splits: 1 });
    const rest = reader([f('id', T.bigint())], { path: file, format: 'json' }, context(), r.offset());
    expect(drain(rest)).toEqual([[2], [3]]);
  });

  it('assigns file i of the sorted listing to split i mod p, skipping hidden files', () => {
    for (const name of ['e', 'b', 'd', 'a', 'c'])
      fs.writeFileSync(path.join(dir, `${name}.jsonl`), `{"f": "${name}"}\n`);
    fs.writeFileSync(path.join(dir, '.hidden.jsonl'), '{"f": "hidden"}\n');
    fs.writeFileSync(path.join(dir, '_SUCCESS'), '');
    const cols = [f('f', T.string())];
    const read = (i: number) =>
      drain(reader(cols, { path: dir, format: 'json' }, context({ subtaskIndex: i, parallelism: 2 })));
    expect(read(0)).toEqual([['a'], ['c'], ['e']]);
    expect(read(1)).toEqual([['b'], ['d']]);
  });

  it('restores at another parallelism from every split’s offset, and refuses a lone offset of another split', () => {
    for (const name of ['a', 'b', 'c', 'd']) {
      fs.writeFileSync(
        path.join(dir, `${name}.jsonl`),
        [1, 2, 3].map((i) => `{"f": "${name}${i}"}`).join('\n'),
      );
    }
    const cols = [f('f', T.string())];
    const opts = { path: dir, format: 'json' };
    const s0 = reader(cols, opts, context({ subtaskIndex: 0, parallelism: 2 }));
    const s1 = reader(cols, opts, context({ subtaskIndex: 1, parallelism: 2 }));
    const seen = [...(s0.poll(4) as Row[]), ...(s1.poll(2) as Row[])];
    expect(seen.map((r) => r[0])).toEqual(['a1', 'a2', 'a3', 'c1', 'b1', 'b2']);
    const all = [s0.offset(), s1.offset()];
    const rest = [0, 1, 2].flatMap((i) =>
      drain(reader(cols, opts, context({ subtaskIndex: i, parallelism: 3 }), { all })),
    );
    expect(rest.map((r) => r[0]).sort()).toEqual(['b3', 'c2', 'c3', 'd1', 'd2', 'd3']);
    expect(() => reader(cols, opts, context({ subtaskIndex: 0, parallelism: 3 }), all[0])).toThrow(
      /split 0 of 2/,
    );
  });
});

describe('filesystem source: bad records', () => {
  const cols = [f('id', T.bigint()), f('name', T.string())];
  const write = () => {
    const file = path.join(dir, 'in.jsonl');
    fs.writeFileSync(
      file,
      '{"id": 1, "name": "a"}\n{"id": 2, "name": \n{"id": "x"}\n{"id": 4, "name": "d"}\n',
    );
    return file;
  };

  it("'fail' names the file, the line and the problem", () => {
    const file = write();
    const r = reader(cols, { path: file, format: 'json' });
    expect(() => drain(r)).toThrow(`bad record in '${file}' at line 2: invalid JSON`);
  });

  it("'skip' counts and logs them with file:line", () => {
    const file = write();
    const ctx = context();
    const rows = drain(reader(cols, { path: file, format: 'json', 'format.on-error': 'skip' }, ctx));
    expect(rows).toEqual([
      [1, 'a'],
      [4, 'd'],
    ]);
    expect(ctx.metrics.badRecords).toBe(2);
    expect(ctx.logs[0]).toContain(`${file}:2 skipped: invalid JSON`);
    expect(ctx.logs[1]).toContain(`${file}:3 skipped: field 'id': expected BIGINT, got "x"`);
  });

  it("'dead-letter' appends the raw line with file, line and reason", () => {
    const file = write();
    const dead = path.join(dir, 'dead', 'letters.jsonl');
    const ctx = context();
    const r = reader(
      cols,
      { path: file, format: 'json', 'format.on-error': 'dead-letter', 'format.dead-letter.path': dead },
      ctx,
    );
    expect(drain(r)).toHaveLength(2);
    r.close();
    expect(ctx.metrics.badRecords).toBe(2);
    const entries = fs
      .readFileSync(dead, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toEqual([
      { file, line: 2, error: expect.stringContaining('invalid JSON'), record: '{"id": 2, "name": ' },
      { file, line: 3, error: `field 'id': expected BIGINT, got "x"`, record: '{"id": "x"}' },
    ]);
  });

  it('rejects a NULL in a NOT NULL column', () => {
    const file = path.join(dir, 'n.jsonl');
    fs.writeFileSync(file, '{"id": null}\n');
    expect(() => drain(reader([f('id', T.bigint(false))], { path: file, format: 'json' }))).toThrow(
      /line 1: field 'id' is missing or null but declared NOT NULL/,
    );
  });
});

describe('filesystem source: monitoring', () => {
  it('waits the interval, then sees appended lines and new files', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, '{"id": 1}\n');
    const clock = new ManualClock(1000);
    const r = reader(
      [f('id', T.bigint())],
      { path: dir, format: 'json', 'source.monitor-interval': '1 s' },
      context({ clock }),
    );
    expect(r.poll(10)).toEqual([[1]]);
    expect(r.poll(10)).toBe('idle');
    fs.appendFileSync(file, '{"id": 2}\n{"id": 3');
    expect(r.poll(10)).toBe('idle');
    clock.advance(999);
    expect(r.poll(10)).toBe('idle');
    clock.advance(1);
    // The unterminated line may still be being written.
    expect(r.poll(10)).toEqual([[2]]);
    expect(r.poll(10)).toBe('idle');
    fs.appendFileSync(file, '}\n');
    clock.advance(1000);
    expect(r.poll(10)).toEqual([[3]]);
    fs.writeFileSync(path.join(dir, 'b.jsonl'), '{"id": 4}\n');
    expect(r.poll(10)).toBe('idle');
    clock.advance(1000);
    expect(r.poll(10)).toEqual([[4]]);
    expect(r.offset()).toMatchObject({ file: 'b.jsonl', position: 10 });
  });
});

describe('filesystem sink', () => {
  const cols = [f('id', T.bigint()), f('name', T.string()), f('at', T.timestamp(3))];
  const visible = (d: string) =>
    fs
      .readdirSync(d)
      .filter((n) => !n.startsWith('.'))
      .sort();
  const hidden = (d: string) =>
    fs
      .readdirSync(d)
      .filter((n) => n.startsWith('.'))
      .sort();
  const read = (d: string) =>
    visible(d).flatMap((n) => fs.readFileSync(path.join(d, n), 'utf8').split('\n').filter(Boolean));

  function writer(
    options: Record<string, string> = {},
    ctx: ConnectorContext = context(),
    restored?: Parameters<FilesystemWriter['open']>[1],
  ) {
    const w = new FilesystemWriter(
      table(cols, { path: path.join(dir, 'out'), format: 'json', ...options }),
      cols,
    );
    w.open(ctx, restored);
    return w;
  }

  /** A file name with its job key and run token replaced by `J` and `R` (the token is random per writer). */
  const shape = (n: string) => n.replace(/-[0-9a-f]{8}-[0-9a-f]{8}-/, '-J-R-');
  const shapes = (names: readonly string[]) => names.map(shape).sort();
  const shaped = (s: { pending: readonly { checkpointId: number; pending: string; final: string }[] }) =>
    s.pending.map((p) => ({ ...p, pending: shape(p.pending), final: shape(p.final) }));

  it('writes rows before and after a barrier to different files, visible only after commit', async () => {
    const out = path.join(dir, 'out');
    const w = writer();
    w.write(insertBatch([[1, 'a', ts('2024-03-01T12:00:00Z')]]));
    const snap = w.snapshot(1);
    w.write(insertBatch([[2, null, null]]));
    expect(shaped(await snap)).toEqual([
      {
        checkpointId: 1,
        pending: '.pending-0000000001-J-R-0000-0.jsonl',
        final: 'part-0000000001-J-R-0000-0.jsonl',
        dir: out,
      },
    ]);
    expect(visible(out)).toEqual([]);
    expect(shapes(hidden(out))).toEqual([
      '.inprogress-J-R-0000-1.jsonl',
      '.pending-0000000001-J-R-0000-0.jsonl',
    ]);
    await w.commit(1);
    expect(shapes(visible(out))).toEqual(['part-0000000001-J-R-0000-0.jsonl']);
    expect(read(out)).toEqual(['{"id":1,"name":"a","at":"2024-03-01 12:00:00.000"}']);
    await w.commit(1);
    expect(visible(out)).toHaveLength(1);
    // An empty checkpoint writes no file; the next one takes the rows written after barrier 1.
    const second = [
      {
        checkpointId: 2,
        pending: '.pending-0000000002-J-R-0000-0.jsonl',
        final: 'part-0000000002-J-R-0000-0.jsonl',
        dir: out,
      },
    ];
    expect(shaped(await w.snapshot(2))).toEqual(second);
    expect(shaped(await w.snapshot(3))).toEqual(second);
    await w.commit(3);
    expect(read(out)).toEqual([
      '{"id":1,"name":"a","at":"2024-03-01 12:00:00.000"}',
      '{"id":2,"name":null,"at":null}',
    ]);
    expect(hidden(out)).toEqual([]);
    w.close();
    // Committed files never change: a later commit of an old checkpoint is a no-op.
    await w.commit(1);
    expect(shapes(visible(out))).toEqual([
      'part-0000000001-J-R-0000-0.jsonl',
      'part-0000000002-J-R-0000-0.jsonl',
    ]);
  });

  it('on restore commits the listed pending files (idempotently) and deletes unlisted hidden files of its job', async () => {
    const out = path.join(dir, 'out');
    const w0 = writer({}, context({ subtaskIndex: 0, parallelism: 2 }));
    const w1 = writer({}, context({ subtaskIndex: 1, parallelism: 2 }));
    w0.write(insertBatch([[1, 'a', null]]));
    w1.write(insertBatch([[2, 'b', null]]));
    const states = [await w0.snapshot(5), await w1.snapshot(5)];
    // After checkpoint 5: a pre-commit of checkpoint 6 that never completed, and rows in progress.
    w0.write(insertBatch([[3, 'c', null]]));
    await w0.snapshot(6);
    w0.write(insertBatch([[4, 'd', null]]));
    w1.write(insertBatch([[5, 'e', null]]));
    w0.close();
    w1.close();
    // A leftover of subtask 2 from an earlier run at parallelism 3, and another job's files.
    const job = hidden(out)[0]!.split('-')[1]!;
    fs.writeFileSync(path.join(out, `.inprogress-${job}-0badc0de-0002-0.jsonl`), '{"id":99}\n');
    const others = [
      '.inprogress-12345678-0badc0de-0000-0.jsonl',
      '.pending-0000000005-12345678-0badc0de-0000-0.jsonl',
      '.inprogress-0-0000-0.jsonl',
    ];
    for (const n of others) fs.writeFileSync(path.join(out, n), '{"id":98}\n');
    expect(hidden(out)).toHaveLength(6 + others.length);
    expect(visible(out)).toEqual([]);

    // Restore from checkpoint 5 at parallelism 1.
    const restored = { checkpointId: 5, all: states, own: states[0] };
    const ctx = context({ attempt: 1 });
    const r = writer({}, ctx, restored);
    expect(shapes(visible(out))).toEqual([
      'part-0000000005-J-R-0000-0.jsonl',
      'part-0000000005-J-R-0001-0.jsonl',
    ]);
    // (Within a checkpoint the subtasks' files sort by their random run tokens.)
    expect(read(out).sort()).toEqual(['{"id":1,"name":"a","at":null}', '{"id":2,"name":"b","at":null}']);
    // Subtask 0 also removes its job's hidden files of subtask indexes ≥ the new parallelism; another job's
    // (and files without a job key) stay.
    expect(hidden(out)).toEqual([...others].sort());
    r.close();
    // Restoring the same checkpoint again is harmless.
    writer({}, context({ attempt: 2 }), restored).close();
    expect(visible(out)).toHaveLength(2);
    expect(ctx.logs).toEqual([]);
  });

  it('without a restore deletes only its own job’s leftovers of this subtask', () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const ctx = context({ subtaskIndex: 0, parallelism: 2 });
    // The job key of this writer's job: the first writer's in-progress file shows it.
    const probe = writer({}, ctx);
    probe.write(insertBatch([[1, 'a', null]]));
    probe.close();
    const job = hidden(out)[0]!.split('-')[1]!;
    fs.rmSync(out, { recursive: true });
    fs.mkdirSync(out);
    const names = [
      `.inprogress-${job}-0badc0de-0000-0.jsonl`,
      `.pending-0000000003-${job}-0badc0de-0000-0.jsonl`,
      `.inprogress-${job}-0badc0de-0001-0.jsonl`,
      '.inprogress-12345678-0badc0de-0000-0.jsonl',
      '.pending-0000000003-12345678-0badc0de-0000-0.jsonl',
    ];
    for (const n of names) fs.writeFileSync(path.join(out, n), 'x\n');
    writer({}, ctx).close();
    expect(hidden(out)).toEqual(names.slice(2).sort());
  });

  it('every writer start takes a new run token: a second run of the job never reuses a file name', async () => {
    const out = path.join(dir, 'out');
    for (let run = 0; run < 2; run++) {
      const w = writer();
      w.write(insertBatch([[run, 'a', null]]));
      await w.snapshot(1);
      await w.commit(1);
      w.close();
    }
    const files = visible(out);
    expect(shapes(files)).toEqual(['part-0000000001-J-R-0000-0.jsonl', 'part-0000000001-J-R-0000-0.jsonl']);
    expect(new Set(files).size).toBe(2);
    expect(read(out).sort()).toEqual(['{"id":0,"name":"a","at":null}', '{"id":1,"name":"a","at":null}']);
  });

  it('fails on a pending file of its folder that vanished before its commit', () => {
    const out = path.join(dir, 'out');
    expect(() =>
      writer({}, context(), {
        checkpointId: 1,
        all: [
          {
            pending: [
              {
                checkpointId: 1,
                pending: '.pending-0000000001-12345678-0badc0de-0000-0.jsonl',
                final: 'part-0000000001-12345678-0badc0de-0000-0.jsonl',
                dir: out,
              },
            ],
          },
        ],
        own: undefined,
      }),
    ).toThrow(/cannot commit 'part-0000000001-12345678-0badc0de-0000-0.jsonl' of checkpoint 1/);
  });

  it('restored pending files of another folder are committed there, or skipped with a notice; the new folder starts clean', async () => {
    const old = path.join(dir, 'old');
    const gone = path.join(dir, 'gone');
    const out = path.join(dir, 'out');
    const first = writer({ path: old });
    first.write(insertBatch([[1, 'a', null]]));
    const s1 = await first.snapshot(1);
    first.close();
    const lost = writer({ path: gone });
    lost.write(insertBatch([[2, 'b', null]]));
    const s2 = await lost.snapshot(1);
    lost.close();
    fs.rmSync(gone, { recursive: true });
    // Restored into a sink of folder `out` (at parallelism 2: subtask 0 settles the other folders' files).
    const restored = { checkpointId: 1, all: [s1, s2], own: s1 };
    const ctx0 = context({ subtaskIndex: 0, parallelism: 2 });
    const ctx1 = context({ subtaskIndex: 1, parallelism: 2 });
    writer({}, ctx1, restored).close();
    expect(visible(old)).toEqual([]);
    writer({}, ctx0, restored).close();
    expect(read(old)).toEqual(['{"id":1,"name":"a","at":null}']);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(ctx0.logs.join('\n')).toContain(`pending file(s) of '${old}', which is not this sink's folder`);
    expect(ctx0.logs.join('\n')).toContain('1 committed there now');
    expect(ctx0.logs.join('\n')).toMatch(/skipped 1 that can no longer be committed: 'part-0000000001-/);
    // Again: committed before, skipped again, never an error.
    const again = context();
    writer({}, again, restored).close();
    expect(read(old)).toEqual(['{"id":1,"name":"a","at":null}']);
    expect(again.logs.join('\n')).toContain('0 committed there now, 1 committed before');
  });

  it('a pending file listed under another name of its own folder (a symlink) is committed, never cleaned up', async () => {
    const out = path.join(dir, 'out');
    const alias = path.join(dir, 'alias');
    fs.mkdirSync(out);
    fs.symlinkSync(out, alias);
    const w = writer({ path: alias }, context({ subtaskIndex: 1, parallelism: 2 }));
    w.write(insertBatch([[1, 'a', null]]));
    const state = await w.snapshot(1);
    w.close();
    const restored = { checkpointId: 1, all: [undefined, state], own: state };
    // Subtask 1 opens first: its cleanup leaves the listed file; subtask 0 commits it.
    writer({}, context({ subtaskIndex: 1, parallelism: 2 }), restored).close();
    expect(hidden(out).filter((n) => n.startsWith('.pending-'))).toHaveLength(1);
    writer({}, context({ subtaskIndex: 0, parallelism: 2 }), restored).close();
    expect(read(out)).toEqual(['{"id":1,"name":"a","at":null}']);
  });

  it('state of an older weir (no folder, no job key in names) still restores; a file it lists that is missing is skipped', () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, '.pending-0000000001-0000-0.jsonl'), '{"id":1}\n');
    const ctx = context();
    const legacy = (n: number) => ({
      checkpointId: 1,
      pending: `.pending-0000000001-0000-${n}.jsonl`,
      final: `part-0000000001-0000-${n}.jsonl`,
    });
    writer({}, ctx, { checkpointId: 1, all: [{ pending: [legacy(0), legacy(1)] }], own: undefined }).close();
    expect(visible(out)).toEqual(['part-0000000001-0000-0.jsonl']);
    expect(ctx.logs.join('\n')).toContain("skipped 'part-0000000001-0000-1.jsonl' of checkpoint 1");
  });

  it('never overwrites a committed file (an older weir’s name taken by another run)', () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'part-0000000001-0000-0.jsonl'), '{"id":0}\n');
    fs.writeFileSync(path.join(out, '.pending-0000000001-0000-0.jsonl'), '{"id":1}\n');
    const ctx = context();
    const f = {
      checkpointId: 1,
      pending: '.pending-0000000001-0000-0.jsonl',
      final: 'part-0000000001-0000-0.jsonl',
    };
    writer({}, ctx, { checkpointId: 1, all: [{ pending: [f] }], own: undefined }).close();
    expect(visible(out)).toEqual(['part-0000000001-0000-0.jsonl', 'part-0000000001-0000-1.jsonl']);
    expect(read(out)).toEqual(['{"id":0}', '{"id":1}']);
    expect(ctx.logs.join('\n')).toContain('already exists');
  });

  it("writes 'changelog-json' with the row kind", async () => {
    const out = path.join(dir, 'out');
    const w = writer({ format: 'changelog-json' });
    w.write({
      rows: [
        [1, 'a', null],
        [1, 'a', null],
        [1, 'b', null],
        [1, 'b', null],
      ],
      kinds: [RowKind.Insert, RowKind.UpdateBefore, RowKind.UpdateAfter, RowKind.Delete],
    });
    await w.snapshot(1);
    await w.commit(1);
    expect(read(out)).toEqual([
      '{"op":"+I","data":{"id":1,"name":"a","at":null}}',
      '{"op":"-U","data":{"id":1,"name":"a","at":null}}',
      '{"op":"+U","data":{"id":1,"name":"b","at":null}}',
      '{"op":"-D","data":{"id":1,"name":"b","at":null}}',
    ]);
  });

  it("refuses retractions in format 'json'", () => {
    const w = writer();
    expect(() => w.write({ rows: [[1, 'a', null]], kinds: [RowKind.Delete] })).toThrow(
      /only takes inserts, got a -D row/,
    );
    w.close();
  });

  it('writes CSV that the source reads back', async () => {
    const out = path.join(dir, 'out');
    const w = writer({ format: 'csv', 'csv.field-delimiter': ';' });
    const rows = [
      [1, 'plain', ts('2024-03-01T12:00:00.5Z')],
      [2, 'semi;colon "quoted"', null],
      [3, '', 0],
      [4, null, null],
    ];
    w.write(insertBatch(rows));
    await w.snapshot(1);
    await w.commit(1);
    expect(shapes(visible(out))).toEqual(['part-0000000001-J-R-0000-0.csv']);
    expect(read(out)).toEqual([
      '1;plain;2024-03-01 12:00:00.500',
      '2;"semi;colon ""quoted""";',
      '3;"";1970-01-01 00:00:00.000',
      '4;;',
    ]);
    expect(drain(reader(cols, { path: out, format: 'csv', 'csv.field-delimiter': ';' }))).toEqual(rows);
  });

  it('flushes large buffers and keeps every row', async () => {
    const out = path.join(dir, 'out');
    const w = writer();
    const n = 20_000;
    for (let i = 0; i < n; i += 1000)
      w.write(insertBatch(Array.from({ length: 1000 }, (_, k) => [i + k, 'x'.repeat(40), null])));
    await w.snapshot(1);
    await w.commit(1);
    const back = drain(reader(cols, { path: out, format: 'json' }));
    expect(back.map((r) => r[0])).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});
