// Retention of incremental checkpoints at the coordinator: subsuming a checkpoint deletes the shared files
// that no retained checkpoint lists, and never one that the newest completed checkpoint lists, even when a
// checkpoint in flight extended an older checkpoint's files than the one just completed.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock';
import { CheckpointCoordinator, type CompletedCheckpoint } from '../../runtime/checkpoint/coordinator';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { type CheckpointMetadata, type StateFileHandle, stateFiles } from '../../runtime/checkpoint/metadata';
import type { JobRun } from '../../runtime/checkpoint/storage';
import { compileJob } from '../support/jobs';

const JOB = 'j';
const RUN: JobRun = { name: JOB, id: '0123456789abcdef0123456789abcdef' };
const RANGE = { start: 0, end: 127 };

/** A one-task job whose stateful operator acknowledges the RocksDB files a test names. */
function setup() {
  const job = compileJob(`
    CREATE TABLE s (k INT) WITH ('connector' = 'datagen');
    CREATE TABLE t (k INT, n BIGINT) WITH ('connector' = 'blackhole');
    INSERT INTO t SELECT k, COUNT(*) FROM s GROUP BY k;`);
  const uid = job.graph.operators.find((o) => o.stateful)!.uid;
  const storage = new MemoryCheckpointStorage();
  // Holds: a notification or a `_metadata` write waits until the test releases it.
  const held = new Map<string, () => void>();
  const hold = (key: string) => new Promise<void>((resolve) => held.set(key, resolve));
  const holding = new Set<string>();
  const commit = storage.commit.bind(storage);
  storage.commit = async (j: JobRun, m: CheckpointMetadata) => {
    if (holding.has(`commit-${m.checkpointId}`)) await hold(`commit-${m.checkpointId}`);
    return commit(j, m);
  };
  const failures: string[] = [];
  const coordinator = new CheckpointCoordinator({
    jobName: JOB,
    jobId: RUN.id,
    graph: job.graph,
    storage,
    clock: new ManualClock(0),
    mode: 'EXACTLY_ONCE',
    backend: 'rocksdb',
    maxConcurrent: 1,
    timeout: 60_000,
    numRetained: 1,
    onFailure: (_id, reason) => failures.push(reason),
    log: () => {},
  });
  coordinator.attach({
    taskKeys: () => ['t'],
    triggerSources: () => {},
    notifyComplete: async (id) => {
      if (holding.has(`notify-${id}`)) await hold(`notify-${id}`);
    },
    abort: () => {},
  });
  const sst = (id: number, name: string) =>
    storage.writeState(RUN, id, `${uid}-0-${name}.sst`, new TextEncoder().encode(`${id}:${name}`), true);
  const ack = (id: number, files: StateFileHandle[]) =>
    coordinator.acknowledge({
      taskKey: 't',
      checkpointId: id,
      operators: [
        {
          uid,
          subtask: 0,
          keyGroupRange: RANGE,
          native: {
            format: 'rocksdb',
            keyGroupRange: RANGE,
            files: files.map((file) => ({ name: file.path.replace(/.*-/, ''), file })),
          },
        },
      ],
      syncMs: 0,
      asyncMs: 0,
      alignmentMs: 0,
      bytes: files.reduce((n, f) => n + f.size, 0),
    });
  /** Waits until the coordinator has reached `key` (a notification or commit it was told to hold). */
  const reached = async (key: string) => {
    while (!held.has(key)) await new Promise((r) => setTimeout(r, 1));
  };
  const release = (key: string) => {
    holding.delete(key);
    held.get(key)!();
  };
  const exists = (c: CompletedCheckpoint, f: StateFileHandle) =>
    storage.readState(c.location, f).then(
      () => true,
      () => false,
    );
  /** Problems with the files of every checkpoint storage still lists. */
  const broken = async () => {
    const out: string[] = [];
    for (const c of await storage.list(JOB)) {
      const m = await storage.readMetadata(c.location);
      for (const op of m.operators)
        for (const s of op.subtasks)
          for (const f of stateFiles(s))
            await storage.readState(c.location, f).catch((e: Error) => out.push(e.message));
    }
    return out;
  };
  return { coordinator, storage, holding, sst, ack, reached, release, exists, broken, failures };
}

describe('checkpoint retention with shared files', () => {
  it('subsuming deletes the shared files only the subsumed checkpoint listed', async () => {
    const t = setup();
    const a = await t.sst(1, 'a');
    const b = await t.sst(1, 'b');
    const c1 = t.coordinator.trigger(false);
    t.ack(1, [a, b]);
    const one = await c1;
    const c = await t.sst(2, 'c');
    const c2 = t.coordinator.trigger(false);
    t.ack(2, [b, c]);
    const two = await c2;
    expect((await t.storage.list(JOB)).map((x) => x.id)).toEqual([2]);
    expect(await t.exists(one, a)).toBe(false);
    expect(await t.exists(two, b)).toBe(true);
    expect(await t.exists(two, c)).toBe(true);
    expect(await t.broken()).toEqual([]);
    expect(t.failures).toEqual([]);
  });

  it('a checkpoint in flight that lists a file deleted meanwhile fails instead of completing without it', async () => {
    const t = setup();
    const a = await t.sst(1, 'a');
    const c1 = t.coordinator.trigger(false);
    t.ack(1, [a]);
    await c1;
    // Checkpoint 2 no longer lists `a` (a new base); its notification is slow to reach every task...
    const c = await t.sst(2, 'c');
    t.holding.add('notify-2');
    const c2 = t.coordinator.trigger(false);
    t.ack(2, [c]);
    await t.reached('notify-2');
    // ...so checkpoint 3, triggered meanwhile, extends checkpoint 1's files at a task not yet told.
    const c3 = t.coordinator.trigger(false);
    const c3Result = c3.then(
      () => 'completed',
      (e: Error) => e.message,
    );
    t.release('notify-2');
    const two = await c2;
    expect(await t.exists(two, a)).toBe(false);
    const d = await t.sst(3, 'd');
    t.ack(3, [a, d]);
    expect(await c3Result).toMatch(
      /checkpoint 3 failed: it lists \.\.\/\.\.\/shared\/.*-a\.sst, a shared file deleted/,
    );
    // The newest completed checkpoint is still 2, whole; the failure is not the job's.
    expect((await t.storage.list(JOB)).map((x) => x.id)).toEqual([2]);
    expect(await t.broken()).toEqual([]);
    expect(t.failures).toEqual([]);
    // The next checkpoint completes.
    const c4 = t.coordinator.trigger(false);
    t.ack(4, [c, await t.sst(4, 'e')]);
    expect((await c4).id).toBe(4);
    expect(await t.broken()).toEqual([]);
  });

  it('the files of a checkpoint whose _metadata is being written are kept', async () => {
    const t = setup();
    const a = await t.sst(1, 'a');
    const c1 = t.coordinator.trigger(false);
    t.ack(1, [a]);
    await c1;
    const c = await t.sst(2, 'c');
    t.holding.add('notify-2');
    const c2 = t.coordinator.trigger(false);
    t.ack(2, [c]);
    await t.reached('notify-2');
    // Checkpoint 3 (listing `a`) is acknowledged and writing its _metadata when checkpoint 1 is subsumed.
    t.holding.add('commit-3');
    const c3 = t.coordinator.trigger(false);
    const d = await t.sst(3, 'd');
    t.ack(3, [a, d]);
    await t.reached('commit-3');
    t.release('notify-2');
    await c2;
    t.release('commit-3');
    const three = await c3;
    expect((await t.storage.list(JOB)).map((x) => x.id)).toEqual([3]);
    expect(await t.exists(three, a)).toBe(true);
    expect(await t.exists(three, d)).toBe(true);
    expect(await t.exists(three, c)).toBe(false);
    expect(await t.broken()).toEqual([]);
    expect(t.failures).toEqual([]);
  });
});
