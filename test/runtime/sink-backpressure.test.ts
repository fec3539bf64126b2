// A sink behind its external system (`SinkWriter.hasCapacity` false) holds its task back: no input is read until it catches up.
import { describe, expect, it } from 'vitest';
import type { SinkWriter } from '../../runtime/connectors/connector';
import { insertBatch } from '../../runtime/messages';
import { sinkTask } from '../support/sink-task';

describe('sink backpressure', () => {
  it('reads no input while the writer has no capacity, and reads on once it has', () => {
    const written: unknown[] = [];
    let room = true;
    const writer: SinkWriter = {
      open: () => {},
      write: (b) => written.push(...b.rows),
      hasCapacity: () => room,
    };
    const { task, input } = sinkTask(writer);
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
