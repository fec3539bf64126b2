// `weir savepoint inspect|diff` on real savepoints and checkpoints of in-process jobs, through the built CLI.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletedCheckpoint } from '../../runtime/checkpoint/coordinator';
import type { CheckpointMetadata } from '../../runtime/checkpoint/metadata';
import type { JobHandle } from '../../runtime/job';
import { startJob } from '../../runtime/node/environment';
import { formatBytes } from '../../runtime/node/format';
import { WEIR_VERSION } from '../../runtime/version';
import { compileJob } from '../support/jobs';

const WEIR_BIN = path.resolve(import.meta.dirname, '../../bin/weir.js');
const KEYS = 50;

let dir = '';

function script(o: { backend: string; key: string; select: string; settings?: string }): string {
  return `
    SET 'state.backend.type' = '${o.backend}';
    SET 'state.backend.rocksdb.localdir' = '${path.join(dir, 'rocksdb')}';
    SET 'execution.checkpointing.dir' = '${path.join(dir, 'checkpoints')}';
    SET 'execution.checkpointing.savepoint-dir' = '${path.join(dir, 'savepoints')}';
    SET 'execution.checkpointing.externalized-checkpoint-retention' = 'RETAIN_ON_CANCELLATION';
    ${o.settings ?? ''}
    CREATE TABLE src (k INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20000', ${o.key});
    CREATE TABLE out (k INT, a BIGINT) WITH ('connector' = 'blackhole');
    INSERT INTO out SELECT k, ${o.select} FROM src GROUP BY k;`;
}

/** Waits until the job's sources produced at least `n` rows. */
async function produced(job: JobHandle, n: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (job.metrics().recordsIn < n) {
    if (Date.now() > deadline)
      throw new Error(`job ${job.name} produced only ${job.metrics().recordsIn} rows`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Cli {
  status: number | null;
  stdout: string;
  stderr: string;
}

function weir(...args: string[]): Cli {
  const r = spawnSync(process.execPath, [WEIR_BIN, 'savepoint', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The cells of the table row whose first cell is `first`. */
function row(out: string, first: string): string[] {
  const cells = out
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .find((c) => c[0] === first);
  if (!cells) throw new Error(`no row '${first}' in:\n${out}`);
  return cells;
}

const num = (s: string) => Number(s.replace(/,/g, ''));
const uidOf = (m: CheckpointMetadata, kind: string) => m.operators.find((o) => o.kind === kind)!.uid;
const stateBytes = (m: CheckpointMetadata, uid: string) =>
  m.operators
    .find((o) => o.uid === uid)!
    .subtasks.reduce(
      (n, s) => n + (s.keyedChain ?? (s.keyed ? [s.keyed] : [])).reduce((k, f) => k + f.size, 0),
      0,
    );

// Job `counts` (hashmap, parallelism 2, incremental checkpoints): KEYS random keys, counts grow between
// savepoint A and savepoint B, two retained checkpoints in between (the second one incremental).
let countsA: CompletedCheckpoint;
let countsB: CompletedCheckpoint;
let countsChk: CompletedCheckpoint;
// Job `seq` (rocksdb, parallelism 1): a new key per row, so B adds keys and changes none; a native checkpoint.
let seqA: CompletedCheckpoint;
let seqB: CompletedCheckpoint;
let seqChk: CompletedCheckpoint;

// Job `join` (hashmap): a two-table operator (left and right rows of each key). Slow sources: the output of
// an inner join over 10 keys grows with the square of its input, and the savepoint's barrier queues behind it.
let joinSp: CompletedCheckpoint;

async function joinSavepoint(io: Parameters<typeof startJob>[1]): Promise<CompletedCheckpoint> {
  const side = (name: string, seed: number) =>
    `CREATE TABLE ${name} (k INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000',
       'fields.k.min' = '1', 'fields.k.max' = '10', 'seed' = '${seed}');`;
  const job = await startJob(
    compileJob(
      `SET 'execution.checkpointing.dir' = '${path.join(dir, 'checkpoints')}';
       SET 'execution.checkpointing.savepoint-dir' = '${path.join(dir, 'savepoints')}';
       ${side('l', 1)}
       ${side('r', 2)}
       CREATE TABLE out (k INT, v INT, w INT) WITH ('connector' = 'blackhole');
       INSERT INTO out SELECT l.k, l.v, r.v FROM l JOIN r ON l.k = r.k;`,
      'join',
    ),
    io,
  );
  await produced(job, 400);
  const sp = await job.stopWithSavepoint();
  expect((await job.done).status).toBe('FINISHED');
  return sp;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-savepoint-tools-'));
  const io = { out: () => {}, err: () => {}, interactive: false };

  const counts = await startJob(
    compileJob(
      script({
        backend: 'hashmap',
        key: `'fields.k.min' = '1', 'fields.k.max' = '${KEYS}'`,
        select: 'COUNT(*)',
        settings: `SET 'parallelism.default' = '2';
          SET 'execution.checkpointing.incremental' = 'true';
          SET 'state.checkpoints.num-retained' = '2';`,
      }),
      'counts',
    ),
    io,
  );
  await produced(counts, 3000);
  countsA = await counts.triggerSavepoint();
  await produced(counts, counts.metrics().recordsIn + 2000);
  await counts.triggerCheckpoint();
  await produced(counts, counts.metrics().recordsIn + 2000);
  countsChk = await counts.triggerCheckpoint();
  await produced(counts, counts.metrics().recordsIn + 2000);
  countsB = await counts.stopWithSavepoint();
  expect((await counts.done).status).toBe('FINISHED');

  const seq = await startJob(
    compileJob(
      script({
        backend: 'rocksdb',
        key: `'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '100000000'`,
        select: 'MAX(v)',
      }),
      'seq',
    ),
    io,
  );
  await produced(seq, 500);
  seqA = await seq.triggerSavepoint();
  await produced(seq, seq.metrics().recordsIn + 1000);
  seqChk = await seq.triggerCheckpoint();
  seqB = await seq.stopWithSavepoint();
  expect((await seq.done).status).toBe('FINISHED');

  joinSp = await joinSavepoint(io);
}, 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('weir savepoint inspect', () => {
  it('prints the header, one row per operator with entries and bytes, and the source offsets', () => {
    const m = countsB.metadata;
    const r = weir('inspect', countsB.location);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain(`savepoint ${countsB.location}\n`);
    expect(out).toMatch(/ job +counts-1\n/);
    expect(out).toMatch(new RegExp(` id +${m.checkpointId}\\n`));
    expect(out).toMatch(/ kind +savepoint, EXACTLY_ONCE\n/);
    expect(out).toContain(new Date(m.completionTime).toISOString());
    expect(out).toMatch(new RegExp(` weir version +${WEIR_VERSION.replace(/\./g, '\\.')}\\n`));
    expect(m.queryHash).toMatch(/^[0-9a-f]{8}$/);
    expect(out).toMatch(new RegExp(` query hash +${m.queryHash}\\n`));
    expect(out).toMatch(/ taken on backend +hashmap\n/);
    expect(out).toMatch(/ max parallelism +128\n/);

    const agg = uidOf(m, 'groupAggregate');
    const bytes = stateBytes(m, agg);
    expect(out).toMatch(
      new RegExp(` total size +${formatBytes(bytes)} in 2 state files, checksums verified`),
    );
    const [, name, parallelism, keyGroups, entries, size] = row(out, agg);
    expect(name).toMatch(/^GroupAggregate\(groupBy=\[k\]/);
    expect([parallelism, keyGroups, entries, size]).toEqual(['2', '0-127', String(KEYS), formatBytes(bytes)]);
    // Stateless operators have a row, without keyed state.
    expect(row(out, uidOf(m, 'sink')).slice(2)).toEqual(['2', '-', '-', '-']);

    const source = uidOf(m, 'source');
    const offsets = m.sourceOffsets[source] as { emitted: number }[];
    const total = offsets[0]!.emitted + offsets[1]!.emitted;
    expect(out).toContain(
      `${source} Source(table=[src], connector=[datagen]): 2 splits, ${total.toLocaleString('en-US')} rows emitted ` +
        `(${offsets.map((o) => o.emitted.toLocaleString('en-US')).join(' + ')})`,
    );
  });

  it('accepts the _metadata file, a savepoint taken on rocksdb, and a hashmap checkpoint (incremental chain applied)', () => {
    const viaFile = weir('inspect', path.join(countsB.location, '_metadata'));
    expect(viaFile.status).toBe(0);
    expect(viaFile.stdout).toBe(weir('inspect', countsB.location).stdout);

    const seq = weir('inspect', seqB.location);
    expect(seq.status).toBe(0);
    expect(seq.stdout).toMatch(/ taken on backend +rocksdb\n/);
    const agg = uidOf(seqB.metadata, 'groupAggregate');
    const seqEmitted = (
      seqB.metadata.sourceOffsets[uidOf(seqB.metadata, 'source')] as { emitted: number }[]
    )[0]!.emitted;
    expect(row(seq.stdout, agg).slice(2)).toEqual([
      '1',
      '0-127',
      seqEmitted.toLocaleString('en-US'),
      formatBytes(stateBytes(seqB.metadata, agg)),
    ]);

    const m = countsChk.metadata;
    expect(m.snapshotType).toBe('incremental');
    expect(path.basename(countsChk.location)).toBe(`chk-${m.checkpointId}`);
    const chk = weir('inspect', countsChk.location);
    expect(chk.stderr).toBe('');
    expect(chk.status).toBe(0);
    expect(chk.stdout).toContain(`checkpoint ${countsChk.location}\n`);
    expect(chk.stdout).toMatch(/ kind +checkpoint, incremental, EXACTLY_ONCE\n/);
    const uid = uidOf(m, 'groupAggregate');
    // The chain (a full base and a delta per subtask) is read in order: every key is there.
    expect(row(chk.stdout, uid).slice(3)).toEqual(['0-127', String(KEYS), formatBytes(stateBytes(m, uid))]);
    expect(chk.stdout).toMatch(/in 4 state files, checksums verified/);
  });

  it('counts entries per table when an operator has several', () => {
    const uid = uidOf(joinSp.metadata, 'join');
    const r = weir('inspect', joinSp.location);
    expect(r.status).toBe(0);
    // 10 keys on each side, 200 rows each: every key holds rows on both sides.
    expect(row(r.stdout, uid).slice(2)).toEqual([
      '1',
      '0-127',
      'left 10, right 10',
      formatBytes(stateBytes(joinSp.metadata, uid)),
    ]);
    const d = weir('diff', joinSp.location, joinSp.location);
    expect(row(d.stdout, uid).slice(2)).toEqual(['both', '20', '20', '0', '0', '0']);
    expect(row(d.stdout, '· left')).toEqual(['· left', '', '', '10', '10', '0', '0', '0']);
    expect(row(d.stdout, '· right')).toEqual(['· right', '', '', '10', '10', '0', '0', '0']);
  });

  it('names the corrupt file and exits with 1', () => {
    const copy = path.join(dir, 'corrupt');
    fs.cpSync(countsB.location, copy, { recursive: true });
    const handle = countsB.metadata.operators.find((o) => o.kind === 'groupAggregate')!.subtasks[1]!.keyed!;
    const file = path.join(copy, handle.path);
    const data = fs.readFileSync(file);
    data[Math.floor(data.length / 2)]! ^= 0xff;
    fs.writeFileSync(file, data);
    const r = weir('inspect', copy);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`weir savepoint inspect: ${copy} is damaged (1 of 2 state files):`);
    expect(r.stderr).toContain(`savepoint file ${file} is corrupt: checksum`);
    expect(r.stderr).toContain(`_metadata says ${handle.checksum}`);
    // diff checks its inputs the same way.
    const d = weir('diff', countsA.location, copy);
    expect(d.status).toBe(1);
    expect(d.stderr).toContain(`savepoint file ${file} is corrupt`);
  });

  it('names the truncated file and exits with 1', () => {
    const copy = path.join(dir, 'truncated');
    fs.cpSync(countsB.location, copy, { recursive: true });
    const handle = countsB.metadata.operators.find((o) => o.kind === 'groupAggregate')!.subtasks[0]!.keyed!;
    const file = path.join(copy, handle.path);
    fs.truncateSync(file, Math.floor(handle.size / 3));
    const r = weir('inspect', copy);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `savepoint file ${file} is truncated or corrupt: ${Math.floor(handle.size / 3)} bytes, _metadata says ${handle.size}`,
    );
  });

  it('says what is wrong with a missing path, a folder without _metadata and a native rocksdb checkpoint', () => {
    const missing = path.join(dir, 'no-such-savepoint');
    const r = weir('inspect', missing);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      `weir savepoint inspect: no savepoint at ${missing}: no such file or folder`,
    );

    const parent = path.join(dir, 'savepoints');
    const p = weir('inspect', parent);
    expect(p.status).toBe(1);
    expect(p.stderr).toContain(
      `no savepoint at ${parent}: the folder has no _metadata; folders in it that have one: `,
    );
    expect(p.stderr).toContain(path.basename(countsA.location));

    expect(seqChk.metadata.operators.some((o) => o.subtasks.some((s) => s.native))).toBe(true);
    const n = weir('inspect', seqChk.location);
    expect(n.status).toBe(1);
    expect(n.stderr).toContain(`${seqChk.location} is a rocksdb checkpoint in RocksDB's native format`);
    expect(n.stderr).toContain('inspect needs a savepoint or a hashmap checkpoint');

    expect(weir('inspect').status).toBe(2);
    expect(weir('frobnicate', countsA.location).status).toBe(2);
  });
});

describe('weir savepoint diff', () => {
  it('counts changed entries of the same keys between two savepoints of a job', () => {
    const r = weir('diff', countsA.location, countsB.location);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`A: savepoint ${countsA.id} of job 'counts-1'`);
    expect(r.stdout).toContain(`B: savepoint ${countsB.id} of job 'counts-1'`);
    expect(r.stdout).toContain(`same query hash ${countsA.metadata.queryHash}`);
    const agg = uidOf(countsA.metadata, 'groupAggregate');
    // Every count grew (thousands of rows over 50 keys between A and B); no key came or went.
    expect(row(r.stdout, agg).slice(2)).toEqual(['both', '50', '50', '0', '0', '50']);
    expect(row(r.stdout, uidOf(countsA.metadata, 'sink')).slice(2)).toEqual([
      'both',
      '-',
      '-',
      '-',
      '-',
      '-',
    ]);
    expect(r.stdout).toMatch(
      /source offsets:\n {2}source-\w+: A 2 splits, [\d,]+ rows emitted .*; B 2 splits/,
    );

    const same = weir('diff', countsB.location, countsB.location);
    expect(row(same.stdout, agg).slice(2)).toEqual(['both', '50', '50', '0', '0', '0']);
  });

  it('counts added keys (a savepoint taken on rocksdb), and operators present on one side only', () => {
    const r = weir('diff', seqA.location, seqB.location);
    expect(r.status).toBe(0);
    const agg = uidOf(seqA.metadata, 'groupAggregate');
    const [, , presence, before, after, added, removed, changed] = row(r.stdout, agg);
    expect(presence).toBe('both');
    expect(num(after)).toBeGreaterThan(num(before));
    expect([num(added), num(removed), num(changed)]).toEqual([num(after) - num(before), 0, 0]);

    // The other way round, the keys B added are removed.
    const back = weir('diff', seqB.location, seqA.location);
    expect(row(back.stdout, agg).slice(2)).toEqual(['both', after, before, '0', added, '0']);

    // Another job's savepoint: its aggregate (COUNT vs MAX) is another operator.
    const x = weir('diff', countsB.location, seqB.location);
    expect(x.status).toBe(0);
    expect(x.stdout).toContain(`different jobs: A 'counts-1', B 'seq-1'`);
    expect(row(x.stdout, uidOf(countsB.metadata, 'groupAggregate')).slice(2)).toEqual([
      'A only',
      '50',
      '-',
      '-',
      '-',
      '-',
    ]);
    expect(row(x.stdout, agg).slice(2)).toEqual(['B only', '-', after, '-', '-', '-']);

    expect(weir('diff', countsA.location).status).toBe(2);
  });
});
