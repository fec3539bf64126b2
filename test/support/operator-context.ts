// An OperatorContext for testing one operator alone: subtask 0 of 1 over all 128 key groups, a manual clock.
import type { JobOperator } from '../../compiler/physical/job-graph';
import { ManualClock } from '../../runtime/clock';
import { type OperatorContext, newMetrics } from '../../runtime/operator';
import type { KeyedStateBackend } from '../../runtime/state/backend';

export function operatorContext(
  state: KeyedStateBackend,
  inputUpdating: readonly boolean[],
  overrides: Partial<OperatorContext> = {},
): OperatorContext {
  return {
    jobName: 'test',
    operator: {} as JobOperator,
    subtaskIndex: 0,
    parallelism: 1,
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    state,
    clock: new ManualClock(0),
    metrics: newMetrics(),
    attempt: 0,
    inputUpdating,
    batchSize: 64,
    stateTtl: 0,
    allowLateness: 0,
    ...overrides,
  };
}
