// JavaScript UDFs under SIGKILL: a scalar, an async scalar, an aggregate (retracting, over an updating GROUP BY) and
// a table function, each in its own job of one script, at parallelism 2 on two worker threads (which import the
// modules by path), killed at random moments and resumed with --from-checkpoint latest: the committed output
// equals a failure-free run's.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeir, runWithKills } from './crash-harness';
import { expectComplete, outputs, script, udfsFixture } from './udfs-fixture';

let dir = '';
let cleanup = () => {};
beforeAll(() => {
  ({ dir, cleanup } = udfsFixture());
});
afterAll(() => cleanup());

describe('JavaScript UDFs under SIGKILL', () => {
  it('scalar, async, aggregate (retracting) and table UDFs at parallelism 2 on worker threads: SIGKILLed runs commit the failure-free output', async () => {
    const settings = `SET 'execution.checkpointing.interval' = '100ms'; SET 'weir.workers' = '2';`;
    const reference = join(dir, 'reference');
    const killed = join(dir, 'killed');
    for (const [d, rate] of [
      [reference, 0],
      [killed, 1500],
    ] as const) {
      mkdirSync(d, { recursive: true });
      cpSync(join(dir, 'udfs'), join(d, 'udfs'), { recursive: true });
      writeFileSync(join(d, 'udfs.sql'), script({ parallelism: 2, rate, out: 'out', settings }));
    }
    const ref = await runWeir(reference, ['run', 'udfs.sql']);
    expect(ref.code, ref.stderr).toBe(0);
    const expected = outputs(join(reference, 'out'));
    expectComplete(expected);
    const summary = await runWithKills(killed, 'udfs.sql', {
      kills: 3,
      minMs: 700,
      maxMs: 2200,
      seed: Number(process.env['WEIR_CRASH_SEED'] ?? 22),
    });
    console.log(`udfs crash run: ${summary.kills} SIGKILLs over ${summary.runs} runs`);
    expect(summary.kills).toBeGreaterThanOrEqual(2);
    expect(outputs(join(killed, 'out'))).toEqual(expected);
  }, 240_000);
});
