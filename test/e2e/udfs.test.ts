// JavaScript UDFs end to end: a scalar, an async scalar, an aggregate (retracting, over an updating GROUP BY) and a
// table function, each in its own job of one script (the SIGKILL test of the same script is udfs.long.test.ts). A
// savepoint taken mid-stream at parallelism 1 restores at parallelism 2 (UDF accumulators are keyed state) and ends
// with the uninterrupted output. A UDF that throws fails the job naming the function, the row and its line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../runtime/node/environment';
import { runWeir } from './crash-harness';
import { ROWS, expectComplete, jobsOf, outputs, script, udfsFixture } from './udfs-fixture';

let dir = '';
let cleanup = () => {};
beforeAll(() => {
  ({ dir, cleanup } = udfsFixture());
});
afterAll(() => cleanup());

describe('JavaScript UDFs end to end', () => {
  it('each job stopped with a savepoint mid-stream at parallelism 1 restores at parallelism 2 and ends with the uninterrupted output', async () => {
    const settings = `SET 'execution.checkpointing.savepoint-dir' = '${join(dir, 'savepoints')}';
      SET 'execution.checkpointing.dir' = '${join(dir, 'checkpoints')}';`;
    const baseline = join(dir, 'sp-baseline');
    for (const job of await jobsOf(
      dir,
      script({ parallelism: 1, rate: 0, out: baseline, settings }),
      'base',
    )) {
      const h = await startJob(job, { out: () => {}, err: () => {}, interactive: false });
      expect(await h.done).toEqual({ status: 'FINISHED' });
    }
    const expected = outputs(baseline);
    expectComplete(expected);

    const restored = join(dir, 'sp-restored');
    const before = await jobsOf(dir, script({ parallelism: 1, rate: 2000, out: restored, settings }), 'sp');
    // On the main thread (the SIGKILL test in udfs.long.test.ts runs the UDFs on worker threads).
    const after = await jobsOf(
      dir,
      script({ parallelism: 2, rate: 0, out: restored, settings: `${settings} SET 'weir.workers' = '0';` }),
      'sp',
    );
    for (let i = 0; i < before.length; i++) {
      const h = await startJob(before[i]!, { out: () => {}, err: () => {}, interactive: false });
      const deadline = Date.now() + 20_000;
      while (h.metrics().recordsIn < ROWS / 4 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      const sp = await h.stopWithSavepoint();
      expect(await h.done).toEqual({ status: 'FINISHED' });
      const emitted = (Object.values(sp.metadata.sourceOffsets)[0] as { emitted: number }[]).reduce(
        (n, x) => n + x.emitted,
        0,
      );
      expect(emitted, `job ${before[i]!.name} stopped mid-stream`).toBeGreaterThan(0);
      expect(emitted, `job ${before[i]!.name} stopped mid-stream`).toBeLessThan(ROWS);
      if (after[i]!.graph.operators.some((o) => o.spec.kind === 'groupAggregate'))
        expect(
          sp.metadata.operators
            .filter((o) => o.kind === 'groupAggregate')
            .every((o) => o.subtasks.reduce((n, s) => n + (s.keyed?.size ?? 0), 0) > 0),
          'the aggregates (the UDF accumulators among them) hold state in the savepoint',
        ).toBe(true);
      const log: string[] = [];
      const r = await startJob(after[i]!, {
        out: () => {},
        err: (l) => log.push(l),
        interactive: false,
        recovery: { kind: 'savepoint', path: sp.location },
      });
      expect(await r.done, log.join('\n')).toEqual({ status: 'FINISHED' });
    }
    expect(outputs(restored)).toEqual(expected);
  }, 120_000);

  it('a UDF that throws fails the job naming the function, the input row and the module line', async () => {
    const d = join(dir, 'throws');
    mkdirSync(join(d, 'udfs'), { recursive: true });
    writeFileSync(
      join(d, 'udfs/picky.js'),
      `export default {\n  returns: 'INT',\n  eval(x) {\n    if (x === 7) throw new RangeError('seven is not allowed');\n    return x;\n  },\n};\n`,
    );
    writeFileSync(
      join(d, 'picky.sql'),
      `SET 'parallelism.default' = '2';
SET 'restart-strategy.type' = 'fixed-delay';
SET 'restart-strategy.fixed-delay.attempts' = '1';
SET 'restart-strategy.fixed-delay.delay' = '10 ms';
CREATE TABLE t (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '20',
  'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '20');
CREATE FUNCTION picky AS 'udfs/picky.js' LANGUAGE JAVASCRIPT;
CREATE TABLE s (x INT) WITH ('connector' = 'blackhole');
INSERT INTO s SELECT picky(x) FROM t;
`,
    );
    const r = await runWeir(d, ['run', 'picky.sql']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'function picky (eval) threw RangeError: seven is not allowed on input row [7]',
    );
    expect(r.stderr).toMatch(/at .*udfs\/picky\.js:4:\d+/);
    // The restart strategy applied: one restart, then the job failed.
    expect(r.stderr).toContain('1 restart');
  }, 60_000);
});
