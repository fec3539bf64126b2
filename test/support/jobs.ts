// Test helpers for running SQL jobs in-process: compile a script's one job, and an injected clock stepped per task.
import { expect } from 'vitest';
import { type CompiledJob, compileScript } from '../../compiler/index';
import type { UdfLoader } from '../../compiler/udf/loader';
import { ManualClock } from '../../runtime/clock';

/** The one job of `sql`; fails the test when the script has an error or no job. */
export function compileJob(sql: string, scriptName = 'test', udfLoader?: UdfLoader): CompiledJob {
  const r = compileScript(sql, { scriptName, udfLoader });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const s = r.statements.find((x) => x.kind === 'job');
  if (s?.kind !== 'job') throw new Error(`${scriptName}: the script has no job`);
  return s.job;
}

/**
 * A manual clock and a `tick` that moves it 1 ms: passed as the engine's `clock` and called from
 * `beforeStep`, job time advances per task step, so periodic checkpoints land mid-stream whatever the
 * machine's speed or load.
 */
export function steppedClock(): { clock: ManualClock; tick: () => void } {
  const clock = new ManualClock(0);
  return { clock, tick: () => clock.advance(1) };
}
