// SQL jobs on the rocksdb state backend (a small cache, so keys are evicted and read back): same results as on hashmap, native rescale, refusal to restore on hashmap.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CompiledJob } from '../../compiler/index';
import type { CheckpointMetadata } from '../../runtime/checkpoint/metadata';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import { type EngineEnvironment, type JobRunner, type StartOptions, runJob } from '../../runtime/engine';
import { registerNodeConnectors } from '../../runtime/node/connectors/index';
import { stateBackendFactory } from '../../runtime/node/environment';
import type { KeyedStateBackend } from '../../runtime/state/backend';
import { compileJob, steppedClock } from '../support/jobs';
import { committedRows, prng } from './crash-harness';

const T0 = Date.UTC(2024, 0, 1);
const KEYS = 300;
const CACHE = 64;

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weir-rocksdb-jobs-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Two inputs over KEYS keys in event-time order, one file each: source subtask 0 reads a single file at any
 * parallelism, so restoring at another parallelism needs no redistribution of a folder's files among splits.
 */
function writeInputs(rows: number): void {
  const rnd = prng(11);
  for (const side of ['l', 'r']) {
    const lines: string[] = [];
    let ts = T0;
    for (let i = 0; i < rows; i++) {
      ts += Math.floor(rnd() * 40);
      lines.push(JSON.stringify({ id: i, k: Math.floor(rnd() * KEYS), v: Math.floor(rnd() * 1000), ts }));
    }
    fs.writeFileSync(path.join(dir, `${side}.jsonl`), lines.join('\n') + '\n');
  }
}

function script(backend: string, sinkColumns: string, query: string, settings = ''): string {
  const table = (name: string) => `
    CREATE TABLE ${name} (id BIGINT, k BIGINT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${path.join(dir, `${name}.jsonl`)}', 'format' = 'json');`;
  return `
    SET 'state.backend.type' = '${backend}';
    SET 'state.backend.rocksdb.localdir' = '${path.join(dir, 'rocksdb')}';
    SET 'weir.state.rocksdb.cache-entries' = '${CACHE}';
    SET 'weir.batch-size' = '32';
    SET 'execution.checkpointing.interval' = '20 ms';
    ${settings}
    ${table('l')}
    ${table('r')}
    CREATE TABLE out (${sinkColumns})
      WITH ('connector' = 'filesystem', 'path' = '${path.join(dir, 'out')}', 'format' = 'changelog-json');
    INSERT INTO out ${query};`;
}

interface Run {
  readonly job: CompiledJob;
  readonly runner: JobRunner;
  readonly result: Map<string, number>;
  readonly backends: KeyedStateBackend[];
  /** Live entries of every backend when it was disposed (at the job's end). */
  readonly entriesAtEnd: number;
}

/**
 * Runs a job to its end (or until `stopWhen` cancels it) on an injected clock, 1 ms per task step, so
 * periodic checkpoints land mid-stream however fast the machine is.
 */
async function run(
  sql: string,
  o: {
    storage?: MemoryCheckpointStorage;
    start?: StartOptions;
    stopWhen?: (r: JobRunner) => boolean;
    keepOutput?: boolean;
  } = {},
): Promise<Run> {
  if (!o.keepOutput) fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
  const job = compileJob(sql, 'rocksdb-jobs');
  const factory = stateBackendFactory(job);
  const backends: KeyedStateBackend[] = [];
  let entriesAtEnd = 0;
  const time = steppedClock();
  const holder: { runner?: JobRunner } = {};
  const env: EngineEnvironment = {
    connectors: registerNodeConnectors(builtinConnectors()),
    storage: o.storage ?? new MemoryCheckpointStorage(),
    stateBackend: (kind, ctx) => {
      const b = factory(kind, ctx);
      backends.push(b);
      const dispose = b.dispose.bind(b);
      b.dispose = () => {
        entriesAtEnd += b.numEntries();
        return dispose();
      };
      return b;
    },
    print: () => {},
    log: () => {},
    clock: time.clock,
    beforeStep: () => {
      time.tick();
      const r = holder.runner;
      if (r && o.stopWhen?.(r)) void r.cancel();
    },
  };
  const runner = await runJob(job, env, o.start);
  holder.runner = runner;
  const done = await runner.done;
  expect(done).toEqual({ status: o.stopWhen ? 'CANCELED' : 'FINISHED' });
  return { job, runner, result: committedRows(path.join(dir, 'out')), backends, entriesAtEnd };
}

const JOBS = [
  {
    name: 'GROUP BY',
    sink: 'k BIGINT, c BIGINT, s BIGINT, m BIGINT',
    query: 'SELECT k, COUNT(*), SUM(v), MAX(v) FROM l GROUP BY k',
  },
  {
    name: 'regular LEFT JOIN',
    sink: 'lid BIGINT, k BIGINT, rid BIGINT, w BIGINT',
    query: 'SELECT l.id, l.k, r.id, r.v FROM l LEFT JOIN r ON l.k = r.k AND r.v < 100',
  },
  {
    name: 'TUMBLE window aggregate',
    sink: 'k BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3), c BIGINT, s BIGINT',
    query: `SELECT k, window_start, window_end, COUNT(*), SUM(v)
      FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '2' SECOND)) GROUP BY k, window_start, window_end`,
  },
  {
    name: 'interval join',
    sink: 'lid BIGINT, rid BIGINT, k BIGINT',
    query: `SELECT l.id, r.id, l.k FROM l JOIN r
      ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '1' SECOND AND r.ts + INTERVAL '2' SECOND`,
  },
  {
    name: 'Top-N with the rank number',
    sink: 'id BIGINT, k BIGINT, v BIGINT, rn BIGINT',
    query: `SELECT id, k, v, rn FROM (
      SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM l) WHERE rn <= 3`,
  },
  {
    name: 'Top-N of an updating GROUP BY, ranks 2 to 3',
    sink: 'k BIGINT, c BIGINT',
    query: `SELECT k, c FROM (
      SELECT k, c, ROW_NUMBER() OVER (PARTITION BY m ORDER BY c DESC, k) AS rn
      FROM (SELECT k, MOD(k, 7) AS m, COUNT(*) AS c FROM l GROUP BY k)
    ) WHERE rn BETWEEN 2 AND 3`,
  },
  {
    name: 'deduplication keeping the last row by event time',
    sink: 'id BIGINT, k BIGINT, v BIGINT',
    query: `SELECT id, k, v FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM l) WHERE rn = 1`,
  },
  {
    name: 'OVER aggregates (ROWS)',
    sink: 'id BIGINT, k BIGINT, s BIGINT, m BIGINT',
    query: `SELECT id, k,
      SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s,
      MAX(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS m
      FROM l`,
  },
  {
    name: 'OVER aggregate (RANGE)',
    sink: 'id BIGINT, k BIGINT, c BIGINT',
    query: `SELECT id, k,
      COUNT(*) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW) AS c
      FROM l`,
  },
  {
    name: 'window Top-N',
    sink: 'k BIGINT, v BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3), rn BIGINT',
    query: `SELECT * FROM (
      SELECT k, v, window_start, window_end,
        ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v DESC) AS rn
      FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(ts), INTERVAL '2' SECOND))
    ) WHERE rn <= 3`,
  },
];

describe('SQL jobs on the rocksdb state backend', () => {
  it.each(JOBS)('$name: the same result as on hashmap, with keys evicted and read back', async (j) => {
    writeInputs(3000);
    const heap = await run(script('hashmap', j.sink, j.query));
    const rocks = await run(script('rocksdb', j.sink, j.query));
    expect(heap.result.size).toBeGreaterThan(0);
    expect(rocks.result).toEqual(heap.result);
    expect(rocks.backends.length).toBeGreaterThan(0);
    expect(rocks.backends.every((b) => b.kind === 'rocksdb')).toBe(true);
    expect(heap.backends.every((b) => b.kind === 'hashmap')).toBe(true);
    // Checkpoints were taken while the job ran; the live entries are counted the same on both backends.
    expect(rocks.runner.checkpoints().filter((c) => c.status === 'COMPLETED').length).toBeGreaterThan(0);
    expect(rocks.entriesAtEnd).toBe(heap.entriesAtEnd);
    // Every working folder is gone once the job ended.
    expect(
      fs.readdirSync(path.join(dir, 'rocksdb', rocks.job.name.replace(/[^A-Za-z0-9._-]/g, '_'))),
    ).toEqual([]);
  });

  it.each([JOBS[0]!, JOBS[4]!, JOBS[7]!])(
    '$name: a checkpoint taken at parallelism 2 restores at parallelism 3 (native rescale): same result as one run',
    async (j) => {
      writeInputs(6000);
      const sql = (p: number, backend = 'rocksdb') =>
        script(
          backend,
          j.sink,
          j.query,
          `SET 'parallelism.default' = '${p}';
         SET 'execution.checkpointing.externalized-checkpoint-retention' = 'RETAIN_ON_CANCELLATION';`,
        );
      const whole = await run(sql(1, 'hashmap'));

      // Stopped mid-stream, after a checkpoint of (more than a cache's worth of) state completed.
      const storage = new MemoryCheckpointStorage();
      const first = await run(sql(2), {
        storage,
        stopWhen: (r) =>
          r.checkpoints().some((c) => c.status === 'COMPLETED') &&
          r.metrics().recordsIn > 2000 &&
          r.metrics().stateEntries > 2 * CACHE,
      });
      expect(first.runner.metrics().recordsIn).toBeLessThan(6000);
      const [latest] = await storage.list(first.job.name);
      const metadata: CheckpointMetadata = await storage.readMetadata(latest!.location);
      expect(metadata.backend).toBe('rocksdb');
      const agg = metadata.operators.find((o) => o.subtasks.some((s) => s.native))!;
      expect(agg.subtasks.map((s) => s.native?.keyGroupRange)).toEqual([
        { start: 0, end: 63 },
        { start: 64, end: 127 },
      ]);

      const second = await run(sql(3), {
        storage,
        start: { restore: { metadata, location: latest!.location } },
        keepOutput: true,
      });
      expect(second.backends.filter((b) => b.kind === 'rocksdb')).toHaveLength(3);
      expect(second.result).toEqual(whole.result);
      expect(second.entriesAtEnd).toBe(whole.entriesAtEnd);

      // Refused restores: start fails, naming the operator and the way out.
      const restore = (text: string) => {
        const job = compileJob(text, 'rocksdb-jobs');
        const connectors = registerNodeConnectors(builtinConnectors());
        const env = {
          connectors,
          storage,
          stateBackend: stateBackendFactory(job),
          print: () => {},
          log: () => {},
        };
        return runJob(job, env, { restore: { metadata, location: latest!.location } });
      };
      // The hashmap backend cannot read RocksDB files.
      await expect(restore(sql(3, 'hashmap'))).rejects.toThrow(
        `the checkpoint holds rocksdb state of ${agg.name}, which the hashmap backend cannot read: ` +
          `restore it with SET 'state.backend.type' = 'rocksdb', or restore from a savepoint to change backends`,
      );
      // Another aggregate has another uid: the old one's state (native files only) is claimed by no operator.
      const changed = script('rocksdb', j.sink, 'SELECT k, COUNT(*), SUM(v), MIN(v) FROM l GROUP BY k');
      const refused = await restore(changed).then(
        () => 'restored',
        (e: Error) => e.message,
      );
      expect(refused).toMatch(/^cannot restore: /);
      expect(refused).toContain(`${agg.uid} (${agg.name})`);
    },
  );
});
