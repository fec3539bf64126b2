// Crash test (small, in npm test): a GROUP BY and a LEFT JOIN over file sources into transactional file sinks,
// SIGKILLed at random moments and resumed from the latest checkpoint, end with exactly the failure-free output.
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

const FAULTS = ['state-written', 'metadata-written', 'sink-committing'];

describe('crash recovery with SIGKILL', () => {
  it.each([
    { label: 'full snapshots', settings: '', kills: 5 },
    {
      label: 'incremental snapshots',
      settings:
        "SET 'execution.checkpointing.incremental' = 'true'; SET 'state.checkpoints.num-retained' = '2';",
      kills: 5,
    },
    {
      // Incremental by default: SSTs uploaded once to shared/, reused by later checkpoints, and (one retained
      // checkpoint) deleted once no checkpoint lists them. Every fault point kills at least once; a random run
      // killed at a file upload dies at one of the process's first 10 (both jobs' subtasks upload 4 files per
      // checkpoint), so some kills fall in a checkpoint that reuses SSTs of the one before.
      label: 'rocksdb, incremental',
      settings: "SET 'state.backend.type' = 'rocksdb';",
      kills: 6,
      faults: ['sst-upload', ...FAULTS],
      mustHit: ['sst-upload', ...FAULTS],
      faultHits: { 'sst-upload': 10, 'state-written': 10 },
    },
  ])(
    'committed output equals a failure-free run ($label): no loss, no duplicate',
    async ({ settings, kills, faults, mustHit, faultHits }) => {
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
        kills,
        minMs: 250,
        maxMs: 1200,
        seed,
        faultPoints: faults ?? FAULTS,
        ...(mustHit ? { mustHit } : {}),
        ...(faultHits ? { faultHits } : {}),
      });
      console.log(
        `crash test: ${summary.kills} SIGKILLs over ${summary.runs} runs (seed ${seed}; at fault points: ${JSON.stringify(summary.faultKills)})`,
      );
      expect(summary.kills).toBeGreaterThan(0);
      for (const point of mustHit ?? [])
        expect(summary.faultKills[point] ?? 0, `kills at fault point ${point}`).toBeGreaterThan(0);
      // Subsumption (with shared files deleted) never broke a checkpoint still on disk, whichever run wrote it.
      const left = checkpointProblems(crashed);
      console.log(`crash test: ${left.checkpoints} checkpoints left, ${left.orphans} unlisted shared files`);
      expect(left.problems).toEqual([]);
      expectSameCommittedOutput(crashed, reference, `after ${summary.kills} kills in ${summary.runs} runs`);
    },
    240_000,
  );
});
