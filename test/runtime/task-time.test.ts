// A task's time as busy, back-pressured and idle: what each step did and what the task waited for after it.
import { describe, expect, it } from 'vitest';
import type { SinkWriter } from '../../runtime/connectors/connector';
import { insertBatch } from '../../runtime/messages';
import { newMetrics } from '../../runtime/operator';
import { TaskTime } from '../../runtime/task/task-time';
import { sinkTask } from '../support/sink-task';

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TaskTime', () => {
  it('counts working steps as busy, waits after a full output as back-pressured, other waits as idle', async () => {
    const m = newMetrics();
    const t = new TaskTime(m);
    t.begin();
    spin(30);
    t.end(true, true); // worked, and the output is full now
    expect(m.busyTimeMs).toBeGreaterThanOrEqual(30);
    await sleep(40); // waiting for room downstream
    t.begin();
    t.end(false, false); // did nothing; the output has room again
    expect(m.backPressuredTimeMs).toBeGreaterThanOrEqual(39);
    const idleBefore = m.idleTimeMs;
    await sleep(40); // waiting for input
    t.begin();
    spin(10);
    t.end(true, false);
    expect(m.idleTimeMs - idleBefore).toBeGreaterThanOrEqual(39);
    expect(m.busyTimeMs).toBeGreaterThanOrEqual(40);
    expect(m.backPressuredTimeMs).toBeLessThan(1000);
  });
});

describe('StreamTask time', () => {
  it('is back-pressured while its sink has no capacity, idle while it has no input', async () => {
    let room = true;
    const writer: SinkWriter = { open: () => {}, write: () => {}, hasCapacity: () => room };
    const metrics = newMetrics();
    const { task, input } = sinkTask(writer, metrics);
    input.push({ kind: 'batch', batch: insertBatch([[1]]) });
    expect(task.step(64)).toBe(true);
    expect(metrics.recordsIn).toBe(1);
    room = false;
    task.step(64);
    await sleep(40);
    task.step(64);
    expect(metrics.backPressuredTimeMs).toBeGreaterThanOrEqual(39);
    room = true;
    const idle = metrics.idleTimeMs;
    task.step(64);
    await sleep(40);
    task.step(64);
    expect(metrics.idleTimeMs - idle).toBeGreaterThanOrEqual(39);
  });
});
