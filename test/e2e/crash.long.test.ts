// The long crash run (npm run test:crash): ≥ 50 SIGKILLs at random moments and at fault points inside checkpoint
// writing, SST uploads (rocksdb) and sink commits; the committed output must equal the failure-free run exactly.
// `npm run test:crash -- heap` or `-- rocksdb` runs one backend; WEIR_CRASH_KILLS sets the kill count (a smoke
// run with a few kills checks only that the kills happened).
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

/** Set by scripts/test-crash.ts from `npm run test:crash -- <kind>`. */
const only = process.env['WEIR_CRASH_ONLY']?.split(',');
const FAULTS = ['state-written', 'metadata-written', 'sink-committing'];

interface Variant {
  readonly label: string;
  readonly settings: string;
  readonly faults?: readonly string[];
  readonly mustHit?: readonly string[];
  readonly faultHits?: Readonly<Record<string, number>>;
}

async function longCrashRun({ settings, faults, mustHit, faultHits }: Variant): Promise<void> {
  const seed = Number(process.env['WEIR_CRASH_SEED'] ?? 20261125);
  const kills = Number(process.env['WEIR_CRASH_KILLS'] ?? 60);
  const reference = mkdtempSync(join(tmpdir(), 'weir-ref-'));
  const crashed = mkdtempSync(join(tmpdir(), 'weir-crash-'));
  for (const dir of [reference, crashed]) {
    writeInputs(dir, 400_000, 20_000, seed);
    writeFileSync(join(dir, 'job.sql'), crashScript('100ms', `SET 'parallelism.default' = '2'; ${settings}`));
  }
  const ref = await runWeir(reference, ['run', 'job.sql']);
  expect(ref.code, ref.stderr).toBe(0);
  const summary = await runWithKills(crashed, 'job.sql', {
    kills,
    minMs: 150,
    maxMs: 900,
    seed,
    faultPoints: faults ?? FAULTS,
    ...(mustHit ? { mustHit } : {}),
    ...(faultHits ? { faultHits } : {}),
  });
  console.log(
    `long crash run: ${summary.kills} SIGKILLs over ${summary.runs} runs (seed ${seed}; at fault points: ${JSON.stringify(summary.faultKills)})`,
  );
  // 50 with the default 60 kills; a smoke run with WEIR_CRASH_KILLS below 50 requires all of its kills.
  expect(summary.kills).toBeGreaterThanOrEqual(Math.min(50, kills));
  for (const point of mustHit ?? [])
    expect(summary.faultKills[point] ?? 0, `kills at fault point ${point}`).toBeGreaterThan(0);
  // Subsumption (with shared files deleted) never broke a checkpoint still on disk, whichever run wrote it.
  const left = checkpointProblems(crashed);
  console.log(`long crash run: ${left.checkpoints} checkpoints left, ${left.orphans} unlisted shared files`);
  expect(left.problems).toEqual([]);
  expectSameCommittedOutput(crashed, reference);
}

describe.skipIf(only !== undefined && !only.includes('heap'))('long crash run', () => {
  it.each<Variant>([
    { label: 'full snapshots', settings: '' },
    {
      label: 'incremental snapshots',
      settings:
        "SET 'execution.checkpointing.incremental' = 'true'; SET 'state.checkpoints.num-retained' = '2';",
    },
  ])('≥ 50 kills ($label): GROUP BY and LEFT JOIN into transactional file sinks stay exact', longCrashRun);
});

describe.skipIf(only !== undefined && !only.includes('rocksdb'))('long crash run on rocksdb', () => {
  // Incremental (the default on rocksdb), one checkpoint retained: shared SSTs are deleted as soon as no
  // checkpoint lists them. Each fault point kills at least once; a run killed at a file upload dies at one
  // of the process's first 20 (2 jobs × 2 subtasks upload 4 files per checkpoint).
  it('≥ 50 kills (rocksdb, incremental): GROUP BY and LEFT JOIN into transactional file sinks stay exact', () =>
    longCrashRun({
      label: 'rocksdb, incremental',
      settings: "SET 'state.backend.type' = 'rocksdb';",
      faults: ['sst-upload', ...FAULTS],
      mustHit: ['sst-upload', ...FAULTS],
      faultHits: { 'sst-upload': 20, 'state-written': 20 },
    }));
});
