// Unaligned checkpoints in one task: the barrier overtakes queued batches even under backpressure, the overtaken
// batches become channel state, an aligned barrier turns unaligned after its timeout, and restored channel state
// is read before new input.
import { describe, expect, it } from 'vitest';
import { ManualClock, yieldNow } from '../../runtime/clock';
import type { CheckpointMetadata } from '../../runtime/checkpoint/metadata';
import { restorePlan } from '../../runtime/checkpoint/restore-plan';
import type { SinkWriter } from '../../runtime/connectors/connector';
import { type CheckpointBarrier, type StreamElement, insertBatch } from '../../runtime/messages';
import { newMetrics, type OperatorContext } from '../../runtime/operator';
import { SinkOperator } from '../../runtime/operators/sink';
import { decodeChannelState } from '../../runtime/state/channel-state-format';
import { BarrierAligner } from '../../runtime/task/barrier-aligner';
import { Channel } from '../../runtime/task/channel';
import { ChannelStateRecorder } from '../../runtime/task/channel-state-recorder';
import { RecordWriter } from '../../runtime/task/record-writer';
import { StreamTask, type TaskAck } from '../../runtime/task/stream-task';
import { compileJob } from '../support/jobs';

const batch = (n: number): StreamElement => ({ kind: 'batch', batch: insertBatch([[n]]) });
const barrier = (id: number, more: Partial<CheckpointBarrier> = {}): CheckpointBarrier => ({
  kind: 'barrier',
  checkpointId: id,
  timestamp: 0,
  isSavepoint: false,
  ...more,
});

describe('channels: unaligned barriers overtake', () => {
  it('puts an unaligned barrier ahead of the queue and counts what it overtook', () => {
    const ch = new Channel('c');
    ch.push(batch(1));
    ch.push({ kind: 'watermark', timestamp: 5 });
    ch.push(batch(2));
    ch.push(barrier(1, { unaligned: true }));
    ch.push(batch(3));
    expect(ch.hasPriority()).toBe(true);
    expect(ch.poll()).toEqual(barrier(1, { unaligned: true, overtaken: 3 }));
    expect(ch.hasPriority()).toBe(false);
    expect(ch.overtakenElements(3).map((e) => e.kind)).toEqual(['batch', 'watermark', 'batch']);
    expect([ch.poll(), ch.poll(), ch.poll(), ch.poll()].map((e) => e?.kind)).toEqual([
      'batch',
      'watermark',
      'batch',
      'batch',
    ]);
  });

  it('keeps a later unaligned barrier behind an earlier one', () => {
    const ch = new Channel('c');
    ch.push(batch(1));
    ch.push(barrier(1, { unaligned: true }));
    ch.push(batch(2));
    ch.push(barrier(2, { unaligned: true }));
    expect(ch.poll()).toMatchObject({ checkpointId: 1, overtaken: 1 });
    expect(ch.poll()).toMatchObject({ checkpointId: 2, overtaken: 2 });
  });

  it('promotes an aligned barrier whose aligned-checkpoint timeout passed', () => {
    const ch = new Channel('c');
    ch.push(batch(1));
    ch.push(batch(2));
    ch.push(barrier(1, { timestamp: 100, alignedTimeout: 50 }));
    ch.push(batch(3));
    expect(ch.timeoutAt).toBe(150);
    ch.promoteTimedOut(149);
    expect(ch.hasPriority()).toBe(false);
    ch.promoteTimedOut(150);
    expect(ch.timeoutAt).toBeUndefined();
    expect(ch.poll()).toMatchObject({ checkpointId: 1, unaligned: true, overtaken: 2 });
    expect(ch.size).toBe(3);
  });
});

describe('barrier aligner: unaligned and timed-out alignment', () => {
  it('triggers at the first unaligned barrier and ignores the others', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    expect(a.onBarrier(1, 1, 0, barrier(1, { unaligned: true }))).toMatchObject({
      trigger: 1,
      unaligned: true,
      arrived: [],
    });
    expect(a.isBlocked(1)).toBe(false);
    expect(a.onBarrier(0, 1, 0, barrier(1, { unaligned: true }))).toEqual({});
  });

  it('turns an alignment unaligned at its timeout, releasing the blocked channels', () => {
    const a = new BarrierAligner(3, 'EXACTLY_ONCE');
    expect(a.onBarrier(0, 1, 10, barrier(1, { timestamp: 0, alignedTimeout: 20 }))).toEqual({});
    expect(a.isBlocked(0)).toBe(true);
    expect(a.timeoutAt).toBe(20);
    expect(a.timeout()).toMatchObject({ trigger: 1, unaligned: true, arrived: [0] });
    expect(a.isBlocked(0)).toBe(false);
    expect(a.onBarrier(1, 1, 30, barrier(1))).toEqual({});
  });
});

describe('channel state recorder', () => {
  it('records what the barrier overtook and, on other channels, everything before their barrier', async () => {
    const r = new ChannelStateRecorder(1, [false, true], [[insertBatch([[1]])], []]);
    r.onElement(1, batch(10));
    r.onElement(0, batch(99)); // after the barrier on channel 0: not in-flight data
    expect(r.complete).toBe(false);
    r.onBarrier(1, [batch(11)]);
    expect(r.complete).toBe(true);
    const recorded = await r.done;
    expect(recorded.map((c) => [c.index, c.batches.map((b) => b.rows[0]![0])])).toEqual([
      [0, [1]],
      [1, [10, 11]],
    ]);
  });
});

/** A sink task reading two channels, with a writer that can be held back. */
function sinkTask(o: { restored?: { index: number; batches: ReturnType<typeof insertBatch>[] }[] } = {}) {
  const written: unknown[] = [];
  const snapshots: { id: number; written: number }[] = [];
  const acks: TaskAck[] = [];
  let room = true;
  const writer: SinkWriter = {
    open: () => {},
    write: (b) => written.push(...b.rows.map((r) => r[0])),
    hasCapacity: () => room,
    snapshot: (id) => {
      snapshots.push({ id, written: written.length });
      return { id };
    },
  };
  const files = new Map<string, Uint8Array>();
  const inputs = [new Channel('a'), new Channel('b')];
  const task = new StreamTask({
    key: 't',
    chain: [
      {
        op: new SinkOperator(writer, () => ({}) as never),
        ctx: {
          metrics: newMetrics(),
          operator: { uid: 'sink-1' },
          subtaskIndex: 0,
        } as unknown as OperatorContext,
        restored: undefined,
      },
    ],
    inputs: inputs.map((channel, input) => ({ channel, input })),
    writer: new RecordWriter([]),
    mode: 'EXACTLY_ONCE',
    writeState: (_id, name, data) => {
      files.set(name, data);
      return Promise.resolve({ path: name, size: data.length, checksum: '' });
    },
    jobName: 'j',
    listener: {
      acknowledge: (a) => acks.push(a),
      decline: (_k, _id, e) => {
        throw e;
      },
      sourceEnded: () => {},
      failed: (_k, e) => {
        throw e;
      },
    },
    clock: new ManualClock(),
    ...(o.restored ? { restoredChannelState: o.restored } : {}),
  });
  return {
    task,
    inputs,
    written,
    snapshots,
    acks,
    files,
    hold: (v: boolean) => (room = !v),
  };
}

describe('a task under backpressure', () => {
  it('snapshots at an unaligned barrier at once and stores the batches it overtook', async () => {
    const t = sinkTask();
    t.hold(true);
    for (let i = 0; i < 4; i++) t.inputs[0]!.push(batch(i));
    t.inputs[1]!.push(batch(100));
    t.inputs[0]!.push(barrier(1, { unaligned: true }));
    t.task.step(64);
    // Nothing was written (the sink is held back), yet the snapshot happened: the barrier overtook 4 batches.
    expect(t.written).toEqual([]);
    expect(t.snapshots).toEqual([{ id: 1, written: 0 }]);
    // Channel b's barrier overtakes batch 100 too: the checkpoint is complete.
    t.inputs[1]!.push(barrier(1, { unaligned: true }));
    t.task.step(64);
    await t.task.drain();
    await yieldNow();
    expect(t.acks).toHaveLength(1);
    const ack = t.acks[0]!;
    expect(ack.unaligned).toBe(true);
    expect(ack.inFlightBytes).toBeGreaterThan(0);
    const handle = ack.operators[0]!.inputChannelState!;
    expect(handle.channels).toEqual([
      { index: 0, name: 'a', batches: 4, records: 4 },
      { index: 1, name: 'b', batches: 1, records: 1 },
    ]);
    expect(handle.file.path).toBe('sink-1-0.channel');
    const data = t.files.get(handle.file.path)!;
    expect(decodeChannelState(data, 'x').map((c) => c.batches.flatMap((b) => b.rows))).toEqual([
      [[0], [1], [2], [3]],
      [[100]],
    ]);
    // The in-flight batches are still processed once the sink catches up.
    t.hold(false);
    t.task.step(64);
    expect(t.written).toEqual([0, 100, 1, 2, 3]);
  });

  it('an aligned barrier turns unaligned after its timeout', async () => {
    const clock = new ManualClock();
    const t = sinkTask();
    (t.task as unknown as { o: { clock: ManualClock } }).o.clock = clock;
    t.hold(true);
    t.inputs[0]!.push(batch(1));
    t.inputs[0]!.push(barrier(1, { timestamp: 0, alignedTimeout: 50 }));
    t.inputs[1]!.push(barrier(1, { timestamp: 0, alignedTimeout: 50 }));
    t.task.step(64);
    expect(t.snapshots).toEqual([]);
    clock.advance(60);
    t.task.step(64);
    expect(t.snapshots).toEqual([{ id: 1, written: 0 }]);
    await t.task.drain();
    expect(t.acks[0]!.unaligned).toBe(true);
    expect(t.acks[0]!.operators[0]!.inputChannelState!.channels).toEqual([
      { index: 0, name: 'a', batches: 1, records: 1 },
    ]);
  });

  it('reads restored channel state before new input', () => {
    const t = sinkTask({ restored: [{ index: 1, batches: [insertBatch([[7]]), insertBatch([[8]])] }] });
    t.inputs[0]!.push(batch(1));
    t.inputs[1]!.push(batch(2));
    t.task.step(64);
    expect(t.written.slice(0, 2)).toEqual([7, 8]);
    expect(t.written).toHaveLength(4);
  });
});

describe('restoring an unaligned checkpoint', () => {
  const sql = (p: number) =>
    `SET 'parallelism.default' = '${p}';
CREATE TABLE src (k BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TABLE out (k BIGINT, n BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT k, COUNT(*) FROM src GROUP BY k;`;

  /** A checkpoint of the job at parallelism 2 whose aggregate's subtask 1 holds in-flight data. */
  function checkpointAt2(): CheckpointMetadata {
    const j = compileJob(sql(2), 'u');
    const file = { path: 'x.channel', size: 10, checksum: '0' };
    return {
      formatVersion: 1,
      jobName: 'u-1',
      checkpointId: 3,
      kind: 'checkpoint',
      snapshotType: 'full',
      mode: 'EXACTLY_ONCE',
      backend: 'hashmap',
      maxParallelism: j.graph.maxParallelism,
      triggerTime: 0,
      completionTime: 0,
      durationMs: 0,
      sourceOffsets: {},
      stateSize: 10,
      unaligned: true,
      inFlightBytes: 10,
      operators: j.graph.operators.map((o) => ({
        uid: o.uid,
        name: o.name,
        kind: o.spec.kind,
        parallelism: o.parallelism,
        subtasks:
          o.spec.kind === 'groupAggregate'
            ? [
                {
                  subtask: 1,
                  keyGroupRange: { start: 64, end: 127 },
                  inputChannelState: { file, channels: [{ index: 0, name: 'c', batches: 1, records: 1 }] },
                },
              ]
            : [],
      })),
    };
  }

  it('at another parallelism is refused, saying to take a savepoint', () => {
    const problems = restorePlan(checkpointAt2(), compileJob(sql(3), 'u'), false).problems.join('\n');
    expect(problems).toMatch(
      /has in-flight data of an unaligned checkpoint at parallelism 2, the job runs it at 3: in-flight data cannot be rescaled\. Restore at parallelism 2, then take a savepoint \(always aligned\) and rescale from it/,
    );
    expect(restorePlan(checkpointAt2(), compileJob(sql(2), 'u'), false).problems).toEqual([]);
  });
});
