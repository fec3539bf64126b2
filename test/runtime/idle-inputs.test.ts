// An idle input (table.exec.source.idle-timeout) stops holding back the task's watermark; data makes it active again.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { newMetrics, type OperatorContext, type Output, type StreamOperator } from '../../runtime/operator';
import { Channel } from '../../runtime/task/channel';
import { RecordWriter } from '../../runtime/task/record-writer';
import { StreamTask } from '../../runtime/task/stream-task';

function taskWithTwoInputs(clock: ManualClock) {
  const seen: number[] = [];
  const op: StreamOperator = {
    open: () => {},
    processBatch: () => {},
    processWatermark: (ts: number, out: Output) => {
      seen.push(ts);
      out.emitWatermark(ts);
    },
  };
  const a = new Channel('a');
  const b = new Channel('b');
  const task = new StreamTask({
    key: 't',
    chain: [{ op, ctx: { metrics: newMetrics() } as unknown as OperatorContext, restored: undefined }],
    inputs: [
      { channel: a, input: 0 },
      { channel: b, input: 0 },
    ],
    writer: new RecordWriter([]),
    mode: 'EXACTLY_ONCE',
    writeState: (id, name, data, shared) =>
      new MemoryCheckpointStorage().writeState({ name: 'j', id: 'r' }, id, name, data, shared),
    jobName: 'j',
    listener: { acknowledge: () => {}, decline: () => {}, sourceEnded: () => {}, failed: () => {} },
    clock,
  });
  return { task, a, b, seen };
}

describe('idle inputs', () => {
  it('an idle channel no longer holds back the minimum watermark', () => {
    const { task, a, b, seen } = taskWithTwoInputs(new ManualClock());
    a.push({ kind: 'watermark', timestamp: 100 });
    task.step(10);
    expect(seen).toEqual([]); // b has no watermark yet: the minimum is still -Infinity
    b.push({ kind: 'idle' });
    task.step(10);
    expect(seen).toEqual([100]);
    a.push({ kind: 'watermark', timestamp: 200 });
    task.step(10);
    expect(seen).toEqual([100, 200]);
  });

  it('a watermark from an idle channel makes it active again', () => {
    const { task, a, b, seen } = taskWithTwoInputs(new ManualClock());
    b.push({ kind: 'idle' });
    a.push({ kind: 'watermark', timestamp: 500 });
    task.step(10);
    expect(seen).toEqual([500]);
    b.push({ kind: 'watermark', timestamp: 600 });
    task.step(10); // b is active again: the minimum is now min(a 500, b 600)
    expect(seen).toEqual([500]);
    a.push({ kind: 'watermark', timestamp: 900 });
    task.step(10);
    expect(seen).toEqual([500, 600]); // held back by b at 600
    b.push({ kind: 'watermark', timestamp: 700 });
    task.step(10);
    expect(seen).toEqual([500, 600, 700]);
  });
});
