// The long crash run (npm run test:crash): ≥ 50 SIGKILLs at random moments and at fault points inside checkpoint
// writing and sink commits; the committed output must equal the failure-free run exactly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedRows, crashScript, runWeir, runWithKills, writeInputs } from './crash-harness';

const args = process.argv.slice(2);
const only = ['heap', 'postgres'].find((a) => args.includes(a));

describe.skipIf(only !== undefined && only !== 'heap')('long crash run', () => {
  it.each([
    ['full snapshots', ''],
    [
      'incremental snapshots',
      "SET 'execution.checkpointing.incremental' = 'true'; SET 'state.checkpoints.num-retained' = '2';",
    ],
  ])(
    '≥ 50 kills (%s): GROUP BY and LEFT JOIN into transactional file sinks stay exact',
    async (_label, settings) => {
      const seed = Number(process.env['WEIR_CRASH_SEED'] ?? 20261125);
      const kills = Number(process.env['WEIR_CRASH_KILLS'] ?? 60);
      const reference = mkdtempSync(join(tmpdir(), 'weir-ref-'));
      const crashed = mkdtempSync(join(tmpdir(), 'weir-crash-'));
      for (const dir of [reference, crashed]) {
        writeInputs(dir, 400_000, 20_000, seed);
        writeFileSync(
          join(dir, 'job.sql'),
          crashScript('100ms', `SET 'parallelism.default' = '2'; ${settings}`),
        );
      }
      const ref = await runWeir(reference, ['run', 'job.sql']);
      expect(ref.code, ref.stderr).toBe(0);
      const summary = await runWithKills(crashed, 'job.sql', {
        kills,
        minMs: 150,
        maxMs: 900,
        seed,
        faultPoints: ['state-written', 'metadata-written', 'sink-committing'],
      });
      console.log(`long crash run: ${summary.kills} SIGKILLs over ${summary.runs} runs (seed ${seed})`);
      expect(summary.kills).toBeGreaterThanOrEqual(50);
      for (const sink of ['out/totals', 'out/enriched']) {
        const expected = committedRows(join(reference, sink));
        expect(committedRows(join(crashed, sink)), sink).toEqual(expected);
      }
    },
  );
});
