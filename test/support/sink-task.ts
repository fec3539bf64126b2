// A one-operator task around a sink writer, fed through one channel: for tests of how a task steps.
import { ManualClock } from '../../runtime/clock';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import type { SinkWriter } from '../../runtime/connectors/connector';
import { newMetrics, type OperatorContext, type OperatorMetrics } from '../../runtime/operator';
import { SinkOperator } from '../../runtime/operators/sink';
import { Channel } from '../../runtime/task/channel';
import { RecordWriter } from '../../runtime/task/record-writer';
import { StreamTask } from '../../runtime/task/stream-task';

export function sinkTask(
  writer: SinkWriter,
  metrics: OperatorMetrics = newMetrics(),
): { task: StreamTask; input: Channel } {
  const input = new Channel('in');
  const task = new StreamTask({
    key: 't',
    chain: [
      {
        op: new SinkOperator(writer, () => ({}) as never),
        ctx: { metrics } as unknown as OperatorContext,
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
  return { task, input };
}
