// A sink behind its external system (`SinkWriter.hasCapacity` false) holds its task back: no input is read until it catches up.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import type { SinkWriter } from '../../runtime/connectors/connector';
import { insertBatch } from '../../runtime/messages';
import { newMetrics, type OperatorContext } from '../../runtime/operator';
import { SinkOperator } from '../../runtime/operators/sink';
import { Channel } from '../../runtime/task/channel';
import { RecordWriter } from '../../runtime/task/record-writer';
import { StreamTask } from '../../runtime/task/stream-task';

describe('sink backpressure', () => {
  it('reads no input while the writer has no capacity, and reads on once it has', () => {
    const written: unknown[] = [];
    let room = true;
    const writer: SinkWriter = {
      open: () => {},
      write: (b) => written.push(...b.rows),
      hasCapacity: () => room,
    };
    const input = new Channel('in');
    const task = new StreamTask({
      key: 't',
      chain: [
        {
          op: new SinkOperator(writer, () => ({}) as never),
          ctx: { metrics: newMetrics() } as unknown as OperatorContext,
          restored: undefined,
        },
      ],
      inputs: [{ channel: input, input: 0 }],
      writer: new RecordWriter([]),
      mode: 'EXACTLY_ONCE',
      writeState: (id, name, data, shared) =>
        new MemoryCheckpointStorage().writeState({ name: 'j', id: 'r' }, id, name, data, shared),
      jobName: 'j',
      listener: { acknowledge: () => {}, decline: () => {}, sourceEnded: () => {}, failed: () => {} },
      clock: new ManualClock(),
    });
    input.push({ kind: 'batch', batch: insertBatch([[1]]) });
    task.step(64);
    expect(written).toEqual([[1]]);

    room = false;
    input.push({ kind: 'batch', batch: insertBatch([[2]]) });
    expect(task.hasPendingWork()).toBe(false);
    expect(task.step(64)).toBe(false);
    expect(written).toEqual([[1]]);

    room = true;
    expect(task.hasPendingWork()).toBe(true);
    task.step(64);
    expect(written).toEqual([[1], [2]]);
  });
});
