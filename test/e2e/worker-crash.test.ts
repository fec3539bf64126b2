// Crash test on worker threads: the runtime issue's GROUP BY and LEFT JOIN at parallelism 2 on two task manager threads,
// SIGKILLed at random moments and at fault points (also inside the threads), end with exactly the failure-free output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkpointProblems,
  crashScript,
  runWeir,
  runWithKills,
  writeInputs,
  expectSameCommittedOutput,
} from './crash-harness';

const WORKERS = "SET 'parallelism.default' = '2'; SET 'weir.workers' = '2';";
const FAULTS = ['state-written', 'metadata-written', 'sink-committing'];

describe('crash recovery with SIGKILL, subtasks on worker threads', () => {
  it.each([
    { label: 'hashmap', settings: '', kills: 4, mustHit: ['sink-committing'] },
    {
      label: 'rocksdb',
      settings: "SET 'state.backend.type' = 'rocksdb';",
      kills: 4,
      // sink commits and SST uploads run in the task manager threads: their SIGKILL ends the whole process.
      faults: ['sst-upload', ...FAULTS],
      mustHit: ['sst-upload', 'sink-committing'],
      faultHits: { 'sst-upload': 6, 'state-written': 6 },
    },
  ])(
    'committed output equals a failure-free run ($label): no loss, no duplicate',
    async ({ label, settings, kills, faults, mustHit, faultHits }) => {
      const seed = Number(process.env['WEIR_CRASH_SEED'] ?? 11);
      const reference = mkdtempSync(join(tmpdir(), 'weir-wref-'));
      const crashed = mkdtempSync(join(tmpdir(), 'weir-wcrash-'));
      for (const dir of [reference, crashed]) {
        writeInputs(dir, 60_000, 2_000, seed);
        writeFileSync(join(dir, 'job.sql'), crashScript('150ms', `${WORKERS} ${settings}`));
      }
      // The reference runs on one thread: the threads must not change a single committed row.
      writeFileSync(
        join(reference, 'job.sql'),
        crashScript('150ms', `SET 'parallelism.default' = '2'; SET 'weir.workers' = '0'; ${settings}`),
      );
      const ref = await runWeir(reference, ['run', 'job.sql']);
      expect(ref.code, ref.stderr).toBe(0);
      const summary = await runWithKills(crashed, 'job.sql', {
        kills,
        minMs: 300,
        maxMs: 1500,
        seed,
        faultPoints: faults ?? FAULTS,
        mustHit,
        ...(faultHits ? { faultHits } : {}),
      });
      console.log(
        `worker crash test (${label}): ${summary.kills} SIGKILLs over ${summary.runs} runs (seed ${seed}; at fault points: ${JSON.stringify(summary.faultKills)})`,
      );
      expect(summary.kills).toBeGreaterThan(0);
      for (const point of mustHit)
        expect(summary.faultKills[point] ?? 0, `kills at fault point ${point}`).toBeGreaterThan(0);
      expect(checkpointProblems(crashed).problems).toEqual([]);
      expectSameCommittedOutput(crashed, reference, `after ${summary.kills} kills in ${summary.runs} runs`);
    },
    240_000,
  );
});
