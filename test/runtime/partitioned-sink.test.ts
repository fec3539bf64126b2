// The partitioned filesystem sink: Hive-style folders, files committed at checkpoints, and partitions committed
// (a _SUCCESS file) by Flink's triggers: partition-time once the watermark at a checkpoint passes the partition's
// time plus the delay, process-time once the clock passes its creation plus the delay; all at the end of input;
// a restore commits what the checkpoint pre-committed.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileScript } from '../../compiler/index';
import type { TableDef } from '../../compiler/catalog';
import { ManualClock } from '../../runtime/clock';
import type { ConnectorContext } from '../../runtime/connectors/connector';
import { newMetrics } from '../../runtime/operator';
import {
  PartitionedFilesystemWriter,
  escapePartitionValue,
} from '../../runtime/node/connectors/partitioned-sink';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function table(options: string): TableDef {
  dir = mkdtempSync(join(tmpdir(), 'weir-partitioned-'));
  const r = compileScript(`CREATE TABLE t (id BIGINT, dt STRING, hm STRING) PARTITIONED BY (dt, hm)
    WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json', 'sink.partition-commit.policy.kind' = 'success-file'${options});`);
  expect(r.diagnostics).toEqual([]);
  const s = r.statements[0]!;
  if (s.kind !== 'createTable') throw new Error('no table');
  return s.table;
}

function context(clock: ManualClock): ConnectorContext {
  return {
    jobName: 'j',
    uid: 'sink-1',
    subtaskIndex: 0,
    parallelism: 1,
    attempt: 0,
    clock,
    metrics: newMetrics(),
    batchSize: 64,
    print: () => {},
    log: () => {},
  };
}

const ts = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`);
const visible = (folder: string) =>
  readdirSync(join(dir, folder))
    .filter((n) => !n.startsWith('.'))
    .sort();
const rows = (folder: string) =>
  visible(folder)
    .filter((n) => n.startsWith('part-'))
    .flatMap((n) =>
      readFileSync(join(dir, folder, n), 'utf8')
        .split('\n')
        .filter(Boolean),
    );

describe('PartitionedFilesystemWriter', () => {
  it('escapes partition values as Hive does', () => {
    expect(escapePartitionValue('12:34')).toBe('12%3A34');
    expect(escapePartitionValue('a/b=c d')).toBe('a%2Fb%3Dc d');
  });

  it("partition-time: a partition's _SUCCESS comes with the first checkpoint whose watermark passed its time plus the delay", async () => {
    const t = table(
      `, 'sink.partition-commit.trigger' = 'partition-time', 'sink.partition-commit.delay' = '1 min', 'partition.time-extractor.timestamp-pattern' = '$dt $hm:00'`,
    );
    const w = new PartitionedFilesystemWriter(t, t.columns);
    await w.open(context(new ManualClock(0)), undefined);
    w.write({
      rows: [
        [1, '2024-01-01', '00:00'],
        [2, '2024-01-01', '00:05'],
        [3, '2024-01-01', '00:00'],
      ],
      kinds: undefined,
    });
    w.watermark(ts('2024-01-01 00:03:30'));
    const s1 = await w.snapshot(1);
    // Pre-committed only: nothing visible yet.
    expect(visible('dt=2024-01-01/hm=00%3A00')).toEqual([]);
    await w.commit(1);
    expect(rows('dt=2024-01-01/hm=00%3A00').map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 1 },
      { id: 3 },
    ]);
    expect(visible('dt=2024-01-01/hm=00%3A00')).toContain('_SUCCESS');
    expect(rows('dt=2024-01-01/hm=00%3A05')).toEqual(['{"id":2}']);
    expect(visible('dt=2024-01-01/hm=00%3A05')).not.toContain('_SUCCESS');
    expect(s1).toMatchObject({
      uncommitted: { 'dt=2024-01-01/hm=00%3A00': 0, 'dt=2024-01-01/hm=00%3A05': 0 },
    });

    // Pre-committed at checkpoint 2, then a crash: the restored writer commits the file, and (the watermark
    // having passed 00:06 at checkpoint 3) the partition.
    w.write({ rows: [[4, '2024-01-01', '00:05']], kinds: undefined });
    w.watermark(ts('2024-01-01 00:06:30'));
    const s2 = await w.snapshot(2);
    await w.close();
    const r = new PartitionedFilesystemWriter(t, t.columns);
    await r.open(context(new ManualClock(0)), { checkpointId: 2, all: [s2], own: s2 });
    expect(rows('dt=2024-01-01/hm=00%3A05')).toEqual(['{"id":2}', '{"id":4}']);
    expect(visible('dt=2024-01-01/hm=00%3A05')).not.toContain('_SUCCESS');
    r.watermark(ts('2024-01-01 00:06:30'));
    await r.snapshot(3);
    await r.commit(3);
    expect(visible('dt=2024-01-01/hm=00%3A05')).toContain('_SUCCESS');
    await r.close();
  });

  it('process-time: committed once the clock passes creation plus the delay; everything at the end of input', async () => {
    const t = table(`, 'sink.partition-commit.delay' = '10 s'`);
    const clock = new ManualClock(1000);
    const w = new PartitionedFilesystemWriter(t, t.columns);
    await w.open(context(clock), undefined);
    w.write({ rows: [[1, '2024-01-01', '10:00']], kinds: undefined });
    await w.snapshot(1);
    await w.commit(1);
    expect(visible('dt=2024-01-01/hm=10%3A00')).not.toContain('_SUCCESS');
    clock.advance(10_000);
    w.write({ rows: [[2, '2024-01-02', '10:00']], kinds: undefined });
    await w.snapshot(2);
    await w.commit(2);
    expect(visible('dt=2024-01-01/hm=10%3A00')).toContain('_SUCCESS');
    expect(visible('dt=2024-01-02/hm=10%3A00')).not.toContain('_SUCCESS');
    await w.finish();
    await w.snapshot(3);
    await w.commit(3);
    expect(visible('dt=2024-01-02/hm=10%3A00')).toContain('_SUCCESS');
    expect(existsSync(join(dir, 'dt=2024-01-02/hm=10%3A00/_SUCCESS'))).toBe(true);
    await w.close();
  });
});
