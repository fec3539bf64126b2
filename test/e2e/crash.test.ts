// Crash test (small, in npm test): a GROUP BY and a LEFT JOIN over file sources into transactional file sinks,
// SIGKILLed at random moments and resumed from the latest checkpoint, end with exactly the failure-free output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedRows, crashScript, runWeir, runWithKills, writeInputs } from './crash-harness';

describe('crash recovery with SIGKILL', () => {
  it.each([
    ['full snapshots', ''],
    [
      'incremental snapshots',
      "SET 'execution.checkpointing.incremental' = 'true'; SET 'state.checkpoints.num-retained' = '2';",
    ],
  ])(
    'committed output equals a failure-free run (%s): no loss, no duplicate',
    async (_label, settings) => {
      const seed = Number(process.env['WEIR_CRASH_SEED'] ?? 7);
      const reference = mkdtempSync(join(tmpdir(), 'weir-ref-'));
      const crashed = mkdtempSync(join(tmpdir(), 'weir-crash-'));
      for (const dir of [reference, crashed]) {
        writeInputs(dir, 60_000, 2_000, seed);
        writeFileSync(join(dir, 'job.sql'), crashScript('150ms', settings));
      }
      const ref = await runWeir(reference, ['run', 'job.sql']);
      expect(ref.code, ref.stderr).toBe(0);
      const summary = await runWithKills(crashed, 'job.sql', {
        kills: 5,
        minMs: 250,
        maxMs: 1200,
        seed,
        faultPoints: ['state-written', 'metadata-written', 'sink-committing'],
      });
      console.log(`crash test: ${summary.kills} SIGKILLs over ${summary.runs} runs (seed ${seed})`);
      expect(summary.kills).toBeGreaterThan(0);
      for (const sink of ['out/totals', 'out/enriched']) {
        const expected = committedRows(join(reference, sink));
        expect(expected.size).toBeGreaterThan(0);
        expect(
          committedRows(join(crashed, sink)),
          `${sink} after ${summary.kills} kills in ${summary.runs} runs`,
        ).toEqual(expected);
      }
    },
    240_000,
  );
});
