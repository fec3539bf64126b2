// A start whose task fails to open closes the tasks that had opened (their sinks' connections) and disposes state.
import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStorage } from '../../runtime/checkpoint/memory-storage';
import { builtinConnectors } from '../../runtime/connectors/builtin';
import type { ConnectorContext, SinkWriter } from '../../runtime/connectors/connector';
import { runJob } from '../../runtime/engine';
import { compileJob } from '../support/jobs';

describe('a task that fails to open', () => {
  it('closes the writers that opened before it and fails the start with its error', async () => {
    const events: string[] = [];
    const writer = (): SinkWriter => {
      let subtask = -1;
      return {
        open(ctx: ConnectorContext) {
          subtask = ctx.subtaskIndex;
          if (subtask === 1) throw new Error('the external system refused subtask 1');
          events.push(`open ${subtask}`);
        },
        write() {},
        close() {
          events.push(`close ${subtask}`);
        },
      };
    };
    // The print connector's writer, replaced by one whose subtask 1 cannot open.
    const connectors = builtinConnectors().register('print', { createWriter: writer });
    const job = compileJob(`
SET 'parallelism.default' = '2';
SET 'restart-strategy.type' = 'none';
CREATE TABLE src (k BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '0', 'number-of-rows' = '100');
CREATE TABLE out (k BIGINT, n BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT k % 7, COUNT(*) FROM src GROUP BY k % 7;
`);
    await expect(
      runJob(job, {
        connectors,
        storage: new MemoryCheckpointStorage(1 << 20),
        print: () => {},
        log: () => {},
      }),
    ).rejects.toThrow('the external system refused subtask 1');
    // The task that failed is closed too: members of its chain may have opened before the one that threw.
    expect(events).toEqual(['open 0', 'close 0', 'close 1']);
  });
});
